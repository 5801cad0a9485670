import { createHash } from 'node:crypto';
import type { Client } from '../clients/client.js';
import type { GatehouseConfig } from '../config/config.js';
import type { SigningKeys } from '../keys/signing-keys.js';
import type { SigningAlg } from '../shared/signing-algs.js';
import type { User } from '../users/user.js';
import { carriesRoles, userClaims } from './user-claims.js';

export interface IdTokenRequest {
  client: Client;
  user: User;
  /** The authorization request's nonce, echoed when it had one. */
  nonce: string | undefined;
  /** When the user authenticated, epoch ms. */
  authTime: number;
  /** Authentication methods (RFC 8176), from the checks the user passed. */
  amr: string[];
  acr?: string;
  /** The access token issued with it, for at_hash. */
  accessToken?: string;
  /** The granted scopes: `profile` and `email` add their claims; `roles` (or the client's roles_claim switch) the user's roles. */
  scopes: string[];
  /**
   * The client's `id_token_signed_response_alg`: RS256 (the default) or the configured access-token
   * algorithm; any other has no key (NoSigningKeyError).
   */
  alg?: SigningAlg;
}

/**
 * OIDC Core §3.1.3.6 (and §3.3.2.11): the left half of the hash of the access token's ASCII octets, with the
 * hash of the ID token's JWS algorithm, base64url-encoded. Ed25519 uses SHA-512 (the hash its EdDSA uses).
 */
export function accessTokenHash(alg: SigningAlg, accessToken: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Issues OpenID Connect ID tokens (OIDC Core §2): a compact JWT, typ JWT, signed RS256 (§15.1) unless the client chose the configured algorithm. */
export class IdTokenIssuer {
  constructor(
    private readonly config: Pick<GatehouseConfig, 'issuer' | 'idTokenLifetime'>,
    private readonly keys: Pick<SigningKeys, 'idTokenKeyAt'>,
  ) {}

  async issue(request: IdTokenRequest): Promise<string> {
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const key = this.keys.idTokenKeyAt(now, request.alg);
    const claims: Record<string, unknown> = {
      ...userClaims(request.user, request.scopes, carriesRoles(request.scopes, request.client)),
      iss: this.config.issuer,
      sub: request.user.id,
      aud: request.client.clientId,
      // OIDC Core §2: azp is the party the token was issued to; with one audience it repeats it.
      azp: request.client.clientId,
      exp: iat + this.config.idTokenLifetime,
      iat,
      auth_time: Math.floor(request.authTime / 1000),
      amr: request.amr,
    };
    if (request.nonce !== undefined) claims.nonce = request.nonce;
    if (request.acr !== undefined) claims.acr = request.acr;
    if (request.accessToken !== undefined) claims.at_hash = accessTokenHash(key.alg, request.accessToken);
    return key.idTokenSigner.sign(claims);
  }
}
