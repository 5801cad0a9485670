import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { compactVerify, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGNING_ALGS } from '../../src/shared/signing-algs.js';
import { CompactJwsSigner } from '../../src/keys/jws-signer.js';
import { SigningThread } from '../../src/keys/signing-thread.js';

const thread = new SigningThread();
afterAll(() => thread.close());

describe.each(SIGNING_ALGS.flatMap((alg) => [[alg, 'the thread pool'] as const, [alg, 'a signing thread'] as const]))('CompactJwsSigner with %s on %s', (alg, where) => {
  it('produces compact JWS that jose verifies, and tampering breaks it', async () => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const key = createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' });
    const signer = new CompactJwsSigner(key, alg, 'kid-1', 'at+jwt', where === 'a signing thread' ? thread : undefined);
    const now = Math.floor(Date.now() / 1000);
    const token = await signer.sign({ iss: 'https://issuer.example', sub: 'client', iat: now, exp: now + 60, scope: 'a b' });

    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { issuer: 'https://issuer.example', typ: 'at+jwt', algorithms: [alg] });
    expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: 'kid-1' });
    expect(payload.scope).toBe('a b');

    const [header, body, signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...payload, scope: 'admin' })).toString('base64url');
    await expect(compactVerify(`${header}.${forgedBody}.${signature}`, publicKey)).rejects.toThrow();
    expect(body).toBeDefined();
  });
});
