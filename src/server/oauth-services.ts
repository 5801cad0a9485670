import type { FastifyReply } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';
import { setTokenCookie } from '../http/token-cookie.js';
import type { SharedRateLimitStore } from '../limits/rate-limit-store.js';
import { AccessTokenIssuer } from '../oauth/access-token-issuer.js';
import { AccessTokenVerifier } from '../oauth/access-token-verifier.js';
import { IdTokenIssuer } from '../oauth/id-token-issuer.js';
import { AssertionClaims } from '../oauth/client-auth/assertion-claims.js';
import { ClientAuthenticator } from '../oauth/client-auth/authenticate-client.js';
import { ClientAssertionVerifier } from '../oauth/client-auth/private-key-jwt.js';
import type { OAuthEndpointServices } from '../oauth/endpoints/oauth-endpoints.js';
import { APP_TOKEN_PATH } from '../oauth/endpoints/paths.js';
import type { TokenMetrics } from '../oauth/endpoints/request-facts.js';
import { TokenRateLimits } from '../oauth/endpoints/token-rate-limits.js';
import { applicationTokenGrant, tokenEndpointGrants } from '../oauth/grants/grant-table.js';
import { SecurityGate } from '../oauth/security-gate.js';
import { TokenTail } from '../oauth/token-tail.js';
import type { CookieRenewalServices } from '../protected-apis/cookie-renewal.js';
import { UsedAssertionsRepository } from '../store/used-assertions-repository.js';

/** The authorization server's parts, each built once from the shared Gatehouse services. */
export interface OAuthServices {
  authenticator: ClientAuthenticator;
  verifier: AccessTokenVerifier;
  assertions: ClientAssertionVerifier;
  gate: SecurityGate;
  /** From the planned scope to the signed response: every grant and cookie renewal. */
  tail: TokenTail;
  /** OpenID Connect ID tokens of the authorization code grant (RS256 unless the client chose the configured algorithm). */
  idTokens: IdTokenIssuer;
  /** In-memory limits of every token request, per source address and per authenticated client. */
  tokenRateLimits: TokenRateLimits;
}

export function createOAuthServices(gatehouse: Gatehouse): OAuthServices {
  const issuer = new AccessTokenIssuer(gatehouse.config, gatehouse.keys);
  const assertions = new ClientAssertionVerifier(gatehouse.config, gatehouse.directory, new AssertionClaims(new UsedAssertionsRepository(gatehouse.store.db), gatehouse.logger));
  const gate = new SecurityGate(gatehouse.checks, gatehouse.profileDirectory, gatehouse.checkStates, () => gatehouse.config.maxTokenLifetime, gatehouse.logger);
  return {
    authenticator: new ClientAuthenticator(gatehouse.directory, gatehouse.digester, assertions, gatehouse.logger),
    verifier: new AccessTokenVerifier(gatehouse.config, gatehouse.keys, gatehouse.revocations, gatehouse.directory, gatehouse.userStatus),
    assertions,
    gate,
    tail: new TokenTail(gate, issuer, gatehouse.refreshTokens, gatehouse.audit, gatehouse.logger),
    idTokens: new IdTokenIssuer(gatehouse.config, gatehouse.keys),
    tokenRateLimits: new TokenRateLimits(gatehouse.config),
  };
}

/**
 * What each OAuth endpoint uses, from the Gatehouse and the OAuth services: metrics (a no-op when off) and
 * the Redis rate-limit store (undefined: counted in memory) are made before, and passed in.
 */
export function oauthEndpointServices(
  gatehouse: Gatehouse,
  services: OAuthServices,
  options: { metrics: TokenMetrics; rateLimitStore: SharedRateLimitStore | undefined; resourceScopes: () => readonly string[] },
): OAuthEndpointServices {
  const { config } = gatehouse;
  const grantServices = {
    config,
    gate: services.gate,
    tail: services.tail,
    signIn: gatehouse.passwordSignIn,
    refreshTokens: gatehouse.refreshTokens,
    users: gatehouse.usersRepository,
    assertions: services.assertions,
    availability: gatehouse.availability,
    appTokenAudience: () => `${config.issuer}${APP_TOKEN_PATH}`,
    codes: gatehouse.signInStores.codes,
    digester: gatehouse.digester,
    idTokens: services.idTokens,
  };
  const { authenticator, verifier, tokenRateLimits: limits } = services;
  return {
    metadata: { config, profileDirectory: gatehouse.profileDirectory },
    jwks: { config, keys: gatehouse.keys },
    registration: {
      config,
      initialAccessTokens: gatehouse.initialAccessTokens,
      profiles: gatehouse.profiles,
      clients: gatehouse.clients,
      attempts: gatehouse.attempts,
      audit: gatehouse.audit,
      rateLimitStore: options.rateLimitStore,
    },
    token: { authenticator, grants: tokenEndpointGrants(grantServices), limits, metrics: options.metrics },
    introspection: { config, authenticator, verifier, refreshTokens: gatehouse.refreshTokens, users: gatehouse.usersRepository },
    revocation: { config, authenticator, verifier, refreshTokens: gatehouse.refreshTokens, revocations: gatehouse.revocations },
    appToken: {
      authenticator,
      grant: applicationTokenGrant(grantServices),
      limits,
      metrics: options.metrics,
      setTokenCookie: (reply: FastifyReply, token: string, maxAgeSeconds: number) => setTokenCookie(reply, gatehouse.tokenDelivery.current(), config.issuer, token, maxAgeSeconds),
    },
    par: {
      config,
      authenticator,
      client: (clientId: string) => gatehouse.directory.get(clientId),
      pushedRequests: gatehouse.signInStores.pushedRequests,
      digester: gatehouse.digester,
      limits,
    },
    userinfo: { config, verifier, users: gatehouse.usersRepository },
    audit: gatehouse.audit,
    resourceScopes: options.resourceScopes,
  };
}

/** What cookie renewal uses. */
export function cookieRenewalServices(gatehouse: Gatehouse, services: OAuthServices): CookieRenewalServices {
  return { config: gatehouse.config, directory: gatehouse.directory, gate: services.gate, tail: services.tail, tokenDelivery: gatehouse.tokenDelivery };
}
