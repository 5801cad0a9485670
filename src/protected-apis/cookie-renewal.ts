import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { GatehouseConfig } from '../config/config.js';
import { setTokenCookie, type TokenCookieAttributes } from '../http/token-cookie.js';
import { RENEWAL_FACTS, type SecurityGate } from '../oauth/security-gate.js';
import type { TokenTail } from '../oauth/token-tail.js';
import { tokenRoles } from './caller-roles.js';

/** What cookie renewal uses. */
export interface CookieRenewalServices {
  config: Pick<GatehouseConfig, 'cookieRenewFraction' | 'issuer'>;
  directory: Pick<ClientDirectory, 'get'>;
  gate: Pick<SecurityGate, 'planRenewal'>;
  tail: Pick<TokenTail, 'finish'>;
  tokenDelivery: { current(): Readonly<TokenCookieAttributes> };
}

/**
 * onSend hook: a still-valid token that came in the cookie and is in the last part of its life
 * (`GATEHOUSE_COOKIE_RENEW_FRACTION`) is replaced by a fresh one for the same grant (client, subject,
 * scope). Invalid cookie tokens never reach here (the guard refused them); expired ones are never renewed.
 */
export function renewCookieTokens(services: CookieRenewalServices) {
  const { config, directory, gate, tail } = services;
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const caller = request.caller;
    if (!caller || request.tokenSource !== 'cookie' || reply.statusCode >= 400) return payload;
    const { iat, exp } = caller.claims;
    const now = Date.now() / 1000;
    // A token past its exp that the guard let through within its clock tolerance has expired: no renewal.
    if (exp <= now) return payload;
    if (exp - now > (exp - iat) * config.cookieRenewFraction) return payload;
    const client = directory.get(caller.clientId);
    if (!client) return payload;
    // Scopes behind security checks are renewed only at the token endpoint; the profile caps the lifetime.
    const planned = gate.planRenewal(client, caller.scope);
    if (planned === undefined) return payload;
    // The same scope as the token's (the plan keeps it whole), for the same subject; not recorded as a new grant.
    const { issued } = await tail.finish({
      planned: { ...planned, scopes: [...caller.scope] },
      facts: RENEWAL_FACTS,
      answer: undefined,
      resources: [],
      // A user token keeps its username and the roles it carried, if any (the user registry is not read here).
      holder: {
        subject: caller.sub,
        ...(typeof caller.claims.username === 'string' ? { username: caller.claims.username } : {}),
        ...(typeof caller.claims.username === 'string' && caller.claims.roles !== undefined ? { roles: tokenRoles(caller.claims) } : {}),
      },
      audited: false,
    });
    setTokenCookie(reply, services.tokenDelivery.current(), config.issuer, issued.accessToken, issued.expiresIn);
    return payload;
  };
}
