import type { Logger } from 'pino';
import { recordIssuedToken } from '../audit/issued-tokens.js';
import type { AuditLog } from '../audit/audit-log.js';
import { OFFLINE_ACCESS } from '../clients/client.js';
import { ROLES_CLAIM, type User } from '../users/user.js';
import { carriesRoles } from './user-claims.js';
import type { Client } from '../clients/client.js';
import { GRANT_ID_CLAIM, type AccessTokenIssuer } from './access-token-issuer.js';
import type { RefreshTokens } from './refresh-tokens.js';
import { lifetimeWithin, type PlannedScope, type SecurityGate, type TokenRequestFacts } from './security-gate.js';
import { tokenResponse, type IssuedResponse } from './token-response.js';

/** Whom an access token is for: its `sub`, and the username (and roles: carriesRoles) a user token carries. */
export interface TokenHolder {
  subject: string;
  username?: string;
  /** The user's roles; absent: unknown (a renewal of a token that carried none), and then never claimed. */
  roles?: readonly string[];
}

export const clientHolder = (client: Client): TokenHolder => ({ subject: client.clientId });
export const userHolder = (user: User): TokenHolder => ({ subject: user.id, username: user.username, roles: user.roles });

/** A refresh token already rotated, and the family (grant) it belongs to. */
export interface RotatedRefreshToken {
  token: string;
  familyId: string;
}

/** What a grant hands the tail once it has planned the scope and checked everything of its own. */
export interface TailRequest {
  planned: PlannedScope;
  /** The request, for the security checks and the audit event. */
  facts: TokenRequestFacts;
  /** The `challenge_response` parameter. */
  answer: string | undefined;
  /** RFC 8707 resources, already checked (resource-indicators.ts); empty: the issuer is the audience. */
  resources: string[];
  holder: TokenHolder;
  /**
   * 'start': a new refresh-token family when the client has refresh tokens on and the scope has
   * offline_access. A function: a rotation, run once the checks have passed and before the token is signed.
   */
  refreshToken?: 'start' | (() => Promise<RotatedRefreshToken>);
  /** The grant the tokens belong to (an authorization code's): its refresh-token family, and the access token's grant id. */
  grantId?: string;
  /** Whose security-check state the checks use: the client's by default, a person's for browser grants (sign-in/check-state-key.ts). */
  checkStateKey?: string;
  /** false: no `token.issued` audit event (cookie renewal). */
  audited?: boolean;
}

/**
 * The one path from a planned scope to a signed response, for every grant and for cookie renewal:
 * checks (the gate) -> refresh token rotation, if any -> issue (sign) -> response -> audit.
 * The lifetime is the planned one, cut to the end of the checks' current success; nothing after the signature decodes the token.
 */
export class TokenTail {
  constructor(
    private readonly gate: Pick<SecurityGate, 'enforce'>,
    private readonly issuer: Pick<AccessTokenIssuer, 'issue'>,
    private readonly refreshTokens: Pick<RefreshTokens, 'newFamilyId' | 'issue'>,
    private readonly audit: Pick<AuditLog, 'recordLater'>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async finish(request: TailRequest): Promise<IssuedResponse> {
    const { planned, holder, resources } = request;
    const { client, scopes } = planned;
    // Most clients need no check: skip the await (and its microtask) then.
    const enforced = planned.checks.length > 0 ? await this.gate.enforce(planned, request.facts, request.answer, request.checkStateKey) : {};
    // A token never outlives the checks that granted it: the end of their current success, not their full lifetime.
    const lifetime = lifetimeWithin(planned.lifetime, enforced.passedUntil, Date.now());
    const rotated = typeof request.refreshToken === 'function' ? await request.refreshToken() : undefined;
    const startsFamily = request.refreshToken === 'start' && client.refreshTokens && scopes.includes(OFFLINE_ACCESS);
    // The access token names its grant (refresh-token family), so that revoking the grant revokes it too.
    const familyId = rotated?.familyId ?? request.grantId ?? (startsFamily ? this.refreshTokens.newFamilyId() : undefined);
    const issued = await this.issuer.issue({ client, subject: holder.subject, scopes, resources, lifetime, extraClaims: claimsOf(holder, familyId, carriesRoles(scopes, client)) });
    const response = tokenResponse(issued, scopes);
    if (rotated !== undefined) response.refresh_token = rotated.token;
    else if (startsFamily && familyId !== undefined) response.refresh_token = await this.refreshTokens.issue(client, holder.subject, scopes, resources, familyId);
    if (request.audited !== false) {
      const { facts } = request;
      recordIssuedToken(
        this.audit,
        {
          clientId: issued.clientId,
          subject: issued.subject,
          jti: issued.jti,
          expiresAt: issued.expiresAt,
          scope: response.scope ?? null,
          grantType: facts.grantType,
          sourceAddress: facts.sourceAddress,
        },
        this.logger,
      );
    }
    return { response, issued };
  }
}

/**
 * The claims of a user token: its username, its roles when `withRoles` (the scope has `roles` or the client's
 * roles_claim switch is on: carriesRoles), and, from a grant with refresh tokens, the grant's family id. A client
 * token (no username) looks at nothing else.
 */
export function claimsOf(holder: TokenHolder, familyId: string | undefined, withRoles: boolean): Record<string, unknown> | undefined {
  if (holder.username === undefined) return familyId === undefined ? undefined : { [GRANT_ID_CLAIM]: familyId };
  const claims: Record<string, unknown> = { username: holder.username };
  // A holder without roles (a renewed cookie token that carried none) gets no claim rather than an empty list.
  if (withRoles && holder.roles !== undefined) claims[ROLES_CLAIM] = [...holder.roles];
  if (familyId !== undefined) claims[GRANT_ID_CLAIM] = familyId;
  return claims;
}
