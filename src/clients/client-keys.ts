import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { CLIENT_KEY_ALGS, type ClientKeyAlg } from './client.js';
import { FieldValidationError } from '../shared/errors.js';

// Defined in client.ts (no Node.js imports: the console reads it through the admin API's wire module).
export { CLIENT_KEY_ALGS, type ClientKeyAlg };

const MIN_RSA_BITS = 2048;
/** Larger moduli only cost the server verification time. */
const MAX_RSA_BITS = 4096;
/** The one RSA public exponent accepted: a huge exponent makes every signature check (also of forged assertions) expensive. */
const RSA_PUBLIC_EXPONENT = 65537n;
/** Key ids: 1 to 128 letters, digits, `.`, `_` or `-` (documented in the README; an RFC 7638 thumbprint fits). */
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const FIELD = 'key';

function refuse(reason: string): never {
  throw new FieldValidationError(FIELD, reason);
}

/** The members each kty needs in a public JWK. */
const JWK_MEMBERS: Record<string, string> = { RSA: 'n and e', EC: 'crv (P-256), x and y', OKP: 'crv (Ed25519) and x' };

/**
 * Why Node.js could not read a key, in words: OpenSSL's codes (`error:1E08010C:DECODER routines::unsupported`)
 * say nothing to an administrator. Never quotes the key.
 */
export function unreadableKeyReason(input: unknown): string {
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('-----BEGIN CERTIFICATE')) return 'a certificate was given: upload its public key (openssl x509 -pubkey -noout -in cert.pem)';
    if (text.startsWith('-----BEGIN')) return 'not a PEM public key: the text between the BEGIN PUBLIC KEY and END PUBLIC KEY lines is damaged or is not a public key';
    if (/^(ssh-|ecdsa-)/.test(text)) return 'not an OpenSSH public key: the base64 part is damaged';
    return 'not a PEM public key, a JWK or an OpenSSH public key line';
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const kty = (input as Record<string, unknown>).kty;
    if (typeof kty !== 'string') return 'not a JWK: it has no kty (RSA, EC or OKP)';
    const members = JWK_MEMBERS[kty];
    if (members === undefined) return `a JWK of kty ${kty} cannot verify signatures: use RSA, EC or OKP`;
    return `not a valid ${kty} public JWK: it needs ${members}, base64url-encoded, describing a real key`;
  }
  return 'not a PEM public key, a JWK or an OpenSSH public key line';
}

/** Reads the SSH wire format (RFC 4253 §6.6): length-prefixed strings. */
class SshReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.buffer.length) refuse('the OpenSSH key is truncated');
    const length = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    if (length > this.buffer.length - this.offset) refuse('the OpenSSH key is truncated');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** An mpint without its sign byte, as base64url for a JWK. */
  mpint(): string {
    let value = this.string();
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    return value.toString('base64url');
  }
}

/** An OpenSSH public-key line (`ssh-ed25519 AAAA... comment`) as a JWK. */
function jwkFromOpenSsh(line: string): JsonWebKey {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) refuse('an OpenSSH key line is <type> <base64> [comment]');
  const reader = new SshReader(Buffer.from(blob, 'base64'));
  const embeddedType = reader.string().toString();
  if (embeddedType !== type) refuse('the OpenSSH key type does not match its data');
  switch (type) {
    case 'ssh-ed25519': {
      const x = reader.string();
      if (x.length !== 32) refuse('an ssh-ed25519 key has 32 bytes');
      return { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') };
    }
    case 'ecdsa-sha2-nistp256': {
      if (reader.string().toString() !== 'nistp256') refuse('the ecdsa key is not on nistp256');
      const point = reader.string();
      if (point.length !== 65 || point[0] !== 4) refuse('the ecdsa key must be an uncompressed P-256 point');
      return { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
    }
    case 'ssh-rsa': {
      const e = reader.mpint();
      const n = reader.mpint();
      return { kty: 'RSA', e, n };
    }
    default:
      return refuse(`OpenSSH key type ${type} is not supported; use ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa`);
  }
}

/** The one algorithm a key may sign with (the key decides, never a token header). */
export function algorithmOf(key: KeyObject): ClientKeyAlg {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') refuse('only P-256 elliptic-curve keys are supported');
    return 'ES256';
  }
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) refuse(`an RSA key of ${bits} bits is too short: use ${MIN_RSA_BITS} bits to ${MAX_RSA_BITS} bits`);
    if (bits > MAX_RSA_BITS) refuse(`an RSA key of ${bits} bits is longer than accepted: use ${MIN_RSA_BITS} bits to ${MAX_RSA_BITS} bits`);
    if (key.asymmetricKeyDetails?.publicExponent !== RSA_PUBLIC_EXPONENT) refuse(`RSA keys need the public exponent ${RSA_PUBLIC_EXPONENT} (e = AQAB)`);
    return type === 'rsa-pss' ? 'PS256' : 'RS256';
  }
  return refuse(`key type ${String(type)} is not supported; use Ed25519, P-256 or RSA (${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits)`);
}

