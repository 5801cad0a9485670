import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { openGatehouse } from '../../src/gatehouse.js';
import { createLogger } from '../../src/server/logger.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';
import { CLIENT_ASSERTION_TYPE, clientAssertion } from '../helpers/client-assertion.js';
import { ROOT } from '../helpers/cli.js';

const CHECKS_DIR = `${ROOT}test/fixtures/checks`;

interface TokenBody {
  access_token: string;
  expires_in: number;
  scope?: string;
}
interface ErrorBody {
  error: string;
  error_description: string;
  challenges?: Record<string, Record<string, unknown>>;
  check?: string;
  blocked_until?: string;
}

describe.each(STORES)('security checks and profiles at the token endpoint on %s', (store) => {
  let server: TestServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: {
        pinMaxAttempts: 3,
        pinBlockDuration: 600,
        pinLifetime: 900,
        userLoginLifetime: 600,
        userLoginRememberMeLifetime: 86_400,
        allowedNetworks: ['10.0.0.0/8'],
        trustedProxies: ['127.0.0.1'],
        checksDir: CHECKS_DIR,
        // Every cookie token is renewed on use, so the renewal test need not wait.
        cookieRenewFraction: 1,
        logLevel: 'info',
      },
      logDestination: { write: (line) => void logLines.push(line) },
    });
    for (const [name, body] of Object.entries({
      short: { max_token_expiration: 1200 },
      free: { max_token_expiration: 1200, scope_element_mapping: { PinCode: [], reports: [] } },
      strict: { max_token_expiration: 1200, mandatory_scope: ['PinCode'] },
      both: { scope_element_mapping: { pay: ['PinCode', 'UserLogin'] } },
    })) {
      expect((await server.admin('PUT', `/profiles/${name}`, body)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server.close();
  });

  type Client = { client_id: string; client_secret: string };
  async function clientWith(metadata: Record<string, unknown> = {}, pin?: string): Promise<Client> {
    const client = await server.createClient({ scope: 'read', ...metadata });
    if (pin !== undefined) expect((await server.admin('PUT', `/clients/${client.client_id}/pin`, { pin })).status).toBe(204);
    return client;
  }
  function token(client: Client, params: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
    return postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', ...params }, { authorization: basicAuth(client.client_id, client.client_secret), ...headers });
  }
  async function expectToken(response: Response): Promise<TokenBody> {
    const body = (await response.json()) as TokenBody & ErrorBody;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  }
  async function expectError(response: Response, error: string): Promise<ErrorBody> {
    const body = (await response.json()) as ErrorBody;
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.error).toBe(error);
    expect(typeof body.error_description).toBe('string');
    return body;
  }
  const answer = (answers: Record<string, unknown>) => ({ challenge_response: JSON.stringify(answers) });

  it('challenges a scope element that names a check, then issues the token once the check succeeded', async () => {
    const client = await clientWith({ scope: 'read PinCode' }, '4711');
    const first = await expectError(await token(client, { scope: 'read PinCode' }), 'challenge_required');
    expect(first.challenges).toEqual({ PinCode: { remainingAttempts: 3 } });
    const issued = await expectToken(await token(client, { scope: 'read PinCode', ...answer({ PinCode: '4711' }) }));
    expect(issued.scope).toBe('read PinCode');
    expect(issued.expires_in).toBe(900);
    // Not asked again while the success holds.
    const again = await expectToken(await token(client, { scope: 'PinCode' }));
    expect(again.scope).toBe('PinCode');
  });

  it('gives a token issued near the end of a check success only what remains of it', async () => {
    const client = await clientWith({ scope: 'read PinCode' }, '5150');
    expect((await expectToken(await token(client, { scope: 'read PinCode', ...answer({ PinCode: '5150' }) }))).expires_in).toBe(900);
    // The PIN success ends in 30 seconds: the next token ends with it, not 900 seconds later.
    const ends = Date.now() + 30_000;
    await server.gatehouse.store.db.updateTable('security_check_states').set({ passed_until: ends }).where('client_id', '=', client.client_id).where('check_name', '=', 'PinCode').execute();
    const issued = await expectToken(await token(client, { scope: 'read PinCode' }));
    expect(issued.expires_in).toBeGreaterThan(0);
    expect(issued.expires_in).toBeLessThanOrEqual(30);
    expect(decodeJwt(issued.access_token).exp).toBeLessThanOrEqual(Math.ceil(ends / 1000));
    // A scope that needs no check is not cut.
    expect((await expectToken(await token(client, { scope: 'read' }))).expires_in).toBe(7200);
  });

  it('gives the token the smallest of client, profile and check lifetimes', async () => {
    expect((await expectToken(await token(await clientWith()))).expires_in).toBe(7200);
    expect((await expectToken(await token(await clientWith({ profile: 'short' })))).expires_in).toBe(1200);
    expect((await expectToken(await token(await clientWith({ profile: 'short', access_token_lifetime: 300 })))).expires_in).toBe(300);
    const pinned = await clientWith({ profile: 'short', scope: 'read PinCode' }, '1234');
    expect((await expectToken(await token(pinned, { scope: 'read PinCode', ...answer({ PinCode: '1234' }) }))).expires_in).toBe(900);
    // UserLogin's lifetime (600) is smaller than PinCode's (900): the token gets 600.
    expect((await server.admin('POST', '/users', { username: 'lena', password: 'lena password 1' })).status).toBe(201);
    const both = await clientWith({ profile: 'both' }, '1234');
    const issued = await expectToken(await token(both, { scope: 'pay', ...answer({ PinCode: '1234', UserLogin: { username: 'lena', password: 'lena password 1' } }) }));
    expect(issued.expires_in).toBe(600);
  });

  it('grants an element mapped to zero checks without a challenge, even beyond the allowed scopes', async () => {
    const client = await clientWith({ profile: 'free' });
    const issued = await expectToken(await token(client, { scope: 'PinCode reports read' }));
    expect(issued.scope).toBe('PinCode reports read');
    expect(issued.expires_in).toBe(1200);
    // Elements with neither check nor mapping still need the client's allowed scopes.
    const refused = await expectError(await token(client, { scope: 'write' }), 'invalid_scope');
    expect(refused.error_description).toContain('write');
  });

  it('runs the mandatory scope checks on every request but leaves their elements out of the token', async () => {
    const client = await clientWith({ profile: 'strict' }, '2468');
    const pending = await expectError(await token(client, { scope: 'read' }), 'challenge_required');
    expect(Object.keys(pending.challenges ?? {})).toEqual(['PinCode']);
    const issued = await expectToken(await token(client, { scope: 'read', ...answer({ PinCode: '2468' }) }));
    expect(issued.scope).toBe('read');
    expect(decodeJwt(issued.access_token).scope).toBe('read');
    expect(issued.expires_in).toBe(900);
  });

  it('asks every pending check at once', async () => {
    const client = await clientWith({ profile: 'both' }, '1357');
    const pending = await expectError(await token(client, { scope: 'pay' }), 'challenge_required');
    expect(Object.keys(pending.challenges ?? {}).sort()).toEqual(['PinCode', 'UserLogin']);
    // One answered: only the other is still asked.
    const rest = await expectError(await token(client, { scope: 'pay', ...answer({ PinCode: '1357' }) }), 'challenge_required');
    expect(Object.keys(rest.challenges ?? {})).toEqual(['UserLogin']);
  });

  it('counts wrong PINs, blocks the check after the last attempt, and a new PIN unblocks it', async () => {
    const client = await clientWith({ scope: 'PinCode' }, '8080');
    const wrong = () => token(client, { scope: 'PinCode', ...answer({ PinCode: '0000' }) });
    expect((await expectError(await wrong(), 'challenge_required')).challenges).toEqual({ PinCode: { remainingAttempts: 2, errorMsg: 'wrong PIN' } });
    expect((await expectError(await token(client, { scope: 'PinCode' }), 'challenge_required')).challenges).toEqual({ PinCode: { remainingAttempts: 2 } });
    expect((await expectError(await wrong(), 'challenge_required')).challenges?.PinCode).toMatchObject({ remainingAttempts: 1 });
    const blocked = await expectError(await wrong(), 'access_denied');
    expect(blocked.check).toBe('PinCode');
    expect(Date.parse(blocked.blocked_until ?? '')).toBeGreaterThan(Date.now() + 500_000);
    // While blocked even the right PIN is refused.
    const stillBlocked = await expectError(await token(client, { scope: 'PinCode', ...answer({ PinCode: '8080' }) }), 'access_denied');
    expect(stillBlocked.blocked_until).toBe(blocked.blocked_until);
    expect(logLines.join('')).not.toContain('0000');
    expect(logLines.some((line) => line.includes('security check refused') && line.includes(client.client_id))).toBe(true);

    expect((await server.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '9090' })).status).toBe(204);
    await expectToken(await token(client, { scope: 'PinCode', ...answer({ PinCode: '9090' }) }));
  });

  it('refuses PinCode for a client without a PIN, and malformed challenge responses', async () => {
    const client = await clientWith({ scope: 'PinCode' });
    const denied = await expectError(await token(client, { scope: 'PinCode', ...answer({ PinCode: '1234' }) }), 'access_denied');
    expect(denied.check).toBe('PinCode');
    expect(denied.blocked_until).toBeUndefined();
    for (const bad of ['{not json', '["PinCode"]', '"1234"']) {
      await expectError(await token(client, { scope: 'PinCode', challenge_response: bad }), 'invalid_request');
    }
  });

  it('UserLogin: wrong passwords are challenged again, the right one passes, rememberMe holds longer', async () => {
    expect((await server.admin('POST', '/users', { username: 'otto', password: 'otto password 1' })).status).toBe(201);
    const client = await clientWith({ scope: 'UserLogin' });
    const asked = await expectError(await token(client, { scope: 'UserLogin' }), 'challenge_required');
    expect(asked.challenges?.UserLogin).toMatchObject({ fields: ['username', 'password', 'rememberMe'] });
    const wrong = await expectError(await token(client, { scope: 'UserLogin', ...answer({ UserLogin: { username: 'otto', password: 'nope' } }) }), 'challenge_required');
    expect(wrong.challenges?.UserLogin?.errorMsg).toMatch(/wrong/);
    expect(logLines.join('')).not.toContain('nope');
    const issued = await expectToken(await token(client, { scope: 'UserLogin', ...answer({ UserLogin: { username: 'otto', password: 'otto password 1' } }) }));
    expect(issued.expires_in).toBe(600);
    const plain = (await server.gatehouse.checkStates.load(client.client_id, ['UserLogin'])).get('UserLogin');
    expect(plain?.passedUntil).toBeLessThanOrEqual(Date.now() + 600_000);

    const remembered = await clientWith({ scope: 'UserLogin' });
    await expectToken(await token(remembered, { scope: 'UserLogin', ...answer({ UserLogin: { username: 'otto', password: 'otto password 1', rememberMe: true } }) }));
    const state = (await server.gatehouse.checkStates.load(remembered.client_id, ['UserLogin'])).get('UserLogin');
    expect(state?.passedUntil).toBeGreaterThan(Date.now() + 80_000_000);
  });

  it('UserLogin: a user locked by the lockout is refused like the password grant (429), whatever the password', async () => {
    expect((await server.admin('POST', '/users', { username: 'ute', password: 'ute password 1' })).status).toBe(201);
    const client = await clientWith({ scope: 'UserLogin' });
    for (let attempt = 0; attempt < server.config.lockoutThreshold; attempt++) {
      await expectError(await token(client, { scope: 'UserLogin', ...answer({ UserLogin: { username: 'ute', password: `wrong ${attempt}` } }) }), 'challenge_required');
    }
    const locked = await token(client, { scope: 'UserLogin', ...answer({ UserLogin: { username: 'ute', password: 'ute password 1' } }) });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await locked.json()) as ErrorBody).error).toBe('too_many_requests');
  });

  it('AllowedNetwork: the source address (X-Forwarded-For from a trusted proxy) must be in the configured ranges, on every request', async () => {
    const client = await clientWith({ scope: 'read AllowedNetwork' });
    const inside = await expectToken(await token(client, { scope: 'AllowedNetwork read' }, { 'x-forwarded-for': '10.20.30.40' }));
    expect(inside.scope).toBe('AllowedNetwork read');
    const outside = await expectError(await token(client, { scope: 'AllowedNetwork' }, { 'x-forwarded-for': '192.0.2.7' }), 'access_denied');
    expect(outside.check).toBe('AllowedNetwork');
    expect(outside.error_description).toContain('192.0.2.7');
    // Without the header the source is the proxy itself (127.0.0.1), which is not in the ranges.
    await expectError(await token(client, { scope: 'AllowedNetwork' }), 'access_denied');
  });

  it('ClientKey: only a request authenticated with private_key_jwt passes', async () => {
    const secretClient = await clientWith({ scope: 'ClientKey' });
    const denied = await expectError(await token(secretClient, { scope: 'ClientKey' }), 'access_denied');
    expect(denied.check).toBe('ClientKey');
    expect(denied.error_description).toContain('private_key_jwt');

    const keyed = await server.createClient({ token_endpoint_auth_method: 'private_key_jwt', scope: 'read ClientKey' });
    const generated = (await (await server.admin('POST', `/clients/${keyed.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const privateKey: KeyObject = createPrivateKey(generated.private_key_pem);
    const assertion = await clientAssertion(server.url, keyed.client_id, privateKey, { alg: 'ES256', kid: generated.key.kid });
    const response = await postForm(`${server.url}/oauth/token`, {
      grant_type: 'client_credentials',
      scope: 'ClientKey read',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    expect((await expectToken(response)).scope).toBe('ClientKey read');
  });

  it('loads a custom check from GATEHOUSE_CHECKS_DIR, whose success expires after its lifetime', async () => {
    const client = await clientWith({ scope: 'DeviceTag' });
    expect((await expectError(await token(client, { scope: 'DeviceTag' }), 'challenge_required')).challenges).toEqual({ DeviceTag: { hint: 'send the device tag' } });
    const denied = await expectError(await token(client, { scope: 'DeviceTag', ...answer({ DeviceTag: 'stolen' }) }), 'access_denied');
    expect(denied).toMatchObject({ check: 'DeviceTag', error_description: 'unknown device tag' });
    const issued = await expectToken(await token(client, { scope: 'DeviceTag', ...answer({ DeviceTag: 'tag-ok' }) }));
    // The check's one-second success lifetime caps the token too.
    expect(issued.expires_in).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expectError(await token(client, { scope: 'DeviceTag' }), 'challenge_required');
  });

  it('renews a cookie token within the profile lifetime, but never one whose scope needs security checks', async () => {
    const claims = (value: string) => decodeJwt(value) as { iat: number; exp: number; scope?: string };
    const renewedOf = (response: Response) => /^gatehouse_access_token=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    const plain = await clientWith({ scope: 'users', profile: 'short' });
    const plainToken = (await expectToken(await token(plain, { scope: 'users' }))).access_token;
    const viaCookie = await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${plainToken}` } });
    expect(viaCookie.status).toBe(200);
    const renewed = renewedOf(viaCookie);
    expect(renewed).toBeDefined();
    expect(claims(renewed ?? '').exp - claims(renewed ?? '').iat).toBe(1200);

    const checked = await clientWith({ scope: 'users', profile: 'strict' }, '3141');
    const checkedToken = (await expectToken(await token(checked, { scope: 'users', ...answer({ PinCode: '3141' }) }))).access_token;
    const notRenewed = await fetch(`${server.url}/api/users`, { headers: { cookie: `gatehouse_access_token=${checkedToken}` } });
    expect(notRenewed.status).toBe(200);
    expect(notRenewed.headers.get('set-cookie')).toBeNull();
  });

  it('applies to the password and refresh-token grants, before a refresh token is used up', async () => {
    expect((await server.admin('POST', '/users', { username: 'pia', password: 'pia password 1' })).status).toBe(201);
    const client = await clientWith({ grant_types: ['password'], refresh_tokens: true, profile: 'strict' }, '1111');
    const password = { grant_type: 'password', username: 'pia', password: 'pia password 1', scope: 'read offline_access' };
    await expectError(await token(client, password), 'challenge_required');
    const issued = (await expectToken(await token(client, { ...password, ...answer({ PinCode: '1111' }) }))) as TokenBody & { refresh_token: string };
    expect(issued.expires_in).toBe(900);
    expect(issued.scope).toBe('read offline_access');
    // A new PIN restarts the check: the refresh is challenged and the refresh token stays usable.
    expect((await server.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '2222' })).status).toBe(204);
    await expectError(await token(client, { grant_type: 'refresh_token', refresh_token: issued.refresh_token }), 'challenge_required');
    const refreshed = await expectToken(await token(client, { grant_type: 'refresh_token', refresh_token: issued.refresh_token, ...answer({ PinCode: '2222' }) }));
    expect(refreshed.expires_in).toBe(900);
  });
});

describe('security checks: start-up and untrusted proxies', () => {
  it('a bad plug-in in GATEHOUSE_CHECKS_DIR stops start-up with one line naming the file', async () => {
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-checks-')),
        checksDir: `${ROOT}test/fixtures/bad-checks`,
        masterSecret: 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY',
        logLevel: 'silent',
      },
    });
    const error = await openGatehouse(config, createLogger('silent')).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    rmSync(config.dataDir, { recursive: true, force: true });
    expect(error?.message).toMatch(/^GATEHOUSE_CHECKS_DIR: .*not-a-check\.mjs: the default export must be a security check made with defineSecurityCheck/);
    expect(error?.message).not.toContain('\n');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const server = await startTestServer({ store: 'sqlite', config: { allowedNetworks: ['10.0.0.0/8'] } });
    try {
      const client = await server.createClient({ scope: 'read AllowedNetwork' });
      const response = await postForm(
        `${server.url}/oauth/token`,
        { grant_type: 'client_credentials', scope: 'AllowedNetwork' },
        {
          authorization: basicAuth(client.client_id, client.client_secret),
          'x-forwarded-for': '10.1.1.1',
        },
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error).toBe('access_denied');
    } finally {
      await server.close();
    }
  });
});
