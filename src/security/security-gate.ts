import type { Logger } from 'pino';
import { accessTokenLifetime } from '../oauth/access-token-issuer.js';
import { OAuthError, invalidRequest } from '../oauth/oauth-error.js';
import { parseScopeParameter } from '../shared/scope.js';
import type { Client } from '../clients/client.js';
import type { CheckStatesRepository, StoredCheckState } from '../store/check-states-repository.js';
import type { CheckRegistry } from './check-registry.js';
import type { ProfileDirectory } from './profile-directory.js';
import { planScope, tokenLifetime } from './scope-plan.js';
import type { CheckClient, CheckOutcome, CheckRequest, CheckState, SecurityCheck } from './security-check.js';
import { TooManyAttempts } from '../users/attempt-limiter.js';
import { passwordAttemptsRefused } from '../oauth/password-attempts-refused.js';
import { isRecord } from '../shared/is-record.js';

/** What the token endpoint knows about a request, for the security checks. */
export type TokenRequestFacts = Omit<CheckRequest, 'requestedScope'>;

/** What a grant asks the gate about: the scope parameter (or an explicit list) and the request around it. */
export interface ScopeRequest {
  client: Client;
  /** The scope parameter as sent (undefined: absent, meaning every allowed element), or the elements themselves. */
  scope: string | readonly string[] | undefined;
  /** Elements the client may have without a check. */
  allowed: readonly string[];
  request: Omit<CheckRequest, 'requestedScope'>;
  /** The `challenge_response` parameter: a JSON object {"CheckName": answer}. */
  challengeResponse: string | undefined;
  /** Drop elements the client may no longer have instead of refusing the request (a refresh keeps what it still may). */
  dropRefused?: boolean;
}

/** A scope request that passed planning: what the token will carry and which checks must pass first. */
export interface PlannedScope {
  scopes: string[];
  /** expires_in of the token. */
  lifetime: number;
  checks: SecurityCheck[];
  source: ScopeRequest;
}

const MAX_CONFLICT_RETRIES = 3;

function isOutcome(value: unknown): value is CheckOutcome {
  if (!isRecord(value)) return false;
  if (value.kind === 'success') return value.lifetime === undefined || (Number.isInteger(value.lifetime) && (value.lifetime as number) > 0);
  if (value.kind === 'challenge') return isRecord(value.challenge);
  if (value.kind === 'failure') return typeof value.reason === 'string' && (value.blockedUntil === undefined || Number.isFinite(value.blockedUntil));
  return false;
}

function checkClientOf(client: Client): CheckClient {
  return { clientId: client.clientId, clientName: client.clientName, scopes: [...client.scopes], profile: client.profile };
}

/**
 * Decides a token request's scope and lifetime: maps scope elements to security checks (profile mapping, else the
 * check of the same name, else the client's allowed scopes), runs the checks with their stored per-client state,
 * and answers pending checks with `challenge_required` and failed ones with `access_denied`.
 */
