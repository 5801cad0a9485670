import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthServices } from '../../src/oauth/oauth-services.js';
import { BearerChallenge } from '../../src/resources/bearer-challenge.js';
import { bearerTokenOf, ResourceGuard } from '../../src/resources/resource-guard.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

describe('resource guard', () => {
  let server: TestServer;
  let guard: ResourceGuard;
  let token: string;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { resources: ['https://other.example'] } });
    guard = new ResourceGuard(createOAuthServices(server.gatehouse).verifier, { audiences: () => [server.config.issuer], clockToleranceSeconds: 5 });
    const client = await server.createClient({ scope: 'users reports' });
    clientId = client.client_id;
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
  });

  async function refusal(promise: Promise<unknown>): Promise<BearerChallenge> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BearerChallenge);
    return error as BearerChallenge;
  }

  it('lets a valid token with the scope through and names the caller', async () => {
    const caller = await guard.check(token, ['users']);
    expect(caller.clientId).toBe(clientId);
    expect(caller.sub).toBe(clientId);
    expect(caller.scope).toEqual(['users']);
  });

  it('answers 401 without error code when no token is given', async () => {
    const challenge = await refusal(guard.check(undefined, []));
    expect(challenge.status).toBe(401);
    expect(challenge.header('gatehouse', undefined)).toBe('Bearer realm="gatehouse"');
  });

  it('answers 401 invalid_token for a garbage token', async () => {
    const challenge = await refusal(guard.check('not.a.token', []));
    expect(challenge.status).toBe(401);
    expect(challenge.header('gatehouse', 'http://x/.well-known/oauth-protected-resource')).toMatch(
      /^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]*", resource_metadata="http:\/\/x\/\.well-known\/oauth-protected-resource"$/,
    );
  });

  it('answers 403 insufficient_scope naming the needed scope', async () => {
    const challenge = await refusal(guard.check(token, ['reports']));
    expect(challenge.status).toBe(403);
    expect(challenge.error).toBe('insufficient_scope');
    expect(challenge.header('gatehouse', undefined)).toContain('scope="reports"');
  });

  it('refuses a token meant for another audience', async () => {
    const client = await server.createClient({ scope: 'users' });
    const response = await postForm(
      `${server.url}/oauth/token`,
      { grant_type: 'client_credentials', resource: 'https://other.example' },
      { authorization: basicAuth(client.client_id, client.client_secret) },
    );
    const other = ((await response.json()) as { access_token: string }).access_token;
    const challenge = await refusal(guard.check(other, []));
    expect(challenge.error).toBe('invalid_token');
  });

  it('reads bearer tokens from the Authorization header only in the RFC 6750 form', () => {
    expect(bearerTokenOf(undefined)).toBeUndefined();
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerTokenOf('Basic abc')).toThrow(BearerChallenge);
    expect(() => bearerTokenOf('Bearer a b')).toThrow(BearerChallenge);
  });
});
