import type { FastifyInstance } from 'fastify';
import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import { noStore, refuseOtherMethods } from './oauth-replies.js';
import type { UsersStore } from '../../users/users-store.js';
import type { AccessTokenVerifier } from '../access-token-verifier.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { FormParams } from '../form-params.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { INTROSPECTION_PATH } from './paths.js';
import { addressLimit } from './token-rate-limits.js';

/** What the introspection endpoint uses. */
export interface IntrospectionEndpointServices {
  config: Pick<GatehouseConfig, 'issuer' | 'introspectionRateLimitPerAddress' | 'tokenRateLimitWindow'>;
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  verifier: Pick<AccessTokenVerifier, 'verify'>;
  refreshTokens: Pick<RefreshTokens, 'find'>;
  users: Pick<UsersStore, 'get'>;
}

/** JWT access tokens have three dot-separated parts; refresh tokens are opaque without dots. */
export function looksLikeJwt(token: string): boolean {
  return token.includes('.');
}

/** RFC 7662 token introspection, for authenticated clients. */
export function registerIntrospectionEndpoint(app: FastifyInstance, services: IntrospectionEndpointServices): void {
  refuseOtherMethods(app, INTROSPECTION_PATH);

  async function introspectRefreshToken(token: string, caller: Client) {
    const stored = await services.refreshTokens.find(token);
    const now = Date.now();
    // A refresh token is confidential to its client: others learn nothing about it.
    if (!stored || stored.clientId !== caller.clientId || stored.usedAt !== null || stored.revokedAt !== null || stored.expiresAt <= now) {
      return { active: false };
    }
    const user = await services.users.get(stored.userId);
    if (!user?.enabled) return { active: false };
    return {
      active: true,
      scope: stored.scopes.join(' '),
      client_id: stored.clientId,
      sub: stored.userId,
      username: user.username,
      exp: Math.floor(stored.expiresAt / 1000),
      iat: Math.floor(stored.createdAt / 1000),
      iss: services.config.issuer,
      token_type: 'refresh_token',
    };
  }

  const { config } = services;
  const limitAddress = addressLimit('introspection requests', () => ({ max: config.introspectionRateLimitPerAddress, windowMs: config.tokenRateLimitWindow * 1000 }));
  app.post(INTROSPECTION_PATH, { onRequest: limitAddress }, async (request, reply) => {
    noStore(reply);
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    const { client } = await services.authenticator.authenticate(request.headers, params);
    const token = params.require('token');
    if (!looksLikeJwt(token)) return introspectRefreshToken(token, client);
    const result = await services.verifier.verify(token);
    if (!result.active) return { active: false };
    const { claims } = result;
    return {
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      username: claims.username,
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      iss: claims.iss,
      aud: claims.aud,
      token_type: 'Bearer',
      jti: claims.jti,
    };
  });
}
