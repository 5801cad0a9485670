import type { FastifyInstance } from 'fastify';
import { parseRevocationTarget, type TokenRevocation } from '../oauth/token-revocation.js';
import type { TokenRevocationJson } from './wire.js';

/**
 * `POST /admin/api/tokens/revoke` with `{jti}` | `{client_id}` | `{user_id}` (exactly one; a user by id or
 * username): revokes one access token, or every token of a client or of a user (their refresh tokens at once,
 * their access tokens on every instance within the change feed's delay).
 */
export function registerTokensApi(app: FastifyInstance, revocation: TokenRevocation): void {
  app.post('/tokens/revoke', async (request): Promise<TokenRevocationJson> => {
    const result = await revocation.revoke(parseRevocationTarget(request.body));
    request.log.info({ revoked: result.revoked }, 'tokens revoked by an administrator');
    return result;
  });
}
