import type { GatehouseConfig } from '../../config/config.js';
import type { UsersStore } from '../../users/users-store.js';
import { parseScopeParameter } from '../../shared/scope.js';
import { OAuthError } from '../oauth-error.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { refreshedResources, servedResources } from '../resource-indicators.js';
import type { SecurityGate } from '../security-gate.js';
import { userHolder, type TokenTail } from '../token-tail.js';
import { browserCheckStateKey } from '../../sign-in/check-state-key.js';
import { requiredClient, type ClientAuthentication, type GrantHandle } from './grant.js';

const REFUSALS: Record<string, string> = {
  unknown: 'the refresh token is not valid',
  other_client: 'the refresh token is not valid',
  expired: 'the refresh token has expired',
  revoked: 'the refresh token has been revoked',
  reused: 'the refresh token was already used; its whole grant is revoked',
};

const USER_GONE = 'the user of this grant is disabled or gone';

/** RFC 6749 §6 with rotation: every refresh returns a new refresh token and retires the old one. */
export const grantType = 'refresh_token';
export const clientAuthentication: ClientAuthentication = 'required';

export function handler(services: {
  config: Pick<GatehouseConfig, 'issuer' | 'resources'>;
  gate: Pick<SecurityGate, 'plan'>;
  tail: Pick<TokenTail, 'finish'>;
  refreshTokens: Pick<RefreshTokens, 'find' | 'rotate' | 'revokeFamily'>;
  users: Pick<UsersStore, 'get'>;
}): GrantHandle {
  const { config, gate, tail, refreshTokens, users } = services;
  return async (authenticated, params, facts) => {
    const client = requiredClient(authenticated);
    if (!client.refreshTokens) throw new OAuthError(400, 'unauthorized_client', 'refresh tokens are off for this client');
    const token = params.require('refresh_token');
    const requested = params.get('scope');
    let narrowed: string[] | undefined;
    if (requested !== undefined) {
      narrowed = parseScopeParameter(requested) ?? undefined;
      if (narrowed === undefined) throw new OAuthError(400, 'invalid_scope', 'the scope parameter is malformed');
    }
    const stored = await refreshTokens.find(token);
    // Another client's token is answered like an unknown one (by rotate): nothing about it leaks.
    if (!stored || stored.clientId !== client.clientId) {
      const outcome = await refreshTokens.rotate(stored, client);
      throw new OAuthError(400, 'invalid_grant', outcome.ok ? USER_GONE : (REFUSALS[outcome.reason] ?? 'the refresh token is not valid'));
    }
    const wider = (narrowed ?? []).filter((element) => !stored.scopes.includes(element));
    if (wider.length > 0) throw new OAuthError(400, 'invalid_scope', `a refresh cannot widen the scope: ${wider.join(' ')}`);
    const resources = refreshedResources(params.all('resource'), stored.resources, servedResources(config));
    const user = await users.get(stored.userId);
    if (!user?.enabled) {
      await refreshTokens.revokeFamily(stored);
      throw new OAuthError(400, 'invalid_grant', USER_GONE);
    }
    // The access token gets the narrowed scope, or the grant's; elements the client may no longer have
    // (neither allowed nor mapped to a check) are dropped. Security checks run before the refresh token is used up.
    const planned = gate.plan(client, narrowed ?? stored.scopes, client.scopes, { dropRefused: true });
    // The new refresh token keeps the grant's scope (RFC 6749 §6) and resources (rotate copies both).
    return tail.finish({
      planned,
      facts,
      answer: params.get('challenge_response'),
      resources,
      holder: userHolder(user),
      // A client that signs people in through the browser keeps their check successes per person (as the pages did).
      ...(client.grantTypes.includes('authorization_code') ? { checkStateKey: browserCheckStateKey(client.clientId, user.id) } : {}),
      refreshToken: async () => {
        const outcome = await refreshTokens.rotate(stored, client);
        if (!outcome.ok) throw new OAuthError(400, 'invalid_grant', REFUSALS[outcome.reason] ?? 'the refresh token is not valid');
        return { token: outcome.refreshToken, familyId: outcome.previous.familyId };
      },
    });
  };
}
