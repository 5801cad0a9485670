import type { AutocannonRequest, Options } from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import { AssertionPool } from './assertion-pool.js';
import { admin } from './server.js';

export interface Scenario {
  name: string;
  /** Signing algorithm the server must run with. */
  alg: 'ES256' | 'EdDSA';
  /** Builds the autocannon options against a prepared server. */
  options(url: string, fixture: Fixture): Options;
  /** A second load that runs at the same time; the reported figures are this one's. */
  background?: (url: string, fixture: Fixture) => Options;
  /** The pre-signed single-use assertions the scenario consumes, one per request; filled before each run. */
  pool?: (fixture: Fixture) => AssertionPool;
}

export interface Fixture {
  ccAuth: string;
  passwordAuth: string;
  username: string;
  password: string;
  validToken: string;
  revokedToken: string;
  refreshTokens: string[];
  /** Client assertions of the private_key_jwt client (iss = sub = the client, aud the token endpoint). */
  clientAssertions: AssertionPool;
  /** Basic authorization of the application at the application token endpoint. */
  appAuth: string;
  /** Signed requests of that application (iss = the application, aud the endpoint). */
  appRequests: AssertionPool;
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const APP_TOKEN_PATH = '/api/auth/sign/ap/token';
const CLIENT_ASSERTION_TYPE = encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POSTs a form and returns the JSON answer; anything but 200 throws. */
export async function postForm(url: string, path: string, auth: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { ...FORM, authorization: auth }, body: new URLSearchParams(params).toString() });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/**
 * A client with a registered public key (generated here with jose; the server only sees the public JWK),
 * and a pool of assertions signed with the private key.
 */
async function keyClient(
  url: string,
  metadata: Record<string, unknown>,
  claims: { aud: string; subjectIsClient: boolean },
): Promise<{ client: { client_id: string; client_secret?: string }; pool: AssertionPool }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = 'bench-key';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const client = (await admin(url, 'POST', '/clients', { ...metadata, jwks: { keys: [jwk] } })) as { client_id: string; client_secret?: string };
  const sub = claims.subjectIsClient ? { sub: client.client_id } : {};
  return { client, pool: new AssertionPool(privateKey, kid, { iss: client.client_id, aud: claims.aud, ...sub }) };
}

/** Registers the clients, the user and the tokens every scenario needs. */
export async function prepareFixture(url: string, refreshTokenCount: number): Promise<Fixture> {
  const cc = (await admin(url, 'POST', '/clients', { client_name: 'bench cc', scope: 'read write users demo' })) as { client_id: string; client_secret: string };
  const pw = (await admin(url, 'POST', '/clients', { client_name: 'bench password', grant_types: ['password'], refresh_tokens: true, scope: 'read' })) as {
    client_id: string;
    client_secret: string;
  };
  await admin(url, 'POST', '/users', { username: 'bench-user', password: 'bench user password' });
  const ccAuth = basic(cc.client_id, cc.client_secret);
  const passwordAuth = basic(pw.client_id, pw.client_secret);
  const validToken = (await postForm(url, '/oauth/token', ccAuth, { grant_type: 'client_credentials' })).access_token as string;
  const revokedToken = (await postForm(url, '/oauth/token', ccAuth, { grant_type: 'client_credentials' })).access_token as string;
  await postForm(url, '/oauth/revoke', ccAuth, { token: revokedToken });
  const refreshTokens: string[] = [];
  for (let i = 0; i < refreshTokenCount; i++) {
    const body = await postForm(url, '/oauth/token', passwordAuth, { grant_type: 'password', username: 'bench-user', password: 'bench user password' });
    refreshTokens.push(body.refresh_token as string);
  }
  const pkjwt = await keyClient(url, { client_name: 'bench private_key_jwt', scope: 'read', token_endpoint_auth_method: 'private_key_jwt' }, { aud: `${url}/oauth/token`, subjectIsClient: true });
  const app = await keyClient(url, { client_name: 'bench application', scope: 'read' }, { aud: `${url}${APP_TOKEN_PATH}`, subjectIsClient: false });
  return {
    ccAuth,
    passwordAuth,
    username: 'bench-user',
    password: 'bench user password',
    validToken,
    revokedToken,
    refreshTokens,
    clientAssertions: pkjwt.pool,
    appAuth: basic(app.client.client_id, app.client.client_secret ?? ''),
    appRequests: app.pool,
  };
}

export const clientCredentials = (url: string, fixture: Fixture): Options => ({
  url: `${url}/oauth/token`,
  method: 'POST',
  headers: { ...FORM, authorization: fixture.ccAuth },
  body: 'grant_type=client_credentials',
});

