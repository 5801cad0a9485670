import type { FastifyInstance } from 'fastify';
import { clientLogFields } from '../../clients/client.js';
import type { Gatehouse } from '../../gatehouse.js';
import { FormParams } from '../form-params.js';
import type { OAuthServices } from '../../server/oauth-services.js';
import { OAuthError } from '../oauth-error.js';
import { looksLikeJwt } from './introspect.js';
import { noStore, refuseOtherMethods } from './oauth-endpoints.js';
import { addressLimit } from './token-rate-limits.js';

export const REVOCATION_PATH = '/oauth/revoke';

const NOT_YOURS = () => new OAuthError(400, 'unauthorized_client', 'the token was not issued to this client');

/**
 * RFC 7009 token revocation: a client revokes its own tokens; unknown or invalid tokens answer 200.
 * A refresh token revokes its whole family.
 */
export function registerRevocationEndpoint(app: FastifyInstance, services: OAuthServices, gatehouse: Gatehouse): void {
  refuseOtherMethods(app, REVOCATION_PATH);
  const { config } = gatehouse;
  const limitAddress = addressLimit('revocation requests', () => ({ max: config.revocationRateLimitPerAddress, windowMs: config.tokenRateLimitWindow * 1000 }));
  app.post(REVOCATION_PATH, { onRequest: limitAddress }, async (request, reply) => {
    noStore(reply);
    const params = FormParams.fromRequest(request.headers['content-type'], request.body);
    const { client } = await services.authenticator.authenticate(request.headers, params);
    const token = params.require('token');
    if (!looksLikeJwt(token)) {
      const stored = await gatehouse.refreshTokens.find(token);
      if (stored) {
        if (stored.clientId !== client.clientId) throw NOT_YOURS();
        await gatehouse.refreshTokens.revokeFamily(stored);
        request.log.info({ ...clientLogFields(client), familyId: stored.familyId }, 'refresh token family revoked');
      }
      return reply.status(200).send();
    }
    const result = await services.verifier.verify(token);
    if (result.active) {
      if (result.claims.client_id !== client.clientId) throw NOT_YOURS();
      await gatehouse.revocations.revoke({ jti: result.claims.jti, clientId: client.clientId, expiresAt: result.claims.exp * 1000 });
      request.log.info({ ...clientLogFields(client), jti: result.claims.jti }, 'access token revoked');
    }
    return reply.status(200).send();
  });
}
