import type { GatehouseConfig } from '../../config/config.js';
import type { StoreAvailability } from '../../store/store-availability.js';
import type { UsersStore } from '../../users/users-store.js';
import type { PasswordSignIn } from '../../users/password-sign-in.js';
import type { ClientAssertionVerifier } from '../client-auth/private-key-jwt.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import type { SecurityGate } from '../security-gate.js';
import type { TokenTail } from '../token-tail.js';
import * as applicationToken from './application-token.js';
import * as authorizationCode from './authorization-code.js';
import type { IdTokenSigner } from './authorization-code.js';
import type { AuthorizationCodesStore } from '../../sign-in/authorization-code.js';
import type { SecretDigester } from '../../keys/secret-digest.js';
import * as clientCredentials from './client-credentials.js';
import type { ClientAuthentication, Grant, GrantHandle } from './grant.js';
import * as jwtBearer from './jwt-bearer.js';
import * as password from './password.js';
import * as refreshToken from './refresh-token.js';

/** The grants of POST /oauth/token, in the order discovery lists them. */
const TOKEN_ENDPOINT_GRANTS = [authorizationCode, clientCredentials, password, refreshToken, jwtBearer] as const;

/** `grant_types_supported` (RFC 8414): the grant types the token endpoint accepts. */
export const TOKEN_ENDPOINT_GRANT_TYPES: readonly string[] = TOKEN_ENDPOINT_GRANTS.map((grant) => grant.grantType);

/** The grant type of tokens from the application token endpoint (audit events and metrics name it). */
export const APPLICATION_TOKEN_GRANT_TYPE = applicationToken.grantType;

/** Every grant type under which tokens are issued (metrics' grant_type label values). */
export const ISSUING_GRANT_TYPES: readonly string[] = [...TOKEN_ENDPOINT_GRANT_TYPES, APPLICATION_TOKEN_GRANT_TYPE];

/** Everything the grants' handlers use, wired once by the server. */
export interface GrantServices {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  gate: Pick<SecurityGate, 'plan' | 'checksPassedUntil'>;
  tail: Pick<TokenTail, 'finish'>;
  signIn: Pick<PasswordSignIn, 'check'>;
  refreshTokens: Pick<RefreshTokens, 'find' | 'rotate' | 'revokeFamily' | 'familyRevoked'>;
  users: Pick<UsersStore, 'get' | 'findByIdOrUsername'>;
  assertions: Pick<ClientAssertionVerifier, 'verifyGrant' | 'verifyAppRequest'>;
  availability?: Pick<StoreAvailability, 'servedFromCache'> | undefined;
  /** Authorization codes of browser sign-in, their digests, and ID tokens. */
  codes: Pick<AuthorizationCodesStore, 'redeem'>;
  digester: Pick<SecretDigester, 'digest'>;
  idTokens: IdTokenSigner;
  /** The `aud` an application token request must name: the endpoint's URL. */
  appTokenAudience: () => string;
}

/** What a grant module exports. */
interface GrantModule {
  grantType: string;
  clientAuthentication: ClientAuthentication;
  handler(services: GrantServices): GrantHandle;
}

/** A grant module wired to the services, ready to run. */
function ready(grant: GrantModule, services: GrantServices): Grant {
  return { grantType: grant.grantType, clientAuthentication: grant.clientAuthentication, handle: grant.handler(services) };
}

/** The token endpoint's grants by grant type, ready to run: the endpoint dispatches by this table alone. */
export function tokenEndpointGrants(services: GrantServices): ReadonlyMap<string, Grant> {
  return new Map(TOKEN_ENDPOINT_GRANTS.map((grant) => [grant.grantType, ready(grant, services)]));
}

/** The application token endpoint's grant, ready to run. */
export function applicationTokenGrant(services: GrantServices): Grant {
  return ready(applicationToken, services);
}
