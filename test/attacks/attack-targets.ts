import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { SignJWT, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import { fastifyGuard } from '../../src/resource-server/index.js';
import { assertNoDescriptionViolations, witnessErrorDescriptions } from '../helpers/error-description-witness.js';
import { signWithServerKey } from '../helpers/server-signed-token.js';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Everything a forged or misused token is tried against, started for real: Gatehouse's own resource guard
 * (the user API, scope `users`), an external service protected by `gatehouse/resource-server` in JWKS mode
 * and one in introspection mode, the introspection endpoint itself, and, for client assertions, the token
 * endpoint with a `private_key_jwt` client.
 */
export interface AttackTargets {
  gatehouse: TestServer;
  /** A client with a secret, allowed the scope `users`. */
  client: { client_id: string; client_secret: string };
  /** A private_key_jwt client with one registered ES256 key. */
  keyClient: { clientId: string; kid: string; privateKey: KeyObject };
  /** A real access token for `client` with scope `users`. */
  validToken(): Promise<string>;
  /** A JWT signed with Gatehouse's own active key, shaped like its access tokens except for what is given. */
  signAsGatehouse(header: Record<string, unknown>, claims?: JWTPayload): Promise<string>;
  /** A client assertion signed with `keyClient`'s key: header and claims override a valid one. */
  clientAssertion(options?: { header?: Record<string, unknown>; claims?: JWTPayload; key?: KeyObject | Uint8Array }): Promise<string>;
  /** The four verdicts on an access token (401 status and error of each resource, `active` of introspection). */
  verdicts(token: string): Promise<Verdicts>;
  /** Asserts every resource accepts the token and introspection calls it active. */
  expectAccessTokenAccepted(token: string): Promise<void>;
  /** Asserts every resource refuses the token with `invalid_token` and introspection calls it inactive. */
  expectAccessTokenRefused(token: string): Promise<void>;
  /** Asserts the token endpoint refuses the assertion as client authentication; answers the description. */
  expectAssertionRefused(assertion: string): Promise<string>;
  close(): Promise<void>;
}

export interface Verdicts {
  guard: Refusal;
  jwksMiddleware: Refusal;
  introspectionMiddleware: Refusal;
  introspection: { status: number; active: unknown; aud?: unknown };
}

interface Refusal {
  status: number;
  wwwAuthenticate: string | null;
}

/** What the external services answered outside the error_description character set (checked on close). */
const serviceViolations: string[] = [];

async function startService(gatehouse: TestServer, mode: 'jwks' | 'introspection', introspector: { client_id: string; client_secret: string }) {
  const service = Fastify();
  const recorded = witnessErrorDescriptions(service);
  service.addHook('onClose', async () => {
    serviceViolations.push(...recorded);
  });
  await service.register(fastifyGuard, {
    issuer: gatehouse.url,
    mode,
    scope: 'users',
    introspection: { clientId: introspector.client_id, clientSecret: introspector.client_secret },
  });
  service.get('/records', async (request) => ({ caller: request.gatehouseCaller?.clientId }));
  await service.listen({ port: 0, host: '127.0.0.1' });
  return { service, url: `http://127.0.0.1:${(service.server.address() as AddressInfo).port}/records` };
}

export async function startAttackTargets(options: { config?: Parameters<typeof startTestServer>[0]['config'] } = {}): Promise<AttackTargets> {
  const gatehouse = await startTestServer({ store: 'sqlite', ...(options.config ? { config: options.config } : {}) });
  const services: FastifyInstance[] = [];
  try {
    const client = await gatehouse.createClient({ scope: 'users' });
    const introspector = await gatehouse.createClient({ client_name: 'resource service', scope: '' });
    const created = await gatehouse.createClient({ client_name: 'key client', token_endpoint_auth_method: 'private_key_jwt', scope: 'users' });
    const generated = (await (await gatehouse.admin('POST', `/clients/${created.client_id}/keys`, { alg: 'ES256' })).json()) as { key: { kid: string }; private_key_pem: string };
    const keyClient = { clientId: created.client_id, kid: generated.key.kid, privateKey: createPrivateKey(generated.private_key_pem) };
    const jwks = await startService(gatehouse, 'jwks', introspector);
    const introspection = await startService(gatehouse, 'introspection', introspector);
    services.push(jwks.service, introspection.service);

    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const refusal = async (response: Response): Promise<Refusal> => {
      await response.arrayBuffer();
      return { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate') };
    };

    const targets: AttackTargets = {
      gatehouse,
      client,
      keyClient,
      async validToken() {
        const response = await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'users' }, { authorization: basicAuth(client.client_id, client.client_secret) });
        expect(response.status).toBe(200);
        return ((await response.json()) as { access_token: string }).access_token;
      },
      signAsGatehouse(header, claims = {}) {
        return signWithServerKey(gatehouse, { typ: 'at+jwt', ...header }, { client_id: client.client_id, scope: 'users', ...claims });
      },
      clientAssertion({ header = {}, claims = {}, key = keyClient.privateKey } = {}) {
        const now = Math.floor(Date.now() / 1000);
        const payload = { iss: keyClient.clientId, sub: keyClient.clientId, aud: `${gatehouse.url}/oauth/token`, jti: randomUUID(), iat: now, exp: now + 60, ...claims };
        return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: keyClient.kid, ...header }).sign(key);
      },
      async verdicts(token) {
        const introspected = await postForm(`${gatehouse.url}/oauth/introspect`, { token }, { authorization: basicAuth(introspector.client_id, introspector.client_secret) });
        const introspectedBody = (await introspected.json()) as { active: unknown; aud?: unknown };
        return {
          guard: await refusal(await fetch(`${gatehouse.url}/api/users`, bearer(token))),
          jwksMiddleware: await refusal(await fetch(jwks.url, bearer(token))),
          introspectionMiddleware: await refusal(await fetch(introspection.url, bearer(token))),
          introspection: { status: introspected.status, active: introspectedBody.active, aud: introspectedBody.aud },
        };
      },
      async expectAccessTokenAccepted(token) {
        const verdicts = await targets.verdicts(token);
        expect([verdicts.guard.status, verdicts.jwksMiddleware.status, verdicts.introspectionMiddleware.status, verdicts.introspection.active]).toEqual([200, 200, 200, true]);
      },
      async expectAccessTokenRefused(token) {
        const verdicts = await targets.verdicts(token);
        for (const [target, verdict] of [
          ['guard', verdicts.guard],
          ['jwks middleware', verdicts.jwksMiddleware],
          ['introspection middleware', verdicts.introspectionMiddleware],
        ] as const) {
          expect({ target, status: verdict.status }).toEqual({ target, status: 401 });
          expect(verdict.wwwAuthenticate, target).toMatch(/^Bearer .*error="invalid_token"/);
        }
        expect(verdicts.introspection).toMatchObject({ status: 200, active: false });
      },
      async expectAssertionRefused(assertion) {
        const response = await postForm(`${gatehouse.url}/oauth/token`, { grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion });
        const body = (await response.json()) as { error: string; error_description: string };
        expect({ status: response.status, error: body.error }).toEqual({ status: 401, error: 'invalid_client' });
        return body.error_description;
      },
      async close() {
        for (const service of services) await service.close();
        await gatehouse.close();
        assertNoDescriptionViolations(serviceViolations.splice(0));
      },
    };

    // The control: a genuine token passes every target and a genuine assertion authenticates, so a
    // refusal in an attack test is the attack's doing.
    await targets.expectAccessTokenAccepted(await targets.validToken());
    const genuine = await postForm(`${gatehouse.url}/oauth/token`, {
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await targets.clientAssertion(),
    });
    expect(genuine.status).toBe(200);
    return targets;
  } catch (error) {
    for (const service of services) await service.close();
    await gatehouse.close();
    throw error;
  }
}

/** Splits a compact JWS into its decoded header, decoded payload and signature. */
export function partsOf(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload), signature };
}

/** Reassembles a compact JWS from a header and payload (re-encoded) and a signature, as a forger would. */
export function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signature: string): string {
  const encode = (value: Record<string, unknown>) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(payload)}.${signature}`;
}
