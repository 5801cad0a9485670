import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface TokenBody {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  expires_in: number;
}
interface ErrorBody {
  error: string;
  error_description: string;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

const API = 'https://api.example/';
const REPORTS = 'https://reports.example/';

describe.each(STORES)('password grant and refresh tokens on %s', (store) => {
  let server: TestServer;
  let app: { client_id: string; client_secret: string };
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ store, config: { lockoutThreshold: 3, lockoutDuration: 600, resources: [API, REPORTS, 'https://other.example/'] } });
    app = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile orders' });
    const user = await server.admin('POST', '/users', { username: 'Ivy', password: 'ivy password 1' });
    userId = ((await user.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const token = (params: Record<string, string>, client = app) => postForm(`${server.url}/oauth/token`, params, { authorization: basicAuth(client.client_id, client.client_secret) });
  const password = (username: string, secret: string, extra: Record<string, string> = {}, client = app) => token({ grant_type: 'password', username, password: secret, ...extra }, client);
  const refresh = (refreshToken: string, extra: Record<string, string> = {}, client = app) => token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, client);

  it('issues a user token with a refresh token, case-insensitive username', async () => {
    const response = await password('ivy', 'ivy password 1');
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.scope).toBe('profile orders offline_access');
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(claimsOf(body.access_token)).toMatchObject({ sub: userId, client_id: app.client_id, username: 'Ivy', scope: 'profile orders offline_access' });
  });

  it("keeps the grant's RFC 8707 resources on refresh: all of them, or some of them, never another, and a refused resource does not use the token up", async () => {
    const form = (params: [string, string][]) => postForm(`${server.url}/oauth/token`, new URLSearchParams(params).toString(), { authorization: basicAuth(app.client_id, app.client_secret) });
    const granted = (await (
      await form([
        ['grant_type', 'password'],
        ['username', 'Ivy'],
        ['password', 'ivy password 1'],
        ['resource', API],
        ['resource', REPORTS],
      ])
    ).json()) as TokenBody;
    expect(claimsOf(granted.access_token).aud).toEqual([API, REPORTS]);

    const all = (await (await refresh(granted.refresh_token ?? '')).json()) as TokenBody;
    expect(claimsOf(all.access_token).aud).toEqual([API, REPORTS]);

    const outside = await form([
      ['grant_type', 'refresh_token'],
      ['refresh_token', all.refresh_token ?? ''],
      ['resource', 'https://other.example/'],
    ]);
    expect(outside.status).toBe(400);
    expect((await outside.json()) as ErrorBody).toMatchObject({ error: 'invalid_target' });

    // The refused request left the token unused: it still refreshes, here for one of the grant's resources.
    const narrowed = (await (await refresh(all.refresh_token ?? '', { resource: REPORTS })).json()) as TokenBody;
    expect(claimsOf(narrowed.access_token).aud).toBe(REPORTS);
    // Narrowing one access token does not narrow the grant: the next refresh is for both again.
    const again = (await (await refresh(narrowed.refresh_token ?? '')).json()) as TokenBody;
    expect(claimsOf(again.access_token).aud).toEqual([API, REPORTS]);

    // A grant without resources stays the issuer's.
    const plain = (await (await password('Ivy', 'ivy password 1')).json()) as TokenBody;
    const refreshed = (await (await refresh(plain.refresh_token ?? '')).json()) as TokenBody;
    expect(claimsOf(refreshed.access_token).aud).toBe(claimsOf(plain.access_token).aud);
    expect(claimsOf(plain.access_token).aud).toBe(server.url);
    const notGranted = await refresh(refreshed.refresh_token ?? '', { resource: API });
    expect(notGranted.status).toBe(400);
    expect((await notGranted.json()) as ErrorBody).toMatchObject({ error: 'invalid_target' });
  });

