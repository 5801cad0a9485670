import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm } from '../helpers/test-server.js';
import { CLUSTER_ISSUER, queryDatabase, startCluster, stopCluster, within, type Instance, type TokenBody } from './cluster.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/**
 * The safety read of the change table (and heartbeat) of every instance here: ten minutes, so that only a
 * notification can bring a change to another instance within PROPAGATION_MS.
 */
const SAFETY_POLL_MS = 600_000;
/**
 * How long a change may take to reach another instance's caches: far below the safety poll, so that meeting
 * it proves the notification, and far above what it takes (milliseconds, printed after the run; docs/deployment.md's
 * figure) even on a loaded machine, where the check itself (a token request, a password grant) may take a
 * second.
 */
const PROPAGATION_MS = 15_000;

interface Created {
  client_id: string;
  client_secret: string;
}

/** Three real `gatehouse serve` processes started at the same moment on one empty PostgreSQL database. */
describe('several Gatehouse instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let instances: Instance[];
  let a: Instance;
  let b: Instance;
  /** Propagation times seen, for the record. */
  const seen: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { GATEHOUSE_CHANGE_SAFETY_POLL_MS: String(SAFETY_POLL_MS) };
    instances = await startCluster(3, { databaseUrl: database.url, env: [env, env, env] });
    [a, b] = instances as [Instance, Instance];
  });
  afterAll(async () => {
    await stopCluster(instances);
    await database.drop();
    console.info(`propagation times (ms): ${JSON.stringify(seen)}`);
  });

  /** Waits (up to the propagation bar) until `check` holds on B; records how long it took. */
  async function reachesB(label: string, check: () => Promise<boolean>): Promise<void> {
    const took = await within(PROPAGATION_MS, check);
    expect(took, `${label} did not reach B within ${PROPAGATION_MS} ms`).toBeDefined();
    seen[label] = took ?? -1;
  }

  async function createClient(on: Instance, metadata: Record<string, unknown>): Promise<Created> {
    const response = await on.admin('POST', '/clients', { client_name: 'cluster client', scope: 'ops', ...metadata });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  }

  const tokenStatus = (on: Instance, client: Created, params: Record<string, string> = {}) => on.token(client, { grant_type: 'client_credentials', ...params }).then((response) => response.status);

  async function accessToken(on: Instance, client: Created, params: Record<string, string> = { grant_type: 'client_credentials' }): Promise<TokenBody> {
    const response = await on.token(client, params);
    expect(response.status).toBe(200);
    return (await response.json()) as TokenBody;
  }

  async function introspect(on: Instance, caller: Created, token: string): Promise<{ active: boolean }> {
    const response = await postForm(`${on.url}/oauth/introspect`, { token }, { authorization: basicAuth(caller.client_id, caller.client_secret) });
    expect(response.status).toBe(200);
    return (await response.json()) as { active: boolean };
  }

  it('start together: migrations run once and exactly one signing key of each purpose exists', async () => {
    const keys = await queryDatabase<{ kid: string; purpose: string }>(database.url, 'select kid, purpose from signing_keys order by kid');
    // The access-token key (ES256) and the RS256 key of ID tokens.
    expect(keys.map((key) => key.purpose).sort()).toEqual(['access_token', 'id_token']);
    const migrations = await queryDatabase<{ name: string }>(database.url, 'select name from gatehouse_migrations');
    expect(migrations.length).toBeGreaterThan(0);
    expect(new Set(migrations.map((row) => row.name)).size).toBe(migrations.length);
    // Exactly one process applied them; the others found nothing pending.
    expect(instances.filter((instance) => instance.logLines('applied migrations').length > 0)).toHaveLength(1);
    for (const instance of instances) {
      const jwks = (await (await fetch(`${instance.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((key) => key.kid).sort()).toEqual(keys.map((key) => key.kid).sort());
      expect((await fetch(`${instance.url}/readyz`)).status).toBe(200);
    }
  });

  it('a token issued by A is accepted, introspected and revocable on B; a revocation on A reaches B', async () => {
    const client = await createClient(a, {});
    await reachesB('client created (resource check)', async () => (await tokenStatus(b, client)) === 200);
    const first = (await accessToken(a, client)).access_token;
    const echoed = await b.echo(first);
    expect(echoed.status).toBe(200);
    expect(((await echoed.json()) as { caller: { clientId: string } }).caller.clientId).toBe(client.client_id);
    expect(await introspect(b, client, first)).toMatchObject({ active: true, client_id: client.client_id, iss: CLUSTER_ISSUER });

    // Revoked on B: A refuses it.
    const revokedOnB = await postForm(`${b.url}/oauth/revoke`, { token: first }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(revokedOnB.status).toBe(200);
    expect(await introspect(b, client, first)).toEqual({ active: false });
    expect(await within(PROPAGATION_MS, async () => (await a.echo(first)).status === 401)).toBeDefined();
    expect(await introspect(a, client, first)).toEqual({ active: false });

    // Revoked on A: B refuses it, at introspection and at the resource.
    const second = (await accessToken(a, client)).access_token;
    expect((await b.echo(second)).status).toBe(200);
    const revokedOnA = await postForm(`${a.url}/oauth/revoke`, { token: second }, { authorization: basicAuth(client.client_id, client.client_secret) });
    expect(revokedOnA.status).toBe(200);
    await reachesB('token revoked', async () => (await b.echo(second)).status === 401);
    expect(await introspect(b, client, second)).toEqual({ active: false });
    const refused = await b.echo(second);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('client changes on A reach B by notification: created, scope updated, disabled, secret rotated, deleted', async () => {
    const client = await createClient(a, { scope: 'ops' });
    await reachesB('client created', async () => (await tokenStatus(b, client)) === 200);

    expect(await tokenStatus(b, client, { scope: 'reports' })).toBe(400);
    expect((await a.admin('PATCH', `/clients/${client.client_id}`, { scope: 'ops reports' })).status).toBe(200);
    await reachesB('client scope updated', async () => (await tokenStatus(b, client, { scope: 'reports' })) === 200);

    // A token issued on B before the client is disabled stops working on B too.
    const issuedOnB = (await accessToken(b, client)).access_token;
    expect((await a.admin('PATCH', `/clients/${client.client_id}`, { enabled: false })).status).toBe(200);
    await reachesB('client disabled', async () => (await tokenStatus(b, client)) === 401);
    expect((await b.echo(issuedOnB)).status).toBe(401);
    expect((await a.admin('PATCH', `/clients/${client.client_id}`, { enabled: true })).status).toBe(200);
    await reachesB('client enabled', async () => (await tokenStatus(b, client)) === 200);

    const rotated = await a.admin('POST', `/clients/${client.client_id}/secret`, { grace_period: 0 });
    expect(rotated.status).toBe(200);
    const renewed = { client_id: client.client_id, client_secret: ((await rotated.json()) as Created).client_secret };
    await reachesB('client secret rotated', async () => (await tokenStatus(b, renewed)) === 200 && (await tokenStatus(b, client)) === 401);

    expect((await a.admin('DELETE', `/clients/${client.client_id}`)).status).toBe(204);
    await reachesB('client deleted', async () => (await tokenStatus(b, renewed)) === 401);
  });

  it('a user disabled on A can no longer sign in on B, and their tokens stop working there', async () => {
    const app = await createClient(a, { grant_types: ['password'], refresh_tokens: true });
    const created = await a.admin('POST', '/users', { username: 'cluster-user', password: 'cluster password 1' });
    expect(created.status).toBe(201);
    const userId = ((await created.json()) as { id: string }).id;
    const signIn = () => b.token(app, { grant_type: 'password', username: 'cluster-user', password: 'cluster password 1' });
    await reachesB('password client created', async () => (await signIn()).status === 200);
    const userToken = ((await (await signIn()).json()) as TokenBody).access_token;
    expect((await b.echo(userToken)).status).toBe(200);

    expect((await a.admin('PATCH', `/users/${userId}`, { enabled: false })).status).toBe(200);
    await reachesB('user disabled (token)', async () => (await b.echo(userToken)).status === 401);
    const refused = await signIn();
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('a signing key rotated on A (no activation delay): B signs with it and both publish it', async () => {
    const client = await createClient(a, {});
    await reachesB('client created (key test)', async () => (await tokenStatus(b, client)) === 200);
    const rotated = await a.admin('POST', '/keys/rotate', { activation_delay: 0 });
    expect(rotated.status).toBe(201);
    const { kid } = (await rotated.json()) as { kid: string };
    const published = async (on: Instance) => ((await (await fetch(`${on.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] }).keys.some((key) => key.kid === kid);
    expect(await published(a)).toBe(true);
    expect(decodeProtectedHeader((await accessToken(a, client)).access_token).kid).toBe(kid);
    await reachesB('signing key rotated', async () => (await published(b)) && decodeProtectedHeader((await accessToken(b, client)).access_token).kid === kid);
    // A token B signed with the new key is accepted on A and on the third instance.
    const fromB = (await accessToken(b, client)).access_token;
    expect((await a.echo(fromB)).status).toBe(200);
    expect((await instances[2]!.echo(fromB)).status).toBe(200);
  });

  it('token-delivery settings changed on A reach B by notification', async () => {
    const changed = await a.admin('PATCH', '/settings/token-delivery', { cookie_name: 'cluster_token' });
    expect(changed.status).toBe(200);
    await reachesB('settings changed', async () => ((await (await b.admin('GET', '/settings/token-delivery')).json()) as { cookie_name: string }).cookie_name === 'cluster_token');
  });

  it('a security profile changed on A reaches B by notification (token lifetime and mandatory checks)', async () => {
    expect((await a.admin('POST', '/profiles', { name: 'cluster-profile', max_token_expiration: 600 })).status).toBe(201);
    const client = await createClient(a, { profile: 'cluster-profile' });
    await reachesB('profile created', async () => {
      const response = await b.token(client, { grant_type: 'client_credentials' });
      return response.status === 200 && ((await response.json()) as TokenBody & { expires_in: number }).expires_in === 600;
    });
    expect((await a.admin('PATCH', '/profiles/cluster-profile', { max_token_expiration: 120 })).status).toBe(200);
    await reachesB('profile changed', async () => {
      const response = await b.token(client, { grant_type: 'client_credentials' });
      return response.status === 200 && ((await response.json()) as TokenBody & { expires_in: number }).expires_in === 120;
    });
    // A mandatory PinCode check set on A: B now challenges the client instead of issuing a token.
    expect((await a.admin('PUT', `/clients/${client.client_id}/pin`, { pin: '2468' })).status).toBe(204);
    expect((await a.admin('PATCH', '/profiles/cluster-profile', { mandatory_scope: ['PinCode'] })).status).toBe(200);
    await reachesB('profile mandatory scope', async () => {
      const response = await b.token(client, { grant_type: 'client_credentials' });
      return response.status === 400 && ((await response.json()) as { error: string }).error === 'challenge_required';
    });
  });

  describe('single-use rules across instances', () => {
    it('a client assertion used on A is refused when replayed on B', async () => {
      const client = await createClient(a, { token_endpoint_auth_method: 'private_key_jwt' });
      const generated = await a.admin('POST', `/clients/${client.client_id}/keys`, {});
      expect(generated.status).toBe(201);
      const body = (await generated.json()) as { key: { kid: string }; private_key_pem: string };
      const privateKey: KeyObject = createPrivateKey(body.private_key_pem);
      const assertion = () => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg: 'ES256', kid: body.key.kid })
          .setIssuer(client.client_id)
          .setSubject(client.client_id)
          .setAudience(`${CLUSTER_ISSUER}/oauth/token`)
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .sign(privateKey);
      };
      const tokenWith = (on: Instance, clientAssertion: string) =>
        postForm(`${on.url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion });
      await reachesB('client key added', async () => (await tokenWith(b, await assertion())).status === 200);

      const once = await assertion();
      expect((await tokenWith(a, once)).status).toBe(200);
      const replayed = await tokenWith(b, once);
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { error: string }).error).toBe('invalid_client');
    });

    async function refreshSetup(): Promise<{ app: Created; refreshToken: () => Promise<string> }> {
      const app = await createClient(a, { grant_types: ['password'], refresh_tokens: true });
      const username = `refresh-${randomUUID().slice(0, 8)}`;
      expect((await a.admin('POST', '/users', { username, password: 'refresh password 1' })).status).toBe(201);
      await reachesB('refresh client created', async () => (await tokenStatus(b, app)) !== 401);
      const refreshToken = async () => {
        const body = await accessToken(a, app, { grant_type: 'password', username, password: 'refresh password 1' });
        expect(body.refresh_token).toBeDefined();
        return body.refresh_token ?? '';
      };
      return { app, refreshToken };
    }

    it('a refresh token rotated on A and replayed on B triggers reuse detection (the family is revoked)', async () => {
      const { app, refreshToken } = await refreshSetup();
      const first = await refreshToken();
      const second = (await accessToken(a, app, { grant_type: 'refresh_token', refresh_token: first })).refresh_token ?? '';
      const replayed = await b.token(app, { grant_type: 'refresh_token', refresh_token: first });
      expect(replayed.status).toBe(400);
      expect(((await replayed.json()) as { error: string }).error).toBe('invalid_grant');
      // The successor dies with its family, on either instance.
      expect((await a.token(app, { grant_type: 'refresh_token', refresh_token: second })).status).toBe(400);
      expect((await b.token(app, { grant_type: 'refresh_token', refresh_token: second })).status).toBe(400);
    });

    it('a refresh token revoked on A: the access tokens of its grant are refused on B too (RFC 7009 §2.1), others are not', async () => {
      const app = await createClient(a, { grant_types: ['password'], refresh_tokens: true });
      const username = `grant-${randomUUID().slice(0, 8)}`;
      expect((await a.admin('POST', '/users', { username, password: 'grant password 1' })).status).toBe(201);
      await reachesB('grant client created', async () => (await tokenStatus(b, app)) !== 401);
      const signIn = () => accessToken(a, app, { grant_type: 'password', username, password: 'grant password 1' });
      const revoked = await signIn();
      const refreshed = await accessToken(a, app, { grant_type: 'refresh_token', refresh_token: revoked.refresh_token ?? '' });
      const other = await signIn();
      for (const token of [revoked.access_token, refreshed.access_token, other.access_token]) expect((await b.echo(token)).status).toBe(200);

      const response = await postForm(`${a.url}/oauth/revoke`, { token: refreshed.refresh_token ?? '' }, { authorization: basicAuth(app.client_id, app.client_secret) });
      expect(response.status).toBe(200);
      await reachesB('grant revoked', async () => (await b.echo(refreshed.access_token)).status === 401);
      expect((await b.echo(revoked.access_token)).status).toBe(401);
      expect(await introspect(b, app, refreshed.access_token)).toEqual({ active: false });
      expect(await introspect(b, app, revoked.access_token)).toEqual({ active: false });
      expect((await b.echo(other.access_token)).status).toBe(200);
      expect(await introspect(b, app, other.access_token)).toMatchObject({ active: true });
    });

    it('two concurrent refreshes of one token on A and on B: exactly one wins', async () => {
      const { app, refreshToken } = await refreshSetup();
      for (let round = 0; round < 5; round++) {
        const token = await refreshToken();
        const statuses = await Promise.all([a, b].map((on) => on.token(app, { grant_type: 'refresh_token', refresh_token: token }).then((response) => response.status)));
        expect(statuses.sort()).toEqual([200, 400]);
      }
    });
  });
});
