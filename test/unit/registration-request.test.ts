import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/oauth/oauth-error.js';
import { planRegistration, type RegistrationPolicy } from '../../src/oauth/registration-request.js';

const PROFILE = { name: 'mcp', scopeElementMapping: { notes: [], calendar: ['UserLogin'] } };
let JWK: Record<string, unknown>;
beforeAll(async () => {
  JWK = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'k1', alg: 'ES256' };
});

function refusal(body: Record<string, unknown>, policy: RegistrationPolicy = 'open'): string {
  try {
    planRegistration(body, PROFILE, policy);
  } catch (error) {
    if (error instanceof OAuthError) return `${error.status} ${error.error}`;
    throw error;
  }
  throw new Error('the registration was accepted');
}

describe('planRegistration', () => {
  it('plans a public code-flow client: never skip_consent, never acting for users, no scope of its own', () => {
    const plan = planRegistration(
      { redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], skip_consent: true, may_act_for_users: true, scope: 'notes' },
      PROFILE,
      'open',
    );
    expect(plan.kind).toBe('code-flow');
    expect(plan.scope).toEqual(['notes']);
    expect(plan.changes).toEqual({
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      refreshTokens: true,
      profile: 'mcp',
      redirectUris: ['http://127.0.0.1/cb'],
    });
  });

  it('defaults to the code flow for open registration and when redirect URIs are given, else to an app instance', () => {
    expect(planRegistration({ redirect_uris: ['https://a.example/cb'] }, PROFILE, 'open').changes).toMatchObject({ tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'] });
    expect(planRegistration({ redirect_uris: ['https://a.example/cb'] }, PROFILE, 'initial-access-token').kind).toBe('code-flow');
    const instance = planRegistration({ jwks: { keys: [JWK] } }, PROFILE, 'initial-access-token');
    expect(instance).toMatchObject({ kind: 'instance', scope: [], changes: { tokenEndpointAuthMethod: 'private_key_jwt', grantTypes: ['client_credentials'], clientName: 'app instance (mcp)' } });
    // Without scope, a code-flow client may ask for what the profile maps, and offline_access with refresh tokens.
    expect(planRegistration({ redirect_uris: ['https://a.example/cb'] }, PROFILE, 'open').scope).toEqual(['notes', 'calendar']);
    expect(planRegistration({ redirect_uris: ['https://a.example/cb'], grant_types: ['authorization_code', 'refresh_token'] }, PROFILE, 'open').scope).toEqual(['notes', 'calendar', 'offline_access']);
    expect(planRegistration({ redirect_uris: ['https://a.example/cb'], grant_types: ['authorization_code', 'refresh_token'], scope: 'notes offline_access' }, PROFILE, 'open').scope).toEqual([
      'notes',
      'offline_access',
    ]);
  });

  it('answers RFC 7591 §3.2.2 errors with status 400', () => {
    expect(refusal({ redirect_uris: ['http://a.example/cb'] })).toBe('400 invalid_redirect_uri');
    expect(refusal({ redirect_uris: ['https://a.example/cb#x'] })).toBe('400 invalid_redirect_uri');
    expect(refusal({ redirect_uris: ['javascript:alert(1)'] })).toBe('400 invalid_redirect_uri');
    expect(refusal({})).toBe('400 invalid_redirect_uri');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], response_types: ['code', 'token'] })).toBe('400 invalid_client_metadata');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], grant_types: ['client_credentials'] })).toBe('400 invalid_client_metadata');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], grant_types: ['refresh_token'] }, 'initial-access-token')).toBe('400 invalid_client_metadata');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], scope: 'notes admin' })).toBe('400 invalid_client_metadata');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], scope: 'notes offline_access' })).toBe('400 invalid_client_metadata');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], client_name: 'a\nb' })).toBe('400 invalid_client_metadata');
    // A self-chosen name must not reorder or hide text on the consent page.
    for (const name of ['Example\u202Egnp.exe', 'Goo\u200Bgle', 'a\u0085b', 'x\u2066y\u2069']) {
      expect(refusal({ redirect_uris: ['https://a.example/cb'], client_name: name })).toBe('400 invalid_client_metadata');
    }
    expect(planRegistration({ redirect_uris: ['https://a.example/cb'], client_name: 'ノート Notes – ✓' }, PROFILE, 'open').changes.clientName).toBe('ノート Notes – ✓');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' })).toBe('400 invalid_client_metadata');
    expect(refusal({ jwks: { keys: [JWK] }, grant_types: ['client_credentials'], redirect_uris: ['https://a.example/cb'] }, 'initial-access-token')).toBe('400 invalid_client_metadata');
    expect(refusal({ redirect_uris: ['https://a.example/cb'], software_statement: 'x' })).toBe('400 invalid_software_statement');
  });
});