export class SecurityGate {
  constructor(
    private readonly checks: CheckRegistry,
    private readonly profiles: ProfileDirectory,
    private readonly states: CheckStatesRepository,
    private readonly serverMaxLifetime: () => number,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  /** Checks the scope against the client and its profile (no I/O); throws invalid_scope. */
  plan(source: ScopeRequest): PlannedScope {
    const { client } = source;
    let requested: readonly string[];
    if (source.scope === undefined) requested = source.allowed;
    else if (typeof source.scope === 'string') {
      const parsed = parseScopeParameter(source.scope);
      if (parsed === null) throw new OAuthError(400, 'invalid_scope', 'the scope parameter is malformed');
      requested = parsed;
    } else requested = source.scope;
    const profile = client.profile === null ? undefined : this.profiles.get(client.profile);
    const plan = planScope({ requested, allowed: source.allowed, profile, checkNames: this.checks.names() });
    if (plan.refused.length > 0 && !source.dropRefused) throw new OAuthError(400, 'invalid_scope', `scope not allowed for this client: ${plan.refused.join(' ')}`);
    const checks = plan.checks.map((name) => {
      const check = this.checks.get(name);
      if (!check) {
        // A profile that names a check this server no longer has: refuse rather than skip it.
        this.logger.warn({ clientId: client.clientId, check: name }, 'a profile maps a scope element to an unknown security check');
        throw new OAuthError(400, 'access_denied', `the security check ${name} is not available on this server`);
      }
      return check;
    });
    const lifetime = tokenLifetime({
      clientLifetime: accessTokenLifetime(client, this.serverMaxLifetime()),
      profile,
      checkLifetimes: checks.map((check) => check.successLifetime),
    });
    return { scopes: plan.tokenScope, lifetime, checks, source: { ...source, scope: requested } };
  }

  /**
   * The lifetime of a renewed token (cookie renewal) for this scope, or undefined when it must not be renewed:
   * a scope that needs security checks is renewed only through the token endpoint, where the checks run.
   */
  renewalLifetime(client: Client, scopes: readonly string[]): number | undefined {
    try {
      const planned = this.plan({
        client,
        scope: scopes,
        allowed: client.scopes,
        request: { sourceAddress: '', grantType: 'renewal', clientAuthMethod: 'none', keyProven: false, headers: {} },
        challengeResponse: undefined,
        dropRefused: true,
      });
      return planned.checks.length === 0 && planned.scopes.length === scopes.length ? planned.lifetime : undefined;
    } catch {
      return undefined;
    }
  }

  /** Runs the planned checks; resolves when all have succeeded, else throws challenge_required or access_denied. */
  async enforce(planned: PlannedScope): Promise<void> {
    if (planned.checks.length === 0) return;
    const { client, request } = planned.source;
    const answers = parseChallengeResponse(planned.source.challengeResponse);
    const remembered = planned.checks.filter((check) => !check.everyRequest).map((check) => check.name);
    const states = await this.states.load(client.clientId, remembered);
    const checkRequest: CheckRequest = { ...request, requestedScope: [...(planned.source.scope as readonly string[])] };
    const challenges: Record<string, Record<string, unknown>> = {};
    for (const check of planned.checks) {
      const answer = Object.hasOwn(answers, check.name) ? answers[check.name] : undefined;
      const result = await this.evaluate(check, client, checkRequest, answer, states.get(check.name));
      if (result.kind === 'passed') continue;
      if (result.kind === 'challenge') {
        if (answer !== undefined) this.logger.info({ clientId: client.clientId, clientName: client.clientName, check: check.name }, 'security check answer refused');
        challenges[check.name] = result.challenge;
        continue;
      }
      this.logger.info({ clientId: client.clientId, clientName: client.clientName, check: check.name, reason: result.reason, blockedUntil: result.blockedUntil }, 'security check refused');
      throw new OAuthError(400, 'access_denied', result.reason, {}, {
        check: check.name,
        ...(result.blockedUntil === undefined ? {} : { blocked_until: new Date(result.blockedUntil).toISOString() }),
      });
    }
    const pending = Object.keys(challenges);
    if (pending.length > 0) {
      throw new OAuthError(400, 'challenge_required', `answer the challenges of ${pending.join(', ')} in challenge_response`, {}, { challenges });
    }
  }

  private async evaluate(
    check: SecurityCheck,
    client: Client,
    request: CheckRequest,
    answer: unknown,
    initial: StoredCheckState | undefined,
  ): Promise<{ kind: 'passed' } | { kind: 'challenge'; challenge: Record<string, unknown> } | { kind: 'failure'; reason: string; blockedUntil?: number }> {
    let stored = initial ?? fresh(check.name);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const now = Date.now();
      if (!check.everyRequest && stored.passedUntil !== null && stored.passedUntil > now) return { kind: 'passed' };
      if (stored.blockedUntil !== null && stored.blockedUntil > now) {
        return { kind: 'failure', reason: `the ${check.name} check is blocked after too many failed attempts`, blockedUntil: stored.blockedUntil };
      }
      const state: CheckState = { passedUntil: stored.passedUntil, failedAttempts: stored.failedAttempts, blockedUntil: null };
      const outcome = await this.run(check, { client: checkClientOf(client), request, answer, state, now });
      if (check.everyRequest) return outcome.kind === 'success' ? { kind: 'passed' } : outcome;
      const next: StoredCheckState = { ...stored };
      if (outcome.kind === 'success') {
        Object.assign(next, { passedUntil: now + (outcome.lifetime ?? check.successLifetime) * 1000, failedAttempts: 0, blockedUntil: null });
      } else if (outcome.kind === 'failure' && outcome.blockedUntil !== undefined) {
        // A block starts a fresh count of attempts for when it ends.
        Object.assign(next, { failedAttempts: 0, blockedUntil: outcome.blockedUntil });
      } else {
        Object.assign(next, { failedAttempts: Math.max(0, Math.trunc(state.failedAttempts)) || 0, blockedUntil: stored.blockedUntil });
      }
      const changed = next.passedUntil !== stored.passedUntil || next.failedAttempts !== stored.failedAttempts || next.blockedUntil !== stored.blockedUntil;
      if (!changed || (await this.states.save(client.clientId, next, now))) return outcome.kind === 'success' ? { kind: 'passed' } : outcome;
      // Another request (here or on another instance) wrote this state since it was read: read it again.
      stored = (await this.states.load(client.clientId, [check.name])).get(check.name) ?? fresh(check.name);
    }
    throw new OAuthError(503, 'temporarily_unavailable', `concurrent answers to the ${check.name} check; try again`, { 'Retry-After': '1' });
  }

  /** Evaluates a check; a check that throws or answers nonsense fails closed (a refused password attempt answers 429). */
  private async run(check: SecurityCheck, context: Parameters<SecurityCheck['evaluate']>[0]): Promise<CheckOutcome> {
    try {
      const outcome: unknown = await check.evaluate(context);
      if (isOutcome(outcome)) return outcome;
      this.logger.error({ check: check.name }, 'security check returned something other than success, challenge or failure');
    } catch (error) {
      // A password check over its limits (UserLogin): answered like the password grant's, with 429.
      if (error instanceof TooManyAttempts) throw passwordAttemptsRefused(error);
      this.logger.error({ check: check.name, err: error }, 'security check threw');
    }
    return { kind: 'failure', reason: `the ${check.name} check could not be evaluated` };
  }
}

function fresh(checkName: string): StoredCheckState {
  return { checkName, passedUntil: null, failedAttempts: 0, blockedUntil: null, version: null };
}

/** `challenge_response`: a JSON object {"CheckName": answer, ...}. */
export function parseChallengeResponse(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidRequest('challenge_response must be a JSON object mapping check names to answers');
  }
  if (!isRecord(parsed)) throw invalidRequest('challenge_response must be a JSON object mapping check names to answers');
  return parsed;
}
