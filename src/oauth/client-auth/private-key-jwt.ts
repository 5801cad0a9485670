import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { clientUnusableReason, type Client } from '../../clients/client.js';
import type { ClientDirectory } from '../../clients/client-directory.js';
import { algorithmOf, CLIENT_KEY_ALGS } from '../../clients/client-keys.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { AssertionClaims } from './assertion-claims.js';
import { OAuthError } from '../oauth-error.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Longest assertion looked at, characters: far beyond a genuine one, refused before any parsing. */
const MAX_ASSERTION_LENGTH = 8 * 1024;
/** Leeway for the assertion's exp and nbf, seconds. */
const CLOCK_TOLERANCE = 5;

/**
 * `typ` values a client-signed JWT may carry here: none, the generic `JWT`, or the explicit type of
 * draft-ietf-oauth-rfc7523bis. Any other type declares another kind of JWT (an access token, an ID token)
 * that must not double as an assertion (RFC 8725 §3.11).
 */
const ASSERTION_TYPES = new Set(['jwt', 'client-authentication+jwt']);

function acceptableType(typ: unknown): boolean {
  return typ === undefined || (typeof typ === 'string' && ASSERTION_TYPES.has(typ.toLowerCase().replace(/^application\//, '')));
}

/**
 * The algorithms a registered key may sign with: its JWK `alg` if set, else those of its type. algorithmOf runs
 * either way: it throws for a key too weak or costly to verify with (a short RSA modulus, an exponent other than
 * 65537), also one stored before keys were checked at registration, and such a key is never imported.
 */
function algorithmsFor(jwk: JWK, key: KeyObject): string[] {
  const alg = algorithmOf(key);
  if (typeof jwk.alg === 'string') return [jwk.alg];
  return alg === 'RS256' ? ['RS256', 'PS256'] : [alg];
}

/**
 * Registered keys imported once: a client's JWK objects live as long as that version of the client in the
 * directory (a change replaces them), and jose remembers its own import of a KeyObject it has seen.
 */
const importedKeys = new WeakMap<JWK, { key: KeyObject; algorithms: string[] } | null>();

function importedKey(jwk: JWK): { key: KeyObject; algorithms: string[] } | null {
  let imported = importedKeys.get(jwk);
  if (imported === undefined) {
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      imported = { key, algorithms: algorithmsFor(jwk, key) };
    } catch {
      imported = null;
    }
    importedKeys.set(jwk, imported);
  }
  return imported;
}

/** How a refusal is answered: `invalid_client` (401) for client authentication, `invalid_grant` for the grant. */
type Refuse = (description: string) => OAuthError;
const invalidClient: Refuse = (description) => new OAuthError(401, 'invalid_client', description);
const invalidGrant: Refuse = (description) => new OAuthError(400, 'invalid_grant', description);

/**
 * JWTs signed with a client's registered key (RFC 7523): as client authentication (§2.2, iss = sub = the
 * client) and as an authorization grant (§2.1, iss = the client, sub = a user). Both: aud the token endpoint
 * or the issuer, at most `maxAssertionLifetime` long, a single-use jti, RS256/PS256/ES256/EdDSA matching the key.
 */
export class ClientAssertionVerifier {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly directory: ClientDirectory,
    private readonly usedAssertions: Pick<AssertionClaims, 'claim'>,
  ) {}

  /** Client authentication with `client_assertion` (private_key_jwt clients only). */
  async verify(assertion: string, assertionType: string | undefined, claimedClientId: string | undefined): Promise<Client> {
    if (assertionType !== CLIENT_ASSERTION_TYPE) throw invalidClient(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    const { client } = await this.check(assertion, invalidClient, (client, claims) => {
      if (claims.sub !== client.clientId) throw invalidClient('iss and sub must both be the client id');
      if (claimedClientId !== undefined && claimedClientId !== client.clientId) throw new OAuthError(400, 'invalid_request', 'client_id does not match the client assertion');
      if (client.tokenEndpointAuthMethod !== 'private_key_jwt') throw invalidClient('this client does not authenticate with private_key_jwt');
    });
    return client;
  }

  /** The JWT-bearer grant's `assertion`: returns the signing client and the subject it names. */
  async verifyGrant(assertion: string): Promise<{ client: Client; subject: string }> {
    const { client, claims } = await this.check(assertion, invalidGrant, (_client, unverified) => {
      if (typeof unverified.sub !== 'string' || unverified.sub === '') throw invalidGrant('the assertion must name the user in sub');
    });
    return { client, subject: claims.sub ?? '' };
  }

  /**
   * The signed request of the application token endpoint: signed by `client` (already authenticated by
   * its secret in the same request), aud the endpoint or the issuer; `sub` optional (a user to act for).
   */
  async verifyAppRequest(request: string, client: Client, endpointUrl: string): Promise<JWTPayload> {
    const refuse: Refuse = (description) => new OAuthError(400, 'invalid_request', description);
    const { claims } = await this.check(
      request,
      refuse,
      (signer) => {
        if (signer.clientId !== client.clientId) throw refuse('the signed request was made by another application');
      },
      { audiences: [endpointUrl, this.config.issuer], subjectRequired: false },
    );
    return claims;
  }

  private async check(
    assertion: string,
    refuse: Refuse,
    preconditions: (client: Client, unverified: JWTPayload) => void,
    options: { audiences?: string[]; subjectRequired?: boolean } = {},
  ): Promise<{ client: Client; claims: JWTPayload }> {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw refuse('the assertion is too large');
    let unverified: JWTPayload;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      unverified = decodeJwt(assertion);
      header = decodeProtectedHeader(assertion);
    } catch (error) {
      throw refuse(`the assertion is malformed (${(error as Error).message})`);
    }
    if (!acceptableType(header.typ)) throw refuse(`the assertion's typ ${String(header.typ)} marks another kind of JWT`);
    if (typeof unverified.iss !== 'string') throw refuse('the assertion must name the client in iss');
    const client = this.directory.get(unverified.iss);
    if (!client) throw refuse('the assertion names an unknown client');
    preconditions(client, unverified);

    if (typeof header.alg !== 'string' || !(CLIENT_KEY_ALGS as readonly string[]).includes(header.alg)) {
      throw refuse(`the assertion's alg must be one of ${CLIENT_KEY_ALGS.join(', ')}`);
    }
    const keys = client.jwks?.keys ?? [];
    const jwk = header.kid !== undefined ? keys.find((candidate) => candidate.kid === header.kid) : keys.length === 1 ? keys[0] : undefined;
    if (!jwk) throw refuse(header.kid !== undefined ? 'the assertion names a key the client does not have' : 'the assertion must name its key (kid)');
    const imported = importedKey(jwk);
    // A key stored through the raw `jwks` field that is weak or of an unsupported type.
    if (!imported) throw refuse('the registered key cannot be used');
    const { key, algorithms } = imported;
    if (!algorithms.includes(header.alg)) throw refuse(`the key ${String(jwk.kid)} does not sign with ${header.alg}`);

    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(assertion, key, {
        algorithms: [header.alg],
        issuer: client.clientId,
        audience: options.audiences ?? [this.config.issuer, `${this.config.issuer}/oauth/token`],
        requiredClaims: options.subjectRequired === false ? ['exp', 'jti'] : ['exp', 'jti', 'sub'],
        clockTolerance: CLOCK_TOLERANCE,
      }));
    } catch (error) {
      throw refuse(`the assertion is not valid (${error instanceof errors.JOSEError ? error.message : 'invalid'})`);
    }
    const exp = claims.exp ?? 0;
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
    if (exp - issuedAt > this.config.maxAssertionLifetime || exp - Date.now() / 1000 > this.config.maxAssertionLifetime + CLOCK_TOLERANCE) {
      throw refuse(`the assertion may live at most ${this.config.maxAssertionLifetime} s`);
    }
    // Only a caller who proved the key learns that the client is disabled or expired.
    const unusable = clientUnusableReason(client, Date.now());
    if (unusable) throw refuse(`the assertion's client cannot be used: ${unusable}`);
    if (typeof claims.jti !== 'string' || claims.jti === '' || claims.jti.length > 256) throw refuse('the assertion needs a jti');
    if (!(await this.usedAssertions.claim(client.clientId, claims.jti, (exp + CLOCK_TOLERANCE) * 1000))) {
      throw refuse('the assertion was already used');
    }
    return { client, claims };
  }
}
