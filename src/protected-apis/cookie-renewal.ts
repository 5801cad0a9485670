import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gatehouse } from '../gatehouse.js';
import type { AccessTokenIssuer } from '../oauth/access-token-issuer.js';
import { setTokenCookie } from '../oauth/endpoints/app-token.js';
import type { SecurityGate } from '../oauth/security-gate.js';

/**
 * onSend hook: a still-valid token that came in the cookie and is in the last part of its life
 * (`GATEHOUSE_COOKIE_RENEW_FRACTION`) is replaced by a fresh one for the same grant (client, subject,
 * scope). Invalid cookie tokens never reach here (the guard refused them); expired ones are never renewed.
 */
export function renewCookieTokens(gatehouse: Gatehouse, issuer: AccessTokenIssuer, gate: SecurityGate) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const caller = request.caller;
    if (!caller || request.tokenSource !== 'cookie' || reply.statusCode >= 400) return payload;
    const { iat, exp } = caller.claims;
    const now = Date.now() / 1000;
    // A token past its exp that the guard let through within its clock tolerance has expired: no renewal.
    if (exp <= now) return payload;
    if (exp - now > (exp - iat) * gatehouse.config.cookieRenewFraction) return payload;
    const client = gatehouse.directory.get(caller.clientId);
    if (!client) return payload;
    // Scopes behind security checks are renewed only at the token endpoint; the profile caps the lifetime.
    const lifetime = gate.renewalLifetime(client, caller.scope);
    if (lifetime === undefined) return payload;
    const issued = await issuer.issue({
      client,
      lifetime,
      subject: caller.sub,
      scopes: caller.scope,
      resources: [],
      ...(typeof caller.claims.username === 'string' ? { extraClaims: { username: caller.claims.username } } : {}),
    });
    setTokenCookie(reply, gatehouse, issued.accessToken, issued.expiresIn);
    return payload;
  };
}
