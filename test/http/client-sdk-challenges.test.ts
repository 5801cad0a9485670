import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseClient, MissingChallengeHandlerError, requestAppToken, SecurityCheckFailedError, type GatehouseClientOptions } from '../../src/client-sdk/index.js';
import { recordingFetch } from '../helpers/recording-fetch.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

// The SDK's challenge handlers against Gatehouse's real security checks (PinCode, UserLogin).
describe.each(STORES)('client SDK challenge handlers against the real challenge flow on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const mobile = await server.admin('POST', '/profiles', { name: 'mobile', max_token_expiration: 1800, scope_element_mapping: { users: ['PinCode'] } });
    expect(mobile.status).toBe(201);
    const staff = await server.admin('POST', '/profiles', { name: 'staff', scope_element_mapping: { desk: ['UserLogin', 'PinCode'] } });
    expect(staff.status).toBe(201);
    expect((await server.admin('POST', '/users', { username: 'ada', password: 'ada password 1' })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  /** A client of the profile with the PIN 2718 (its own check state). */
  const kiosk = async (profile = 'mobile') => {
    const created = await server.createClient({ scope: 'read', profile });
    expect((await server.admin('PUT', `/clients/${created.client_id}/pin`, { pin: '2718' })).status).toBe(204);
    return created;
  };
  const sdkFor = (credentials: { client_id: string; client_secret: string }, options: Partial<GatehouseClientOptions> = {}) =>
    new GatehouseClient({ issuer: server.url, credentials: { clientId: credentials.client_id, clientSecret: credentials.client_secret }, ...options });

  it('answers the PinCode challenge with the handler; the success holds for the next token request', async () => {
    const client = await kiosk();
    const sdk = sdkFor(client);
    const challenges: unknown[] = [];
    sdk.registerChallengeHandler('PinCode', (challenge, context) => {
      challenges.push({ challenge, context });
      return '2718';
    });
    const token = await sdk.getAccessToken('users');
    expect(challenges).toEqual([{ challenge: { remainingAttempts: 3 }, context: { check: 'PinCode', scope: 'users', round: 1 } }]);
    expect(decodeJwt(token.accessToken)).toMatchObject({ client_id: client.client_id, scope: 'users' });
    expect(token.scope).toBe('users');

    // Another SDK instance of the same client: the server remembers the PIN's success, no handler needed.
    const other = sdkFor(client);
    expect(decodeJwt(await other.getToken('users')).scope).toBe('users');
  });

  it('runs several rounds: a wrong PIN is challenged again with fewer attempts', async () => {
    const sdk = sdkFor(await kiosk());
    const pins = ['0000', '2718'];
    const challenges: unknown[] = [];
    sdk.registerChallengeHandler('PinCode', (challenge) => {
      challenges.push(challenge);
      return pins.shift();
    });
    expect(decodeJwt(await sdk.getToken('users')).scope).toBe('users');
    expect(challenges).toEqual([{ remainingAttempts: 3 }, { remainingAttempts: 2, errorMsg: 'wrong PIN' }]);
  });

  it('answers two checks of one request together (UserLogin and PinCode)', async () => {
    const recorder = recordingFetch();
    const sdk = sdkFor(await kiosk('staff'), { fetch: recorder.fetch });
    sdk.registerChallengeHandler('UserLogin', () => ({ username: 'ada', password: 'ada password 1' }));
    sdk.registerChallengeHandler('PinCode', () => '2718');
    expect(decodeJwt(await sdk.getToken('desk')).scope).toBe('desk');
    const answers = recorder.to('/oauth/token').map((request) => request.form?.get('challenge_response') ?? null);
    expect(answers.map((answer): unknown => (answer === null ? null : JSON.parse(answer)))).toEqual([null, { UserLogin: { username: 'ada', password: 'ada password 1' }, PinCode: '2718' }]);
  });

  it('fails naming the check when no handler is registered', async () => {
    const sdk = sdkFor(await kiosk());
    const error = await sdk.getToken('users').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingChallengeHandlerError);
    expect(error).toMatchObject({ check: 'PinCode', challenge: { remainingAttempts: 3 }, error: 'challenge_required', status: 400 });
  });

  it('fails with the check and the block time after three wrong PINs', async () => {
    const sdk = sdkFor(await kiosk());
    let asked = 0;
    sdk.registerChallengeHandler('PinCode', () => {
      asked++;
      return '9999';
    });
    const before = Date.now();
    const error = await sdk.getToken('users').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    const failure = error as SecurityCheckFailedError;
    expect(failure).toMatchObject({ error: 'access_denied', check: 'PinCode', status: 400 });
    expect(failure.errorDescription).toContain('blocked');
    expect(failure.blockedUntil).toBeInstanceOf(Date);
    // GATEHOUSE_PIN_BLOCK_DURATION: 300 s by default.
    expect(failure.blockedUntil!.getTime()).toBeGreaterThan(before + 290_000);
    expect(asked).toBe(3);

    // Blocked: the next request fails at once, the handler is not asked.
    await expect(sdk.getToken('users')).rejects.toMatchObject({ check: 'PinCode', blockedUntil: failure.blockedUntil });
    expect(asked).toBe(3);
  });

  it('requestAppToken answers challenges with its handlers, signing a new request for each round', async () => {
    const app = await kiosk();
    const generated = (await (await server.admin('POST', `/clients/${app.client_id}/keys`, {})).json()) as { key: { kid: string }; private_key_pem: string };
    const options = { issuer: server.url, clientId: app.client_id, clientSecret: app.client_secret, privateKey: generated.private_key_pem, kid: generated.key.kid, scope: 'users' };
    const missing = await requestAppToken(options).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(MissingChallengeHandlerError);
    expect(missing).toMatchObject({ check: 'PinCode' });

    const recorder = recordingFetch();
    const pins = ['1111', '2718'];
    const token = await requestAppToken({ ...options, fetch: recorder.fetch, challengeHandlers: { PinCode: () => pins.shift() } });
    expect(decodeJwt(token.accessToken)).toMatchObject({ client_id: app.client_id, scope: 'users' });
    const requests = recorder.to('/api/auth/sign/ap/token').map((call) => decodeJwt(call.form?.get('request') ?? '').jti);
    expect(requests).toHaveLength(3);
    expect(new Set(requests).size).toBe(3);
  });

  it('request(): a token without scope, the 403 names users, the PIN handler runs, the retry succeeds', async () => {
    const client = await kiosk();
    const recorder = recordingFetch();
    const sdk = sdkFor(client, { fetch: recorder.fetch });
    let asked = 0;
    sdk.registerChallengeHandler('PinCode', () => {
      asked++;
      return '2718';
    });
    const response = await sdk.request(`${server.url}/api/users`);
    expect(response.status).toBe(200);
    expect(asked).toBe(1);
    const calls = recorder.to('/api/users');
    expect(calls).toHaveLength(2);
    expect(decodeJwt(calls[0]!.authorization!.slice('Bearer '.length)).scope).toBe('read');
    const upgraded = decodeJwt(calls[1]!.authorization!.slice('Bearer '.length));
    expect(upgraded.scope).toBe('users');
    // The profile's max_token_expiration (1800 s) caps the token.
    expect((upgraded.exp ?? 0) - (upgraded.iat ?? 0)).toBe(1800);
    expect(recorder.to('/oauth/token').map((request) => [request.form?.get('scope') ?? '', request.form?.has('challenge_response')])).toEqual([
      ['', false],
      ['users', false],
      ['users', true],
    ]);
  });
});
