import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

async function documentAt(server: TestServer, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Record<string, unknown>;
}

describe.each(STORES)('OpenID Connect discovery on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  it('publishes the OpenID provider configuration (OIDC Discovery §3)', async () => {
    const issuer = server.url;
    const document = await documentAt(server, '/.well-known/openid-configuration');
    expect(document).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
      require_pushed_authorization_requests: false,
      jwks_uri: `${issuer}/oauth/jwks`,
      registration_endpoint: `${issuer}/oauth/register`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      authorization_response_iss_parameter_supported: true,
      prompt_values_supported: ['none', 'login', 'consent'],
      ui_locales_supported: ['en', 'ja'],
    });
    // OIDC Core §15.1: RS256 besides the configured algorithm (ES256 by default).
    expect(document.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
    expect(document.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(document.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']));
    expect(document.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'name', 'preferred_username', 'email', 'email_verified']));
    expect(document.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'refresh_token']));
  });

  it('is the same document as the RFC 8414 metadata', async () => {
    const openid = await documentAt(server, '/.well-known/openid-configuration');
    const oauth = await documentAt(server, '/.well-known/oauth-authorization-server');
    expect(oauth).toEqual(openid);
  });

  it('names a key the JWKS publishes for every ID-token algorithm it lists', async () => {
    const document = await documentAt(server, '/.well-known/openid-configuration');
    const jwks = (await (await fetch(String(document.jwks_uri))).json()) as { keys: { alg: string }[] };
    for (const alg of document.id_token_signing_alg_values_supported as string[]) expect(jwks.keys.map((key) => key.alg)).toContain(alg);
  });
});

describe('OpenID Connect discovery with RS256 access tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { signingAlg: 'RS256' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists RS256 once and publishes a single key', async () => {
    const document = await documentAt(server, '/.well-known/openid-configuration');
    expect(document.id_token_signing_alg_values_supported).toEqual(['RS256']);
    const jwks = (await (await fetch(`${server.url}/oauth/jwks`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
  });
});
