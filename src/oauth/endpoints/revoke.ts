import type { FastifyInstance } from 'fastify';
import { clientLogFields } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import { noStore, refuseOtherMethods } from './oauth-replies.js';
import type { AccessTokenVerifier } from '../access-token-verifier.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import type { RevocationList } from '../revocation-list.js';
import { looksLikeJwt } from './introspect.js';
import { REVOCATION_PATH } from './paths.js';
import { addressLimit } from './token-rate-limits.js';

/** What the revocation endpoint uses. */
export interface RevocationEndpointServices {
  config: Pick<GatehouseConfig, 'revocationRateLimitPerAddress' | 'tokenRateLimitWindow'>;
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  verifier: Pick<AccessTokenVerifier, 'verify'>;
  refreshTokens: Pick<RefreshTokens, 'find' | 'revokeFamily'>;
  revocations: Pick<RevocationList, 'revoke'>;
}

const NOT_YOURS = () => new OAuthError(400, 'unauthorized_client', 'the token was not issued to this client');

/**
 * RFC 7009 token revocation: a client revokes its own tokens; unknown or invalid tokens answer 200.
 * A refresh token revokes its whole family.
 */
export function registerRevocationEndpoint(app: FastifyInstance, services: RevocationEndpointServices): void {
  refuseOtherMethods(app, REVOCATION_PATH);
  const { config } = services;
  const limitAddress = addressLimit('revocation requests', () => ({ max: config.revocationRateLimitPerAddress, windowMs: config.tokenRateLimitWindow * 1000 }));
  app.post(REVOCATION_PATH, { onRequest: limitAddress }, async (request, reply) => {
    noStore(reply);
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    const { client } = await services.authenticator.authenticate(request.headers, params, { allowPublic: true });
    const token = params.require('token');
    if (!looksLikeJwt(token)) {
      const stored = await services.refreshTokens.find(token);
      if (stored) {
        if (stored.clientId !== client.clientId) throw NOT_YOURS();
        await services.refreshTokens.revokeFamily(stored);
        request.log.info({ ...clientLogFields(client), familyId: stored.familyId }, 'refresh token family revoked');
      }
      return reply.status(200).send();
    }
    const result = await services.verifier.verify(token);
    if (result.active) {
      if (result.claims.client_id !== client.clientId) throw NOT_YOURS();
      await services.revocations.revoke({ jti: result.claims.jti, clientId: client.clientId, expiresAt: result.claims.exp * 1000 });
      request.log.info({ ...clientLogFields(client), jti: result.claims.jti }, 'access token revoked');
    }
    return reply.status(200).send();
  });
}
