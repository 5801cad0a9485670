import type { ClientAuthenticator } from './client-authentication.js';
import type { AuthorizationServerMetadata } from './discovery.js';
import { ChallengeRoundsExceededError, GatehouseOAuthError, GatehouseResponseError, MissingChallengeHandlerError, SecurityCheckFailedError } from './errors.js';

/** What a challenge handler learns besides the challenge itself. */
export interface ChallengeContext {
  /** The security check's name, e.g. `PinCode`. */
  check: string;
  /** The (normalised) scope being requested. */
  scope: string;
  /** 1 for the first answer in this token request, 2 for the next, ... */
  round: number;
}

/** Answers one security check's challenge; the answer must be JSON-serialisable. */
export type ChallengeHandler<Challenge = unknown, Answer = unknown> = (challenge: Challenge, context: ChallengeContext) => Answer | Promise<Answer>;

/** A successful RFC 6749 §5.1 token response. */
export interface TokenEndpointResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  refresh_token?: string;
}

interface ErrorBody {
  error?: unknown;
  error_description?: unknown;
  challenges?: unknown;
  check?: unknown;
  blocked_until?: unknown;
}

export interface TokenEndpointDependencies {
  metadata: () => Promise<AuthorizationServerMetadata>;
  authenticator: ClientAuthenticator;
  fetch: typeof fetch;
  challengeHandler: (check: string) => ChallengeHandler | undefined;
  /** How many rounds of answers one token request may take before giving up. */
  maxChallengeRounds: number;
}

/**
 * Requests tokens from the token endpoint and runs Gatehouse's challenge flow: an answer
 * `400 {"error": "challenge_required", "challenges": {"PinCode": {...}}}` makes it call each check's
 * handler and repeat the request with `challenge_response` = `{"PinCode": answer, ...}`, until a token,
 * an error, or `maxChallengeRounds` answered rounds.
 */
export class TokenEndpoint {
  constructor(private readonly deps: TokenEndpointDependencies) {}

  async request(grant: Record<string, string>, scope: string): Promise<TokenEndpointResponse> {
    const { token_endpoint: endpoint } = await this.deps.metadata();
    let answers: Record<string, unknown> | undefined;
    for (let round = 0; ; round++) {
      const form = new URLSearchParams(grant);
      if (answers !== undefined) form.set('challenge_response', JSON.stringify(answers));
      const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
      // Inside the loop: a private_key_jwt assertion is single-use. `credentials: 'omit'`: no cookies, and no
      // browser login prompt for the `WWW-Authenticate: Basic` of a 401 invalid_client.
      await this.deps.authenticator.apply(endpoint, headers, form);
      const response = await this.deps.fetch(endpoint, { method: 'POST', headers, body: form.toString(), credentials: 'omit' });
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new GatehouseResponseError(`the token endpoint answered ${response.status} without JSON`, response.status);
      }
      if (response.ok) return tokenResponse(body, response.status);

      const error = (body ?? {}) as ErrorBody;
      const description = typeof error.error_description === 'string' ? error.error_description : undefined;
      const code = typeof error.error === 'string' ? error.error : `http_${response.status}`;
      if (code === 'challenge_required' && isObject(error.challenges)) {
        const challenges = error.challenges;
        const checks = Object.keys(challenges);
        if (round >= this.deps.maxChallengeRounds) throw new ChallengeRoundsExceededError(checks, round);
        answers = {};
        // One after the other: handlers often ask a person (one PIN prompt at a time).
        for (const check of checks) {
          const handler = this.deps.challengeHandler(check);
          if (!handler) throw new MissingChallengeHandlerError(check, challenges[check], description);
          answers[check] = await handler(challenges[check], { check, scope, round: round + 1 });
        }
        continue;
      }
      if (code === 'access_denied' && typeof error.check === 'string') {
        throw new SecurityCheckFailedError(error.check, description, blockedUntil(error.blocked_until));
      }
      throw new GatehouseOAuthError(code, description, response.status);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blockedUntil(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function tokenResponse(body: unknown, status: number): TokenEndpointResponse {
  if (!isObject(body) || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new GatehouseResponseError('the token endpoint answered without an access_token', status);
  }
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
    throw new GatehouseResponseError(`the token endpoint answered an unsupported token_type ${String(body.token_type)}`, status);
  }
  return {
    access_token: body.access_token,
    token_type: body.token_type,
    expires_in: typeof body.expires_in === 'number' && body.expires_in >= 0 ? body.expires_in : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    refresh_token: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined,
  };
}
