import { describe, expect, it } from 'vitest';
import { FormParams } from '../../src/oauth/form-params.js';
import { OAuthError } from '../../src/oauth/oauth-error.js';
import { isScopeToken, parseScopeParameter } from '../../src/shared/scope.js';

const FORM = 'application/x-www-form-urlencoded';

describe('OAuth request parameters', () => {
  it('reads single parameters and treats empty values as omitted', () => {
    const params = FormParams.fromRequest(`${FORM}; charset=UTF-8`, { grant_type: 'client_credentials', scope: '' });
    expect(params.get('grant_type')).toBe('client_credentials');
    expect(params.get('scope')).toBeUndefined();
    expect(() => params.require('scope')).toThrow(OAuthError);
  });

  it('refuses repeated parameters except resource', () => {
    expect(() => FormParams.fromRequest(FORM, { scope: ['a', 'b'] })).toThrow(/repeated/);
    expect(FormParams.fromRequest(FORM, { resource: ['https://a', 'https://b'] }).all('resource')).toEqual(['https://a', 'https://b']);
  });

  it('refuses other content types', () => {
    for (const type of [undefined, 'application/json', 'text/plain', 'multipart/form-data']) {
      expect(() => FormParams.fromRequest(type, {})).toThrow(/x-www-form-urlencoded/);
    }
  });

  it('parses scope parameters per RFC 6749 §3.3', () => {
    expect(parseScopeParameter('a  b a')).toEqual(['a', 'b']);
    expect(parseScopeParameter('a "b"')).toBeNull();
    expect(isScopeToken('users:read')).toBe(true);
    expect(isScopeToken('a\\b')).toBe(false);
  });
});
