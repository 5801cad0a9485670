import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClientValidationError, defaultClient, InvalidClientFieldsError, parseClientChanges, type ClientCheckContext } from '../../src/clients/client-metadata.js';
import { OAuthError } from '../../src/oauth/oauth-error.js';
import { planRegistration, type RegistrationPolicy } from '../../src/oauth/registration-request.js';
import { errorBodyOf } from '../../src/server/error-handler.js';
import { FieldValidationError, InvalidFieldsError, problemsOf } from '../../src/shared/errors.js';
import { parseUserChanges } from '../../src/users/user-input.js';

/** The validation error `work` throws (the test fails when it throws none). */
function refusalOf(work: () => unknown): FieldValidationError {
  try {
    work();
  } catch (error) {
    if (error instanceof FieldValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

const fieldsOf = (work: () => unknown) => problemsOf(refusalOf(work)).map((problem) => problem.field);

const now = Date.UTC(2026, 0, 1);
const context = (extra: Partial<ClientCheckContext> = {}): ClientCheckContext => ({ current: defaultClient('c1', now), maxAccessTokenLifetime: 3600, ...extra });

describe('client metadata: every invalid field at once', () => {
  it('lists every bad field of a body, unknown fields first, then in field order, with each field its own message', () => {
    const error = refusalOf(() => parseClientChanges({ redirect_uris: ['http://app.example/cb'], client_name: '', nonsense: 1, access_token_lifetime: -1, grant_types: ['implicit'] }, 'create'));
    expect(error).toBeInstanceOf(InvalidClientFieldsError);
    expect(error.code).toBe('invalid_client_metadata');
    expect(problemsOf(error)).toEqual([
      { field: 'nonsense', reason: 'unknown field' },
      { field: 'client_name', reason: 'must be a non-empty string of at most 200 characters' },
      { field: 'grant_types', reason: "'implicit' is not supported; use client_credentials, password, authorization_code" },
      { field: 'access_token_lifetime', reason: "must be an integer from 0 to 99999999 (seconds; 0: the server's maximum)" },
      {
        field: 'redirect_uris',
        reason: "'http://app.example/cb' uses http: only a loopback address (127.0.0.1, [::1], localhost) may; use https",
      },
    ]);
  });

  it('quotes values as they were typed, without JSON escapes', () => {
    const error = refusalOf(() => parseClientChanges({ scope: 'read "quoted" naïve\\x', allowed_origins: ['https://é.example/path'] }, 'update'));
    expect(problemsOf(error).map((problem) => problem.reason)).toEqual([
      `'"quoted"' is not a valid scope element (RFC 6749 §3.3)`,
      `'https://é.example/path' is not an origin (scheme://host[:port], no path)`,
    ]);
    const body = errorBodyOf(error);
    expect(body.fields?.map((field) => field.description).join('\n')).not.toMatch(/\\"|\\u/);
  });

  it('throws the one ClientValidationError itself when one field fails', () => {
    const error = refusalOf(() => parseClientChanges({ client_name: 'ok', roles_claim: 'yes' }, 'update'));
    expect(error).toBeInstanceOf(ClientValidationError);
    expect(error).not.toBeInstanceOf(InvalidFieldsError);
    expect(error.message).toBe('roles_claim: must be true or false');
  });

  it('reports the rules between fields with the fields, when their inputs are valid', () => {
    // authorization_code needs redirect URIs; refresh tokens never with client_credentials only.
    expect(fieldsOf(() => parseClientChanges({ client_name: '', grant_types: ['authorization_code'] }, 'create', context()))).toEqual(['client_name', 'redirect_uris']);
    expect(fieldsOf(() => parseClientChanges({ expires_at: 'soon', refresh_tokens: true }, 'create', context()))).toEqual(['expires_at', 'refresh_tokens']);
    // Every rule broken at once.
    expect(fieldsOf(() => parseClientChanges({ grant_types: ['authorization_code', 'password'], token_endpoint_auth_method: 'none', scope: 'offline_access' }, 'create', context()))).toEqual([
      'grant_types',
      'redirect_uris',
      'scope',
    ]);
  });

  it('skips a rule whose input is itself invalid: that field is the one to fix', () => {
    expect(fieldsOf(() => parseClientChanges({ grant_types: ['authorization_code', 'bogus'], client_name: '' }, 'create', context()))).toEqual(['client_name', 'grant_types']);
    expect(fieldsOf(() => parseClientChanges({ grant_types: ['authorization_code'], redirect_uris: 'not a list' }, 'create', context()))).toEqual(['redirect_uris']);
  });

  it('checks the server maximum and an update client_id with the other fields', () => {
    expect(fieldsOf(() => parseClientChanges({ access_token_lifetime: 7200, client_name: '' }, 'create', context()))).toEqual(['client_name', 'access_token_lifetime']);
    expect(fieldsOf(() => parseClientChanges({ client_id: 'other', enabled: 'no' }, 'update', context({ clientId: 'c1' })))).toEqual(['client_id', 'enabled']);
    expect(parseClientChanges({ client_id: 'c1' }, 'update', context({ clientId: 'c1' }))).toEqual({ clientId: 'c1' });
  });
});

describe('user input: every invalid field at once', () => {
  it('lists a bad username, email and roles of a create together, in field order', () => {
    const error = refusalOf(() => parseUserChanges({ roles: ['has space'], email: 'not-an-address', username: ' padded', password: 'long enough' }, 'create'));
    expect(error).toBeInstanceOf(InvalidFieldsError);
    expect(problemsOf(error)).toEqual([
      { field: 'username', reason: 'must be 1 to 128 characters, without control characters or surrounding spaces' },
      { field: 'email', reason: 'must be an email address or null' },
      { field: 'roles', reason: 'must be a list of role names (1 to 64 printable characters, no spaces)' },
    ]);
  });

  it('reports refused fields first, and a missing password with the rest', () => {
    expect(fieldsOf(() => parseUserChanges({ username: 'alice', email: 'x', colour: 'blue' }, 'create'))).toEqual(['colour', 'password', 'email']);
    expect(problemsOf(refusalOf(() => parseUserChanges({ password: 'new password', enabled: 'yes' }, 'update')))).toEqual([
      { field: 'password', reason: 'unknown or read-only field; reset it with POST .../password' },
      { field: 'enabled', reason: 'must be true or false' },
    ]);
  });

  it('still answers the checked changes when every field is valid', () => {
    expect(parseUserChanges({ username: 'alice', password: 'long enough', roles: ['a', 'a'], id: 'ignored' }, 'create')).toEqual({ username: 'alice', password: 'long enough', roles: ['a'] });
  });
});

describe('dynamic registration: every invalid field, in RFC 7591 form', () => {
  const PROFILE = { name: 'mcp', scopeElementMapping: { notes: [] } };
  let JWK: Record<string, unknown>;
  beforeAll(async () => {
    JWK = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'k1', alg: 'ES256' };
  });

  function refusal(body: Record<string, unknown>, policy: RegistrationPolicy = 'open') {
    try {
      planRegistration(body, PROFILE, policy);
    } catch (error) {
      if (error instanceof OAuthError) return { status: error.status, ...error.toJSON() };
      throw error;
    }
    throw new Error('the registration was accepted');
  }

  it('keeps the error code of the first problem and lists every field', () => {
    expect(refusal({ redirect_uris: ['http://app.example/cb'], scope: 'notes admin', client_name: 'a\u202Eb' })).toEqual({
      status: 400,
      error: 'invalid_redirect_uri',
      error_description: expect.stringContaining('redirect_uris: '),
      field: 'redirect_uris',
      fields: [
        { field: 'redirect_uris', description: "'http://app.example/cb' uses http: only a loopback address (127.0.0.1, [::1], localhost) may; use https" },
        { field: 'scope', description: 'admin cannot be registered (not in the scope mapping of the profile mcp)' },
        { field: 'client_name', description: 'must not contain control, format or bidirectional override characters' },
      ],
    });
    const metadataFirst = refusal({ redirect_uris: ['javascript:alert(1)'], response_types: ['token'] });
    expect(metadataFirst).toMatchObject({ error: 'invalid_client_metadata', fields: [{ field: 'response_types' }, { field: 'redirect_uris' }] });
    expect(refusal({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, client_name: '' }, 'initial-access-token')).toMatchObject({
      error: 'invalid_client_metadata',
      fields: [{ field: 'client_name' }, { field: 'jwks' }],
    });
  });

  it('answers one problem as before: its own description, no fields member', () => {
    expect(refusal({ redirect_uris: ['https://a.example/cb'], scope: 'notes admin' })).toEqual({
      status: 400,
      error: 'invalid_client_metadata',
      error_description: 'scope: admin cannot be registered (not in the scope mapping of the profile mcp)',
    });
    expect(refusal({ redirect_uris: ['https://a.example/cb'], jwks: { keys: [JWK] }, token_endpoint_auth_method: 'none' }, 'initial-access-token')).toEqual({
      status: 400,
      error: 'invalid_client_metadata',
      error_description: 'a public client (token_endpoint_auth_method none) has no keys: leave out jwks, or use private_key_jwt',
    });
    expect(refusal({ redirect_uris: ['https://a.example/cb#x'] })).toEqual({
      status: 400,
      error: 'invalid_redirect_uri',
      error_description: "redirect_uris: 'https://a.example/cb#x' must not have a fragment (#)",
    });
  });
});