const passwordGrant = (url: string, fixture: Fixture): Options => ({
  url: `${url}/oauth/token`,
  method: 'POST',
  headers: { ...FORM, authorization: fixture.passwordAuth },
  body: new URLSearchParams({ grant_type: 'password', username: fixture.username, password: fixture.password, scope: 'read' }).toString(),
});

/**
 * Refresh-token chains: rotation makes every token single-use, so a request checks a chain out of a pool
 * and its response puts the chain back with the new token. A chain whose response never arrives (cut off
 * when a run ends) is dropped, so the fixture holds enough chains for every run.
 */
export function refreshChain(url: string, fixture: Fixture): Options {
  const request: AutocannonRequest = {
    method: 'POST',
    path: '/oauth/token',
    headers: { ...FORM, authorization: fixture.passwordAuth },
    setupRequest: (req, context) => {
      const token = fixture.refreshTokens.shift();
      if (token === undefined) throw new Error('refresh-token chains exhausted; raise the fixture size');
      context.token = token;
      return { ...req, body: `grant_type=refresh_token&refresh_token=${token}` };
    },
    onResponse: (status, body) => {
      if (status === 200) fixture.refreshTokens.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
    },
  };
  return { url, requests: [request] };
}

/** client_credentials authenticated by a fresh client assertion per request (RFC 7523 §2.2). */
const privateKeyJwt = (url: string, fixture: Fixture): Options => ({
  url,
  requests: [
    {
      method: 'POST',
      path: '/oauth/token',
      headers: FORM,
      setupRequest: (req) => ({ ...req, body: `grant_type=client_credentials&client_assertion_type=${CLIENT_ASSERTION_TYPE}&client_assertion=${fixture.clientAssertions.take()}` }),
    },
  ],
});

/** The application token endpoint: the application's secret (Basic) and a fresh signed request per call. */
const appToken = (url: string, fixture: Fixture): Options => ({
  url,
  requests: [
    {
      method: 'POST',
      path: APP_TOKEN_PATH,
      headers: { ...FORM, authorization: fixture.appAuth },
      setupRequest: (req) => ({ ...req, body: `request=${fixture.appRequests.take()}` }),
    },
  ],
});

export const introspection = (url: string, fixture: Fixture): Options => ({
  url: `${url}/oauth/introspect`,
  method: 'POST',
  headers: { ...FORM, authorization: fixture.ccAuth },
  body: `token=${fixture.validToken}`,
});

export const SCENARIOS: Scenario[] = [
  { name: 'client_credentials, client_secret_basic, ES256', alg: 'ES256', options: clientCredentials },
  { name: 'client_credentials, client_secret_basic, EdDSA', alg: 'EdDSA', options: clientCredentials },
  { name: 'client_credentials, private_key_jwt (ES256 assertion)', alg: 'ES256', options: privateKeyJwt, pool: (fixture) => fixture.clientAssertions },
  { name: 'application token endpoint (secret + signed request)', alg: 'ES256', options: appToken, pool: (fixture) => fixture.appRequests },
  { name: 'introspection of a valid JWT', alg: 'ES256', options: introspection },
  {
    name: 'introspection of a revoked JWT',
    alg: 'ES256',
    options: (url, fixture) => ({ url: `${url}/oauth/introspect`, method: 'POST', headers: { ...FORM, authorization: fixture.ccAuth }, body: `token=${fixture.revokedToken}` }),
  },
  {
    name: 'user API GET /api/users (protected, reads the store)',
    alg: 'ES256',
    options: (url, fixture) => ({ url: `${url}/api/users?limit=1`, method: 'GET', headers: { authorization: `Bearer ${fixture.validToken}` } }),
  },
  {
    name: 'protected no-op server command (scope demo)',
    alg: 'ES256',
    options: (url, fixture) => ({
      url: `${url}/api/apps/demo/commands/noop`,
      method: 'POST',
      headers: { authorization: `Bearer ${fixture.validToken}`, 'content-type': 'application/json' },
      body: '{}',
    }),
  },
  {
    name: 'unprotected no-op server command',
    alg: 'ES256',
    options: (url) => ({ url: `${url}/api/apps/public/commands/noop`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
  },
  { name: 'password grant (argon2id)', alg: 'ES256', options: passwordGrant },
  { name: 'refresh grant (rotation)', alg: 'ES256', options: refreshChain },
  { name: 'client_credentials while password grants run', alg: 'ES256', options: clientCredentials, background: passwordGrant },
];
