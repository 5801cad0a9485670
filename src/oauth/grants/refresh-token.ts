import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { UsersRepository } from '../../store/users-repository.js';
import type { User } from '../../users/user.js';
import type { AccessTokenIssuer } from '../access-token-issuer.js';
import type { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { parseScopeParameter } from '../../shared/scope.js';
import type { TokenResponse } from './token-response.js';
import type { PlannedScope, SecurityGate, TokenRequestFacts } from '../security-gate.js';
import { userTokenResponse } from './user-token-response.js';
import { requestedResources } from './client-credentials.js';

const REFUSALS: Record<string, string> = {
  unknown: 'the refresh token is not valid',
  other_client: 'the refresh token is not valid',
  expired: 'the refresh token has expired',
  revoked: 'the refresh token has been revoked',
  reused: 'the refresh token was already used; its whole grant is revoked',
};

/**
 * RFC 8707 §2.2: the resources of a refreshed access token. A refresh may name some of its grant's
 * resources (a narrower audience), never others; without any, the token is for all of the grant's. Each
 * must still be registered: a resource the server no longer serves is refused, not dropped, since dropping
 * the last one would make the issuer the audience, which the grant never had.
 */
export function refreshedResources(requested: string[], granted: string[], registered: string[]): string[] {
  const outside = requested.filter((resource) => !granted.includes(resource));
  if (outside.length > 0) throw new OAuthError(400, 'invalid_target', `the resource '${String(outside[0])}' was not granted with this refresh token`);
  return requestedResources(requested.length > 0 ? requested : granted, registered);
}

/** RFC 6749 §6 with rotation: every refresh returns a new refresh token and retires the old one. */
export class RefreshTokenGrant {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly refreshTokens: RefreshTokens,
    private readonly users: UsersRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly gate: SecurityGate,
  ) {}

  async handle(client: Client, params: FormParams, facts: TokenRequestFacts): Promise<TokenResponse> {
    if (!client.refreshTokens) throw new OAuthError(400, 'unauthorized_client', 'refresh tokens are off for this client');
    const token = params.require('refresh_token');
    const requested = params.get('scope');
    let narrowed: string[] | undefined;
    if (requested !== undefined) {
      narrowed = parseScopeParameter(requested) ?? undefined;
      if (narrowed === undefined) throw new OAuthError(400, 'invalid_scope', 'the scope parameter is malformed');
    }
    const stored = await this.refreshTokens.find(token);
    let user: User | undefined;
    let planned: PlannedScope | undefined;
    let resources: string[] = [];
    // Another client's token is answered like an unknown one (by rotate below): nothing about it leaks.
    if (stored && stored.clientId === client.clientId) {
      const wider = (narrowed ?? []).filter((element) => !stored.scopes.includes(element));
      if (wider.length > 0) throw new OAuthError(400, 'invalid_scope', `a refresh cannot widen the scope: ${wider.join(' ')}`);
      resources = refreshedResources(params.all('resource'), stored.resources, this.config.resources);
      user = await this.users.get(stored.userId);
      if (!user?.enabled) {
        await this.refreshTokens.revokeFamily(stored);
        throw new OAuthError(400, 'invalid_grant', 'the user of this grant is disabled or gone');
      }
      // The access token gets the narrowed scope, or the grant's; elements the client may no longer have
      // (neither allowed nor mapped to a check) are dropped. Security checks run before the refresh token is used up.
      planned = this.gate.plan({
        client,
        scope: narrowed ?? stored.scopes,
        allowed: client.scopes,
        request: facts,
        challengeResponse: params.get('challenge_response'),
        dropRefused: true,
      });
      await this.gate.enforce(planned);
    }
    const outcome = await this.refreshTokens.rotate(stored, client);
    if (!outcome.ok) throw new OAuthError(400, 'invalid_grant', REFUSALS[outcome.reason] ?? 'the refresh token is not valid');
    // A successful rotation means the token was this client's, so its user was read and checked above.
    if (!user || !planned) throw new OAuthError(400, 'invalid_grant', 'the user of this grant is disabled or gone');
    // The new refresh token keeps the grant's scope (RFC 6749 §6) and resources (rotate copies both).
    return userTokenResponse({
      client,
      user,
      scopes: planned.scopes,
      lifetime: planned.lifetime,
      resources,
      issuer: this.issuer,
      refreshTokens: this.refreshTokens,
      refreshToken: { token: outcome.refreshToken, familyId: outcome.previous.familyId },
    });
  }
}
