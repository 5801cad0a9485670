import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

/** Issue 21: a refused key upload says what is wrong with the key in words, never OpenSSL's codes, never the key. */
describe.each(STORES)('POST /admin/api/clients/:id/keys refusals in words on %s', (store) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ store });
    await server.createClient({ client_id: 'keyed', grant_types: ['client_credentials'] });
  });
  afterAll(async () => {
    await server.close();
  });

  const upload = async (key: unknown) => {
    const response = await server.admin('POST', '/clients/keyed/keys', { key });
    return { status: response.status, body: (await response.json()) as { error: string; error_description: string; field?: string } };
  };

  it.each([
    ['a damaged PEM', '-----BEGIN PUBLIC KEY-----\nAAAAB3NzaC1yc2E=\n-----END PUBLIC KEY-----', 'key: the key cannot be read: not a PEM public key'],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'key: the key cannot be read: a certificate was given: upload its public key'],
    ['an EC JWK off the curve', { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }, 'key: the key cannot be read: not a valid EC public JWK'],
    ['a JWK without kty', { n: 'AQAB' }, 'key: the key cannot be read: not a JWK: it has no kty'],
    ['a short RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }), 'key: an RSA key of 1024 bits is too short'],
  ])('%s', async (_name, key, expected) => {
    const { status, body } = await upload(key);
    expect(status).toBe(400);
    expect(body.field).toBe('key');
    expect(body.error_description).toContain(expected);
    expect(body.error_description).not.toMatch(/error:[0-9A-F]{8}|routines|ERR_|Invalid JWK/);
  });

  it('a private key: says so and what to do, without echoing any of it', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const { status, body } = await upload(pem);
    expect(status).toBe(400);
    expect(body.error_description).toMatch(/^key: a private key was given: upload the public half only/);
    expect(body.error_description).not.toContain(pem.split('\n')[1]!.slice(0, 20));
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as Record<string, string>;
    const fromJwk = await upload(jwk);
    expect(fromJwk.body.error_description).toMatch(/private or symmetric key material: upload the public half only/);
    expect(fromJwk.body.error_description).not.toContain(jwk.d!);
  });
});