  it('gives no refresh token without offline_access, and none to clients without refresh tokens', async () => {
    const narrow = (await (await password('Ivy', 'ivy password 1', { scope: 'profile' })).json()) as TokenBody;
    expect(narrow.refresh_token).toBeUndefined();
    const plain = await server.createClient({ grant_types: ['password', 'client_credentials'], scope: 'profile' });
    const body = (await (await password('Ivy', 'ivy password 1', {}, plain)).json()) as TokenBody;
    expect(body.refresh_token).toBeUndefined();
    const cc = (await (await token({ grant_type: 'client_credentials' }, plain)).json()) as TokenBody;
    expect(cc.refresh_token).toBeUndefined();
  });

  it('answers wrong passwords, unknown and disabled users alike', async () => {
    const other = await server.admin('POST', '/users', { username: 'jack', password: 'jack password 1', enabled: false });
    expect(other.status).toBe(201);
    const answers: ErrorBody[] = [];
    for (const [username, secret] of [
      ['nobody-here', 'whatever password'],
      ['jack', 'jack password 1'],
      ['ivy', 'not ivy password'],
    ] as const) {
      const response = await password(username, secret);
      expect(response.status).toBe(400);
      answers.push((await response.json()) as ErrorBody);
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]?.error).toBe('invalid_grant');
    expect((await password('ivy', 'ivy password 1')).status).toBe(200);
  });

  it('refuses clients without the password grant and missing parameters', async () => {
    const ccOnly = await server.createClient({ scope: 'profile' });
    const refused = await password('ivy', 'ivy password 1', {}, ccOnly);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error).toBe('unauthorized_client');
    const missing = await token({ grant_type: 'password', username: 'ivy' });
    expect(((await missing.json()) as ErrorBody).error).toBe('invalid_request');
  });

  it('locks an account after repeated failures, and refuses every further attempt alike (429) without checking it', async () => {
    const created = (await (await server.admin('POST', '/users', { username: 'kim', password: 'kim password 1' })).json()) as { id: string };
    for (let i = 0; i < 3; i++) expect((await password('kim', 'wrong password')).status).toBe(400);
    // Wrong or right, the answer no longer depends on the password: no oracle while the account is locked.
    for (const attempt of ['wrong password', 'kim password 1']) {
      const refused = await password('kim', attempt);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await refused.json()) as ErrorBody;
      expect(body.error).toBe('too_many_requests');
      expect(body.error_description).toMatch(/for this user/);
    }
    const shown = (await (await server.admin('GET', `/users/${created.id}`)).json()) as { locked_until: string | null };
    expect(shown.locked_until).not.toBeNull();
    expect((await server.admin('POST', `/users/${created.id}/unlock`)).status).toBe(200);
    expect((await password('kim', 'kim password 1')).status).toBe(200);
  });

  it('counts concurrent wrong passwords when they arrive: only the threshold is checked', async () => {
    await server.admin('POST', '/users', { username: 'mia', password: 'mia password 1' });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => password('mia', 'wrong password').then((response) => response.status)));
    expect(statuses.sort()).toEqual([400, 400, 400, 429, 429, 429]);
    const right = await password('mia', 'mia password 1');
    expect(right.status).toBe(429);
  });

  it('rotates refresh tokens, narrows but never widens, and detects reuse', async () => {
    const first = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const second = await refresh(first.refresh_token ?? '', { scope: 'profile' });
    expect(second.status).toBe(200);
    const secondBody = (await second.json()) as TokenBody;
    expect(secondBody.scope).toBe('profile');
    expect(secondBody.refresh_token).not.toBe(first.refresh_token);

    const wider = await refresh(secondBody.refresh_token ?? '', { scope: 'profile admin' });
    expect(((await wider.json()) as ErrorBody).error).toBe('invalid_scope');
    const third = (await (await refresh(secondBody.refresh_token ?? '')).json()) as TokenBody;
    expect(third.scope).toBe('profile orders offline_access');

    const reuse = await refresh(first.refresh_token ?? '');
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as ErrorBody).error).toBe('invalid_grant');
    const afterReuse = await refresh(third.refresh_token ?? '');
    expect(afterReuse.status).toBe(400);
    expect(((await afterReuse.json()) as ErrorBody).error).toBe('invalid_grant');
  });

  it('refuses refresh tokens of another client, of disabled users and of disabled clients', async () => {
    const sibling = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    const mine = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const stolen = await refresh(mine.refresh_token ?? '', {}, sibling);
    expect(((await stolen.json()) as ErrorBody).error).toBe('invalid_grant');

    const leo = (await (await server.admin('POST', '/users', { username: 'leo', password: 'leo password 1' })).json()) as { id: string };
    const leoTokens = (await (await password('leo', 'leo password 1')).json()) as TokenBody;
    await server.admin('PATCH', `/users/${leo.id}`, { enabled: false });
    expect(((await (await refresh(leoTokens.refresh_token ?? '')).json()) as ErrorBody).error).toBe('invalid_grant');
    const introspected = await postForm(`${server.url}/oauth/introspect`, { token: leoTokens.access_token }, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(await introspected.json()).toEqual({ active: false });

    const lone = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    const loneTokens = (await (await password('ivy', 'ivy password 1', {}, lone)).json()) as TokenBody;
    await server.admin('PATCH', `/clients/${lone.client_id}`, { enabled: false });
    expect((await refresh(loneTokens.refresh_token ?? '', {}, lone)).status).toBe(401);
  });

  it('revokes a refresh token family and introspects refresh tokens for their client only', async () => {
    const sibling = await server.createClient({ scope: 'x' });
    const tokens = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const introspect = (client: { client_id: string; client_secret: string }, value: string) =>
      postForm(`${server.url}/oauth/introspect`, { token: value, token_type_hint: 'refresh_token' }, { authorization: basicAuth(client.client_id, client.client_secret) }).then(
        async (response) => (await response.json()) as Record<string, unknown>,
      );
    expect(await introspect(app, tokens.refresh_token ?? '')).toMatchObject({ active: true, token_type: 'refresh_token', client_id: app.client_id, sub: userId });
    expect(await introspect(sibling, tokens.refresh_token ?? '')).toEqual({ active: false });

    const rotated = (await (await refresh(tokens.refresh_token ?? '')).json()) as TokenBody;
    const notYours = await postForm(`${server.url}/oauth/revoke`, { token: rotated.refresh_token ?? '' }, { authorization: basicAuth(sibling.client_id, sibling.client_secret) });
    expect(notYours.status).toBe(400);
    const revoked = await postForm(
      `${server.url}/oauth/revoke`,
      { token: rotated.refresh_token ?? '', token_type_hint: 'refresh_token' },
      { authorization: basicAuth(app.client_id, app.client_secret) },
    );
    expect(revoked.status).toBe(200);
    expect((await refresh(rotated.refresh_token ?? '')).status).toBe(400);
    expect(await introspect(app, rotated.refresh_token ?? '')).toEqual({ active: false });
  });

  it("stores refresh tokens only as digests, with a family, the scope and the client's lifetime (default 30 days)", async () => {
    const before = Date.now();
    const tokens = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const rows = await server.gatehouse.store.db.selectFrom('refresh_tokens').selectAll().execute();
    const value = tokens.refresh_token ?? '';
    expect(JSON.stringify(rows)).not.toContain(value);
    const row = rows.find((candidate) => candidate.token_digest === server.gatehouse.digester.digest(value));
    expect(row).toBeDefined();
    expect(row).toMatchObject({ client_id: app.client_id, user_id: userId, scope: 'profile orders offline_access' });
    expect(typeof row?.family_id).toBe('string');
    const thirtyDays = 30 * 86_400_000;
    expect(Number(row?.expires_at)).toBeGreaterThanOrEqual(before + thirtyDays);
    expect(Number(row?.expires_at)).toBeLessThanOrEqual(Date.now() + thirtyDays);

    const shortLived = await server.createClient({ grant_types: ['password'], refresh_tokens: true, refresh_token_lifetime: 120, scope: 'profile' });
    const short = (await (await password('ivy', 'ivy password 1', {}, shortLived)).json()) as TokenBody;
    const introspected = (await (
      await postForm(`${server.url}/oauth/introspect`, { token: short.refresh_token ?? '' }, { authorization: basicAuth(shortLived.client_id, shortLived.client_secret) })
    ).json()) as { active: boolean; exp: number };
    expect(introspected.active).toBe(true);
    expect(introspected.exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 120);
    expect(introspected.exp).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 119);
  });

  it('never issues refresh tokens for client_credentials, even to a client with refresh tokens on', async () => {
    const both = await server.createClient({ grant_types: ['password', 'client_credentials'], refresh_tokens: true, scope: 'profile' });
    const body = (await (await token({ grant_type: 'client_credentials' }, both)).json()) as TokenBody;
    expect(body.access_token).toBeDefined();
    expect(body.refresh_token).toBeUndefined();
  });

  it('revokes the whole family when a client revokes an already rotated refresh token', async () => {
    const first = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const second = (await (await refresh(first.refresh_token ?? '')).json()) as TokenBody;
    const revoked = await postForm(`${server.url}/oauth/revoke`, { token: first.refresh_token ?? '' }, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(revoked.status).toBe(200);
    const after = await refresh(second.refresh_token ?? '');
    expect(after.status).toBe(400);
    expect(((await after.json()) as ErrorBody).error).toBe('invalid_grant');
  });

  it('tells another client nothing about a refresh token, not even through a wider scope', async () => {
    const sibling = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile admin' });
    const mine = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const wider = await refresh(mine.refresh_token ?? '', { scope: 'admin' }, sibling);
    expect(await wider.json()).toEqual(await (await refresh('no-such-refresh-token', { scope: 'admin' }, sibling)).json());
    expect((await refresh(mine.refresh_token ?? '')).status).toBe(200);
  });

  it('refuses an expired refresh token and one whose client has since turned refresh tokens off', async () => {
    const tokens = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const digest = server.gatehouse.digester.digest(tokens.refresh_token ?? '');
    await server.gatehouse.store.db
      .updateTable('refresh_tokens')
      .set({ expires_at: Date.now() - 1000 })
      .where('token_digest', '=', digest)
      .execute();
    const expired = await refresh(tokens.refresh_token ?? '');
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as ErrorBody).error).toBe('invalid_grant');
    const introspected = await postForm(`${server.url}/oauth/introspect`, { token: tokens.refresh_token ?? '' }, { authorization: basicAuth(app.client_id, app.client_secret) });
    expect(await introspected.json()).toEqual({ active: false });

    const switching = await server.createClient({ grant_types: ['password'], refresh_tokens: true, scope: 'profile' });
    const issued = (await (await password('ivy', 'ivy password 1', {}, switching)).json()) as TokenBody;
    expect((await server.admin('PATCH', `/clients/${switching.client_id}`, { refresh_tokens: false })).status).toBe(200);
    const off = await refresh(issued.refresh_token ?? '', {}, switching);
    expect(off.status).toBe(400);
    expect(((await off.json()) as ErrorBody).error).toBe('unauthorized_client');
  });

  it('lets exactly one of two concurrent refreshes of one token succeed', async () => {
    const tokens = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;
    const statuses = (await Promise.all([refresh(tokens.refresh_token ?? ''), refresh(tokens.refresh_token ?? '')])).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 400]);
  });

  it('ends the refresh tokens of a user whose password is reset, and only theirs', async () => {
    await server.admin('POST', '/users', { username: 'kim', password: 'kim password 1' });
    const kimId = ((await (await server.admin('GET', '/users?search=kim')).json()) as { users: { id: string }[] }).users[0]?.id ?? '';
    const kim = (await (await password('kim', 'kim password 1')).json()) as TokenBody;
    const ivy = (await (await password('ivy', 'ivy password 1')).json()) as TokenBody;

    expect((await server.admin('POST', `/users/${kimId}/password`, { password: 'kim password 2' })).status).toBe(204);

    const refused = await refresh(kim.refresh_token ?? '');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error).toBe('invalid_grant');
    expect((await refresh(ivy.refresh_token ?? '')).status).toBe(200);
    expect((await password('kim', 'kim password 2')).status).toBe(200);
  });
});
