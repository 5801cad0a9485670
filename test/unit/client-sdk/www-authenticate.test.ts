import { describe, expect, it } from 'vitest';
import { bearerChallenge, parseWwwAuthenticate } from '../../../src/client-sdk/www-authenticate.js';

describe('WWW-Authenticate parsing', () => {
  it("reads Gatehouse's Bearer challenges", () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="gatehouse", error="insufficient_scope", error_description="the access token lacks the scope users", scope="users", resource_metadata="http://x/.well-known/oauth-protected-resource"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'gatehouse',
          error: 'insufficient_scope',
          error_description: 'the access token lacks the scope users',
          scope: 'users',
          resource_metadata: 'http://x/.well-known/oauth-protected-resource',
        },
      },
    ]);
  });

  it('unescapes quoted strings and keeps commas and equals signs inside them', () => {
    const [challenge] = parseWwwAuthenticate(String.raw`Bearer error="invalid_token", error_description="a \"quoted\" word, a back\\slash = sign", scope="a b"`);
    expect(challenge?.params).toEqual({ error: 'invalid_token', error_description: 'a "quoted" word, a back\\slash = sign', scope: 'a b' });
  });

  it('separates several challenges, token68 and unquoted token values, case-insensitive names', () => {
    expect(parseWwwAuthenticate('Basic realm="x", Newauth abc123==, BEARER Error=invalid_token ,  Scope = "s1 s2", DPoP algs="ES256"')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'newauth', params: {}, token68: 'abc123==' },
      { scheme: 'bearer', params: { error: 'invalid_token', scope: 's1 s2' } },
      { scheme: 'dpop', params: { algs: 'ES256' } },
    ]);
    expect(bearerChallenge('Basic realm="a", Bearer scope="users"')?.params.scope).toBe('users');
  });

  it('handles schemes without parameters and empty lists', () => {
    expect(parseWwwAuthenticate('Bearer')).toEqual([{ scheme: 'bearer', params: {} }]);
    expect(parseWwwAuthenticate('Bearer, Basic')).toEqual([
      { scheme: 'bearer', params: {} },
      { scheme: 'basic', params: {} },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(bearerChallenge(null)).toBeUndefined();
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
  });

  it('keeps what it read before a malformed part', () => {
    expect(parseWwwAuthenticate('Bearer error="invalid_token", error_description="unterminated')).toEqual([{ scheme: 'bearer', params: { error: 'invalid_token' } }]);
    expect(parseWwwAuthenticate('Bearer error=invalid_token, scope=')).toEqual([{ scheme: 'bearer', params: { error: 'invalid_token' } }]);
    // A lone "name=" is a token68 by the grammar.
    expect(parseWwwAuthenticate('Bearer scope=')).toEqual([{ scheme: 'bearer', params: {}, token68: 'scope=' }]);
    expect(parseWwwAuthenticate('Bearer realm="a" junk')).toEqual([{ scheme: 'bearer', params: { realm: 'a' } }]);
  });

  it('keeps the first of repeated parameters', () => {
    expect(parseWwwAuthenticate('Bearer scope="a", scope="b"')[0]?.params.scope).toBe('a');
  });
});
