import type { Gatehouse } from '../gatehouse.js';
import { AccessTokenIssuer } from '../oauth/access-token-issuer.js';
import { AccessTokenVerifier } from '../oauth/access-token-verifier.js';
import { ClientAuthenticator } from '../oauth/client-auth/authenticate-client.js';
import { ClientAssertionVerifier } from '../oauth/client-auth/private-key-jwt.js';
import { UsedAssertionsRepository } from '../store/used-assertions-repository.js';
import { AssertionClaims } from '../oauth/client-auth/assertion-claims.js';
import { ClientCredentialsGrant } from '../oauth/grants/client-credentials.js';
import { PasswordGrant } from '../oauth/grants/password.js';
import { RefreshTokenGrant } from '../oauth/grants/refresh-token.js';
import { JwtBearerGrant } from '../oauth/grants/jwt-bearer.js';
import { SecurityGate } from '../oauth/security-gate.js';
import { NO_TOKEN_METRICS, type TokenMetrics } from './metrics.js';
import type { SharedRateLimitStore } from '../limits/rate-limit-store.js';
import { TokenRateLimits } from '../oauth/endpoints/token-rate-limits.js';

/** The authorization server's parts, wired from the shared Gatehouse services. */
export interface OAuthServices {
  authenticator: ClientAuthenticator;
  issuer: AccessTokenIssuer;
  verifier: AccessTokenVerifier;
  clientCredentials: ClientCredentialsGrant;
  password: PasswordGrant;
  refreshToken: RefreshTokenGrant;
  jwtBearer: JwtBearerGrant;
  assertions: ClientAssertionVerifier;
  gate: SecurityGate;
  /** Counts issued tokens (the metrics endpoint replaces the no-op). */
  metrics: TokenMetrics;
  /** Redis shared by every instance for rate-limit counters (REDIS_URL); undefined: counted in memory. */
  rateLimitStore: SharedRateLimitStore | undefined;
  /** In-memory limits of every token request, per source address and per authenticated client. */
  tokenRateLimits: TokenRateLimits;
}

export function createOAuthServices(gatehouse: Gatehouse): OAuthServices {
  const issuer = new AccessTokenIssuer(gatehouse.config, gatehouse.keys);
  const assertions = new ClientAssertionVerifier(gatehouse.config, gatehouse.directory, new AssertionClaims(new UsedAssertionsRepository(gatehouse.store.db), gatehouse.logger));
  const gate = new SecurityGate(gatehouse.checks, gatehouse.profileDirectory, gatehouse.checkStates, () => gatehouse.config.maxTokenLifetime, gatehouse.logger);
  return {
    authenticator: new ClientAuthenticator(gatehouse.directory, gatehouse.digester, assertions, gatehouse.logger),
    issuer,
    verifier: new AccessTokenVerifier(gatehouse.config, gatehouse.keys, gatehouse.revocations, gatehouse.directory, gatehouse.userStatus),
    clientCredentials: new ClientCredentialsGrant(gatehouse.config, issuer, gate, gatehouse.availability),
    password: new PasswordGrant(gatehouse.config, gatehouse.passwordSignIn, issuer, gatehouse.refreshTokens, gate),
    refreshToken: new RefreshTokenGrant(gatehouse.config, gatehouse.refreshTokens, gatehouse.usersRepository, issuer, gate),
    jwtBearer: new JwtBearerGrant(gatehouse.config, assertions, gatehouse.usersRepository, issuer, gate),
    assertions,
    gate,
    metrics: NO_TOKEN_METRICS,
    rateLimitStore: undefined,
    tokenRateLimits: new TokenRateLimits(gatehouse.config),
  };
}
