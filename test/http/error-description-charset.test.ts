import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceServer } from '../../src/resource-server/index.js';
import { descriptionViolations } from '../helpers/error-description-witness.js';
import { signWithServerKey } from '../helpers/server-signed-token.js';
import { basicAuth, postForm, STORES, startTestServer, type TestServer } from '../helpers/test-server.js';

/** Values a caller may send to be echoed: quotes, backslashes, non-ASCII, control characters. */
const HOSTILE = ['q"uote', 'back\\slash', 'caf\u00e9-\u{1F600}', 'ctl\u0001\u007f', 'x"\\\u00e9\u0007'];

/** The answer's WWW-Authenticate error_description and JSON error_description both stay in %x20-21 / %x23-5B / %x5D-7E. */
async function expectConformingError(response: Response, status: number): Promise<{ error: string; error_description: string }> {
  const body = await response.text();
  const answer = { wwwAuthenticate: response.headers.get('www-authenticate') ?? undefined, contentType: response.headers.get('content-type') ?? undefined, body };
  expect({ status: response.status, violations: descriptionViolations(answer), body }).toMatchObject({ status, violations: [] });
  const parsed = JSON.parse(body) as { error: string; error_description: string };
  expect(parsed.error_description.length).toBeGreaterThan(0);
  return parsed;
}

describe.each(STORES)('error_description character set (RFC 6749 §5.2, RFC 6750 §3) on %s', (store) => {
  let server: TestServer;
  let clientAuth: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const client = await server.createClient({ scope: 'users', grant_types: ['client_credentials'] });
    clientAuth = basicAuth(client.client_id, client.client_secret);
  });
  afterAll(async () => {
    // The test server's own witness also fails here if any answer above broke the set.
    await server.close();
  });

  it.each(HOSTILE)('token endpoint errors that echo %j', async (value) => {
    const grant = await postForm(`${server.url}/oauth/token`, { grant_type: value }, { authorization: clientAuth });
    expect((await expectConformingError(grant, 400)).error).toBe('unsupported_grant_type');

    const resource = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', resource: `https://api.example/${value}` }, { authorization: clientAuth });
    expect((await expectConformingError(resource, 400)).error).toBe('invalid_target');

    const repeated = await postForm(`${server.url}/oauth/token`, `grant_type=client_credentials&${encodeURIComponent(value)}=1&${encodeURIComponent(value)}=2`, { authorization: clientAuth });
    await expectConformingError(repeated, 400);

    const missing = await postForm(`${server.url}/oauth/introspect`, { [value]: 'x' }, { authorization: clientAuth });
    await expectConformingError(missing, 400);
  });

  it.each(HOSTILE)('admin API errors that echo %j', async (value) => {
    const unknown = await server.admin('GET', `/clients/${encodeURIComponent(value)}`);
    expect((await expectConformingError(unknown, 404)).error).toBe('not_found');

    const badScope = await server.admin('POST', '/clients', { client_name: 'x', scope: value });
    expect((await expectConformingError(badScope, 400)).error).toBe('invalid_client_metadata');

    const badProfile = await server.admin('POST', '/clients', { client_name: 'x', profile: value });
    await expectConformingError(badProfile, 400);

    const badOrigin = await server.admin('POST', '/clients', { client_name: 'x', allowed_origins: [`https://a.example/${value}`] });
    await expectConformingError(badOrigin, 400);

    const badMapping = await server.admin('POST', '/profiles', { name: 'p', mandatory_scope: [value] });
    await expectConformingError(badMapping, 400);

    const noProfile = await server.admin('GET', `/profiles/${encodeURIComponent(value)}`);
    await expectConformingError(noProfile, 404);
  });

  it.each(HOSTILE)('no-route answers that echo the path %j', async (value) => {
    const response = await fetch(`${server.url}/nowhere/${encodeURIComponent(value)}`);
    await expectConformingError(response, 404);
  });

  it("resource refusals, in WWW-Authenticate and the body, with jose's quoted messages", async () => {
    const malformed = await fetch(`${server.url}/api/users`, { headers: { authorization: 'Basic "x\\"' } });
    expect((await expectConformingError(malformed, 400)).error).toBe('invalid_request');

    // A token the verifier refuses with a library message that quotes a claim name ("exp").
    const expiredless = await signWithServerKey(server, {}, { client_id: 'x', scope: 'users', exp: 'soon' as unknown as number });
    const refused = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${expiredless}` } });
    const refusal = await expectConformingError(refused, 401);
    expect(refusal.error).toBe('invalid_token');
    expect(refused.headers.get('www-authenticate')).toMatch(/error_description="[^"]*exp[^"]*"/);
  });

  it('the resource-server package answers in the set, in the header and the body', async () => {
    const guard = createResourceServer({ issuer: server.url });
    const forged = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: server.url, sub: '"\\\u00e9' })).toString('base64url')}.`;
    const result = await guard.check({ authorization: `Bearer ${forged}` });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(401);
    expect(descriptionViolations({ wwwAuthenticate: result.headers['WWW-Authenticate'], contentType: 'application/json', body: JSON.stringify(result.body) })).toEqual([]);
  });
});
