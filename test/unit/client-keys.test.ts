import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkClientJwk, parseClientPublicKey } from '../../src/clients/client-keys.js';
import { FieldValidationError } from '../../src/shared/errors.js';

const rsa = (modulusLength: number, publicExponent = 65537) => generateKeyPairSync('rsa', { modulusLength, publicExponent }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
const rsa2048 = rsa(2048);

/** The reason a key is refused for, or undefined when it is accepted (by both the raw-JWKS and the key-adding paths). */
async function refusal(jwk: Record<string, unknown>): Promise<string | undefined> {
  const reasons: (string | undefined)[] = [];
  for (const check of [() => checkClientJwk(jwk), () => parseClientPublicKey(jwk)]) {
    try {
      await check();
      reasons.push(undefined);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      reasons.push(error.reason);
    }
  }
  expect(reasons[0] === undefined, `both paths agree on ${JSON.stringify(jwk).slice(0, 80)}`).toBe(reasons[1] === undefined);
  return reasons[0];
}

describe('registered client keys', () => {
  it('accepts RSA keys of 2048 to 4096 bits with the exponent 65537 only', async () => {
    expect(await refusal(rsa2048)).toBeUndefined();
    expect(await refusal(rsa(4096))).toBeUndefined();
    expect(await refusal(rsa(1024))).toMatch(/2048 bits to 4096 bits/);
    expect(await refusal(rsa(4608))).toMatch(/2048 bits to 4096 bits/);
    expect(await refusal(rsa(2048, 3))).toMatch(/exponent 65537/);
    // A 2000-bit exponent: every verification of a (forged) assertion costs ~100 times one with 65537.
    const huge = randomBytes(250);
    huge[0] = (huge[0] ?? 0) | 0x80;
    huge[249] = (huge[249] ?? 0) | 1;
    expect(await refusal({ ...rsa2048, e: huge.toString('base64url') })).toMatch(/exponent 65537/);
  });

  it('accepts P-256 and Ed25519 keys only, on their curve', async () => {
    expect(await refusal(ec)).toBeUndefined();
    expect(await refusal(ed)).toBeUndefined();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(await refusal(p384)).toMatch(/P-256/);
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(await refusal(x25519)).toMatch(/not supported/);
    // A point off the curve.
    expect(await refusal({ ...ec, y: ec.x })).toMatch(/cannot be read/);
  });

  it('refuses key references, private members, use other than sig and a kid outside [A-Za-z0-9._-]{1,128}', async () => {
    for (const member of ['jku', 'x5u']) expect(await refusal({ ...ec, [member]: 'https://attacker.example/keys' })).toMatch(new RegExp(member));
    expect(await refusal({ ...ec, x5c: ['MIIB'] })).toMatch(/x5c/);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(await refusal({ ...rsa2048, [member]: 'AQAB' })).toMatch(/private/);
    expect(await refusal({ ...ec, use: 'enc' })).toMatch(/use must be sig/);
    expect(await refusal({ ...ec, use: 'sig' })).toBeUndefined();
    for (const kid of ['', 'a b', 'key"1', 'key/1', 'k\u00e9y', 'x'.repeat(129)]) expect(await refusal({ ...ec, kid }), kid).toMatch(/kid must be/);
    for (const kid of ['key-1', 'app.instance_2', 'x'.repeat(128)]) expect(await refusal({ ...ec, kid }), kid).toBeUndefined();
  });

  it('stores only kty, crv, x, y, n, e, kid, alg and use = sig', async () => {
    const given = { ...ec, kid: 'k1', alg: 'ES256', use: 'sig', key_ops: ['verify'], x5t: 'abc', ext: true, extra: { nested: 1 } };
    const stored = checkClientJwk(given).jwk;
    expect(Object.keys(stored).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', x: ec.x, y: ec.y, kid: 'k1', alg: 'ES256', use: 'sig' });
    expect(Object.keys(checkClientJwk({ ...rsa2048, qq: 1 }).jwk).sort()).toEqual(['e', 'kty', 'n', 'use']);
    const added = await parseClientPublicKey({ ...ed, note: 'x' }, { kid: 'device-7' });
    expect(Object.keys(added).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  });
});

describe('key parsing errors in words (issue 21)', () => {
  /** The reason parseClientPublicKey refuses `input` for. */
  async function reasonFor(input: unknown): Promise<string> {
    try {
      await parseClientPublicKey(input);
    } catch (error) {
      if (error instanceof FieldValidationError) return error.reason;
      throw error;
    }
    throw new Error('accepted');
  }
  const openSslCodes = /error:[0-9A-F]{8}|routines|ERR_|Invalid JWK|must be of type/;

  it('names what is wrong with a PEM, a certificate, a JWK or an OpenSSH line, without OpenSSL codes', async () => {
    const cases: [unknown, RegExp][] = [
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /not a PEM public key/],
      ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /a certificate was given: upload its public key/],
      ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== me', /OpenSSH key is truncated|ssh-ed25519 key has 32 bytes/],
      [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }, /not a valid EC public JWK: it needs crv \(P-256\), x and y/],
      [{ kty: 'RSA', e: 'AQAB' }, /not a valid RSA public JWK: it needs n and e/],
      [{ x: 'a' }, /not a JWK: it has no kty/],
      [{ kty: 'oct' }, /kty oct cannot verify signatures/],
      ['hello', /give the public key as a JWK object, a PEM \(BEGIN PUBLIC KEY\) or an OpenSSH line/],
    ];
    for (const [input, expected] of cases) {
      const reason = await reasonFor(input);
      expect(reason, JSON.stringify(input)).toMatch(expected);
      expect(reason).not.toMatch(openSslCodes);
    }
  });

  it('says that an RSA key is too short, and that a private key was given, never quoting it', async () => {
    expect(await reasonFor(rsa(1024))).toBe('an RSA key of 1024 bits is too short: use 2048 bits to 4096 bits');
    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const reason = await reasonFor(privatePem);
    expect(reason).toMatch(/^a private key was given: upload the public half only/);
    expect(reason).not.toContain(privatePem.split('\n')[1]!);
  });
});