/** The key's algorithm, or `requested` when it fits the key (an RSA key may be registered for PS256). */
function algorithmFor(key: KeyObject, requested: string | undefined): ClientKeyAlg {
  const alg = algorithmOf(key);
  if (requested === undefined || requested === alg) return alg;
  if (alg === 'RS256' && requested === 'PS256') return 'PS256';
  return refuse(`a ${String(key.asymmetricKeyType)} key signs with ${alg}, not ${requested}`);
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Members that point the verifier elsewhere for the key (a URL, or a certificate chain): never followed, so refused. */
const REFERENCE_JWK_MEMBERS = ['jku', 'x5u', 'x5c'];

function checkKid(kid: string): void {
  if (!KID_PATTERN.test(kid)) refuse('kid must be 1 to 128 letters, digits, dots, underscores or hyphens');
}

/** The members every JWK given to Gatehouse must pass, whatever its form: public, self-contained, for signatures. */
function checkJwkMembers(jwk: Record<string, unknown>): void {
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) refuse('this JWK holds private or symmetric key material: upload the public half only (kty with crv, x, y or n, e)');
  const reference = REFERENCE_JWK_MEMBERS.find((member) => member in jwk);
  if (reference) refuse(`the JWK member ${reference} is not accepted; give the public key itself`);
  if (jwk.use !== undefined && jwk.use !== 'sig') refuse('use must be sig: client keys verify signatures');
  if (jwk.kid !== undefined) {
    if (typeof jwk.kid !== 'string') refuse('kid must be a string');
    checkKid(jwk.kid);
  }
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') refuse('alg must be a string');
}

/**
 * Checks a public JWK given as it will be stored on a client (the raw `jwks` field of the client metadata):
 * a public Ed25519, P-256 or RSA key (2048 to 4096 bits, exponent 65537) whose `alg`, if given, fits it.
 * Returns the algorithm and the key as stored: only kty, crv, x, y, n, e, kid, alg, and use = sig.
 */
export function checkClientJwk(jwk: Record<string, unknown>): { alg: ClientKeyAlg; jwk: JWK } {
  checkJwkMembers(jwk);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return refuse(`the key cannot be read: ${unreadableKeyReason(jwk)}`);
  }
  const alg = algorithmFor(key, jwk.alg as string | undefined);
  // The key's own export: kty with crv, x, y or n, e only, canonically encoded; every other member is dropped.
  const material = key.export({ format: 'jwk' }) as JWK;
  return { alg, jwk: { ...material, ...(jwk.kid === undefined ? {} : { kid: jwk.kid as string }), ...(jwk.alg === undefined ? {} : { alg: jwk.alg as string }), use: 'sig' } };
}

/**
 * A client's public key given as a JWK, a PEM (SPKI) or an OpenSSH line, checked and returned as a public
 * JWK with `kid` (given, or the RFC 7638 thumbprint), `alg` and `use: sig`. Private or weak keys are refused.
 */
export async function parseClientPublicKey(input: unknown, options: { kid?: string | undefined; alg?: string | undefined } = {}): Promise<JWK> {
  let key: KeyObject;
  try {
    if (typeof input === 'string' && input.includes('PRIVATE KEY')) refuse('a private key was given: upload the public half only (openssl pkey -pubout, or the .pub file of an SSH key)');
    if (typeof input === 'string' && input.trim().startsWith('-----BEGIN')) {
      key = createPublicKey({ key: input, format: 'pem' });
    } else if (typeof input === 'string' && /^(ssh-|ecdsa-)/.test(input.trim())) {
      key = createPublicKey({ key: jwkFromOpenSsh(input), format: 'jwk' });
    } else if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
      const jwk = input as Record<string, unknown>;
      checkJwkMembers(jwk);
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } else {
      return refuse('give the public key as a JWK object, a PEM (BEGIN PUBLIC KEY) or an OpenSSH line');
    }
  } catch (error) {
    if (error instanceof FieldValidationError) throw error;
    return refuse(`the key cannot be read: ${unreadableKeyReason(input)}`);
  }
  if (key.type !== 'public') refuse('only public keys may be registered');
  const alg = algorithmFor(key, options.alg);
  const publicJwk = key.export({ format: 'jwk' }) as JWK;
  const kid = options.kid ?? (await calculateJwkThumbprint(publicJwk));
  checkKid(kid);
  return { ...publicJwk, kid, alg, use: 'sig' };
}
