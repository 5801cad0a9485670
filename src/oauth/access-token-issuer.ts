import { randomUUID } from 'node:crypto';
import type { Client } from '../clients/client.js';
import type { GatehouseConfig } from '../config/config.js';
import type { SigningKeys } from '../keys/signing-keys.js';

export interface AccessTokenRequest {
  client: Client;
  /** `sub`: the client id for client tokens, the user id for user tokens. */
  subject: string;
  scopes: string[];
  /** RFC 8707 resources; empty means the issuer is the audience. */
  resources: string[];
  /** expires_in in seconds, as the security gate planned it (the client's, the server's, the profile's and the checks' limits). */
  lifetime: number;
  /** Further claims, e.g. the username of a user token and its grant (GRANT_ID_CLAIM). */
  extraClaims?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
  jti: string;
  expiresAt: number;
  /** The token's `sub` and `client_id`. */
  subject: string;
  clientId: string;
}

/** Private claim: the refresh-token family (grant) an access token was issued from. */
export const GRANT_ID_CLAIM = 'grant_id';

/** Issues RFC 9068 JWT access tokens signed with the currently active key. */
export class AccessTokenIssuer {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly keys: SigningKeys,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const expiresIn = request.lifetime;
    const jti = randomUUID();
    const aud = request.resources.length === 0 ? this.config.issuer : request.resources.length === 1 ? request.resources[0] : request.resources;
    const claims: Record<string, unknown> = {
      ...request.extraClaims,
      iss: this.config.issuer,
      sub: request.subject,
      aud,
      client_id: request.client.clientId,
      iat,
      exp: iat + expiresIn,
      jti,
    };
    if (request.scopes.length > 0) claims.scope = request.scopes.join(' ');
    const accessToken = await this.keys.signingKeyAt(now).signer.sign(claims);
    return { accessToken, expiresIn, jti, expiresAt: (iat + expiresIn) * 1000, subject: request.subject, clientId: request.client.clientId };
  }
}
