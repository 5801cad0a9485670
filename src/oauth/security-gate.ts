import type { Logger } from 'pino';
import { OAuthError, invalidRequest } from './oauth-error.js';
import { parseScopeParameter } from '../shared/scope.js';
import type { Client } from '../clients/client.js';
import type { CheckStatesStore, StoredCheckState } from '../security/security-store.js';
import type { CheckRegistry } from '../security/check-registry.js';
import { nextCheckState, sameCheckState } from '../security/check-state.js';
import type { ProfileDirectory } from '../security/profile-directory.js';
import { defaultScopeOf, planScope, tokenLifetime } from '../security/scope-plan.js';
import type { CheckClient, CheckOutcome, CheckRequest, CheckState, SecurityCheck } from '../security/security-check.js';
import { TooManyAttempts } from '../users/attempt-limiter.js';
import { passwordAttemptsRefused } from './password-attempts-refused.js';
import { isRecord } from '../shared/is-record.js';

/** What the token endpoint knows about a request, for the security checks. */
export type TokenRequestFacts = Omit<CheckRequest, 'requestedScope'>;

/** A scope request that passed planning: what the token will carry, for how long, and which checks must pass first. */
export interface PlannedScope {
  client: Client;
  /** The elements asked for: the scope parameter parsed, or the allowed ones when it was absent. */
  requested: readonly string[];
  /** The elements the token carries. */
  scopes: string[];
  /** expires_in of the token, in seconds: computed here once, for every grant and for cookie renewal. */
  lifetime: number;
  checks: SecurityCheck[];
}

/** What `enforce` learned: the earliest end (epoch ms) of the current successes of the checks that ran, if any is remembered. */
export interface EnforcedChecks {
  passedUntil?: number;
}

/** The facts of a cookie renewal: no request of the client's own (its planned scope has no checks to run). */
export const RENEWAL_FACTS: TokenRequestFacts = { sourceAddress: '', grantType: 'renewal', clientAuthMethod: 'none', keyProven: false, headers: {} };

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

/** The lifetime that applies to a client's tokens: its own (0: none) capped by the server's maximum. */
export function accessTokenLifetime(client: Pick<Client, 'accessTokenLifetime'>, serverMaximum: number): number {
  return client.accessTokenLifetime === 0 ? serverMaximum : Math.min(client.accessTokenLifetime, serverMaximum);
}

/** `until`: epoch ms at which the success ends (undefined: a check run on every request, which caps nothing). */
type CheckResult = { kind: 'passed'; until?: number } | { kind: 'challenge'; challenge: Record<string, unknown> } | { kind: 'failure'; reason: string; blockedUntil?: number };

/** Where a browser sign-in stands with its checks: all passed, or the first that is not. */
export type PendingCheck =
  | { kind: 'passed'; passed: string[]; passedUntil?: number }
  | { kind: 'challenge'; check: SecurityCheck; challenge: Record<string, unknown> }
  | { kind: 'failure'; check: SecurityCheck; reason: string; blockedUntil?: number };

/**
 * Decides a token request's scope and lifetime: `plan` maps scope elements to security checks (profile mapping,
 * else the check of the same name, else the client's allowed scopes); `enforce` runs the checks with their stored
 * per-client state, and answers pending checks with `challenge_required` and failed ones with `access_denied`.
 */
export class SecurityGate {
  constructor(
    private readonly checks: CheckRegistry,
    private readonly profiles: ProfileDirectory,
    private readonly states: CheckStatesStore,
    private readonly serverMaxLifetime: () => number,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  /**
   * Checks a scope against the client and its profile (no I/O); throws invalid_scope. `scope` is the parameter as
   * sent (undefined: absent, meaning the default scope: defaultScopeOf) or the elements themselves; `allowed` the elements the
   * client may have without a check. `dropRefused`: leave out elements the client may no longer have instead of
   * refusing the request (a refresh keeps what it still may).
   */
  plan(client: Client, scope: string | readonly string[] | undefined, allowed: readonly string[], options: { dropRefused?: boolean } = {}): PlannedScope {
    const profile = client.profile === null ? undefined : this.profiles.get(client.profile);
    let requested: readonly string[];
    // No scope: the client's default scope, else its profile's ([]: none), else every allowed element.
    if (scope === undefined) requested = defaultScopeOf(client.defaultScope, profile, allowed);
    else if (typeof scope === 'string') {
      const parsed = parseScopeParameter(scope);
      if (parsed === null) throw new OAuthError(400, 'invalid_scope', 'the scope parameter is malformed');
      requested = parsed;
    } else requested = scope;
    const plan = planScope({ requested, allowed, profile, checkNames: this.checks.names() });
    if (plan.refused.length > 0 && options.dropRefused !== true) throw new OAuthError(400, 'invalid_scope', `scope not allowed for this client: ${plan.refused.join(' ')}`);
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
    return { client, requested, scopes: plan.tokenScope, lifetime, checks };
  }

  /**
   * The plan of a renewed token (cookie renewal) for this scope, or undefined when it must not be renewed:
   * a scope that needs security checks is renewed only through the token endpoint, where the checks run.
   */
  planRenewal(client: Client, scopes: readonly string[]): PlannedScope | undefined {
    try {
      const planned = this.plan(client, scopes, client.scopes, { dropRefused: true });
      return planned.checks.length === 0 && planned.scopes.length === scopes.length ? planned : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs the planned checks against the request's facts and its `challenge_response` (a JSON object
   * {"CheckName": answer}); resolves when all have succeeded, else throws challenge_required or access_denied.
   * The checks' state is the client's (`stateKey` by default its id), or a person's for browser grants.
   * Resolves with the earliest end of the checks' current successes (epoch ms; undefined when none is remembered):
   * a token must not outlive the checks that granted it.
   */
  async enforce(planned: PlannedScope, facts: TokenRequestFacts, answer: string | undefined, stateKey: string = planned.client.clientId): Promise<EnforcedChecks> {
    if (planned.checks.length === 0) return {};
    const { client } = planned;
    const answers = parseChallengeResponse(answer);
    const remembered = planned.checks.filter((check) => !check.everyRequest).map((check) => check.name);
    const states = await this.states.load(stateKey, remembered);
    const checkRequest: CheckRequest = { ...facts, requestedScope: [...planned.requested] };
    const challenges: Record<string, Record<string, unknown>> = {};
    let passedUntil: number | undefined;
    for (const check of planned.checks) {
      const checkAnswer = Object.hasOwn(answers, check.name) ? answers[check.name] : undefined;
      const result = await this.evaluate(check, client, checkRequest, checkAnswer, states.get(check.name), stateKey);
      if (result.kind === 'passed') {
        passedUntil = earliest(passedUntil, result.until);
        continue;
      }
      if (result.kind === 'challenge') {
        if (checkAnswer !== undefined) this.logger.info({ clientId: client.clientId, clientName: client.clientName, check: check.name }, 'security check answer refused');
        challenges[check.name] = result.challenge;
        continue;
      }
      this.logger.info({ clientId: client.clientId, clientName: client.clientName, check: check.name, reason: result.reason, blockedUntil: result.blockedUntil }, 'security check refused');
      throw new OAuthError(
        400,
        'access_denied',
        result.reason,
        {},
        {
          check: check.name,
          ...(result.blockedUntil === undefined ? {} : { blocked_until: new Date(result.blockedUntil).toISOString() }),
        },
      );
    }
    const pending = Object.keys(challenges);
    if (pending.length > 0) {
      throw new OAuthError(400, 'challenge_required', `answer the challenges of ${pending.join(', ')} in challenge_response`, {}, { challenges });
    }
    return passedUntil === undefined ? {} : { passedUntil };
  }

  /**
   * Browser sign-in: runs the planned checks in order, except those in `skip` (the session's sign-in proves
   * UserLogin), with their state kept per `stateKey` (a person and a client: one person's PIN success is never
   * another's, and wrong answers count across that person's browsers). `answer` goes to the check named
   * `answering` only. Stops at the first check that has not passed.
   */
  async firstPendingCheck(
    planned: PlannedScope,
    facts: TokenRequestFacts,
    options: { stateKey: string; skip: ReadonlySet<string>; answering?: string | undefined; answer?: unknown },
  ): Promise<PendingCheck> {
    const checks = planned.checks.filter((check) => !options.skip.has(check.name));
    const remembered = checks.filter((check) => !check.everyRequest).map((check) => check.name);
    const states = remembered.length === 0 ? new Map<string, StoredCheckState>() : await this.states.load(options.stateKey, remembered);
    const checkRequest: CheckRequest = { ...facts, requestedScope: [...planned.requested] };
    const passed: string[] = [];
    let passedUntil: number | undefined;
    for (const check of checks) {
      const answer = options.answering === check.name ? options.answer : undefined;
      const result = await this.evaluate(check, planned.client, checkRequest, answer, states.get(check.name), options.stateKey);
      if (result.kind === 'passed') {
        passed.push(check.name);
        passedUntil = earliest(passedUntil, result.until);
        continue;
      }
      if (result.kind === 'challenge') return { kind: 'challenge', check, challenge: result.challenge };
      this.logger.info({ clientId: planned.client.clientId, check: check.name, reason: result.reason }, 'security check refused a browser sign-in');
      return { kind: 'failure', check, reason: result.reason, ...(result.blockedUntil === undefined ? {} : { blockedUntil: result.blockedUntil }) };
    }
    return { kind: 'passed', passed, ...(passedUntil === undefined ? {} : { passedUntil }) };
  }

  /**
   * The earliest stored end of the current successes of the planned checks under `stateKey`, without running
   * them (undefined: none remembered). The authorization code grant: the checks ran in the browser when the code
   * was issued, and the token must not outlive them.
   */
  async checksPassedUntil(planned: PlannedScope, stateKey: string): Promise<number | undefined> {
    const remembered = planned.checks.filter((check) => !check.everyRequest).map((check) => check.name);
    if (remembered.length === 0) return undefined;
    const states = await this.states.load(stateKey, remembered);
    let passedUntil: number | undefined;
    for (const state of states.values()) passedUntil = earliest(passedUntil, state.passedUntil ?? undefined);
    return passedUntil;
  }

  /**
   * Records that a check passed until `passedUntil` under `stateKey`, unless a later success is stored: browser
   * sign-in's session proves UserLogin without running the check, and a refresh of that grant asks the same state.
   */
  async rememberSuccess(stateKey: string, checkName: string, passedUntil: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const stored = (await this.states.load(stateKey, [checkName])).get(checkName) ?? fresh(checkName);
      if (stored.passedUntil !== null && stored.passedUntil >= passedUntil) return;
      if (await this.states.save(stateKey, { ...stored, passedUntil, failedAttempts: 0 }, Date.now())) return;
    }
  }

  private async evaluate(check: SecurityCheck, client: Client, request: CheckRequest, answer: unknown, initial: StoredCheckState | undefined, stateKey: string): Promise<CheckResult> {
    let stored = initial ?? fresh(check.name);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const now = Date.now();
      if (!check.everyRequest && stored.passedUntil !== null && stored.passedUntil > now) return { kind: 'passed', until: stored.passedUntil };
      if (stored.blockedUntil !== null && stored.blockedUntil > now) {
        return { kind: 'failure', reason: `the ${check.name} check is blocked after too many failed attempts`, blockedUntil: stored.blockedUntil };
      }
      const state: CheckState = { passedUntil: stored.passedUntil, failedAttempts: stored.failedAttempts, blockedUntil: null };
      const outcome = await this.run(check, { client: checkClientOf(client), request, answer, state, now });
      const result = resultOf(outcome);
      if (check.everyRequest) return result;
      // A check reports a changed count in its outcome; one that changed its state argument instead is stored as it did.
      const reported = outcome.kind !== 'success' && typeof outcome.failedAttempts !== 'number' ? { ...outcome, failedAttempts: state.failedAttempts } : outcome;
      const next = nextCheckState(stored, reported, { now, successLifetime: check.successLifetime });
      if (sameCheckState(next, stored) || (await this.states.save(stateKey, next, now))) {
        return result.kind === 'passed' && next.passedUntil !== null ? { kind: 'passed', until: next.passedUntil } : result;
      }
      // Another request (here or on another instance) wrote this state since it was read: read it again.
      stored = (await this.states.load(stateKey, [check.name])).get(check.name) ?? fresh(check.name);
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

function earliest(current: number | undefined, next: number | undefined): number | undefined {
  if (next === undefined) return current;
  return current === undefined ? next : Math.min(current, next);
}

/**
 * The lifetime a token may have: the planned one, cut to what remains of the checks' successes. Rounded up to
 * whole seconds: the token's exp (iat, floored, plus this) then never passes the success's end rounded up to the
 * second, and a success that has just begun still grants its full lifetime.
 */
export function lifetimeWithin(planned: number, passedUntil: number | undefined, now: number): number {
  if (passedUntil === undefined) return planned;
  return Math.min(planned, Math.max(1, Math.ceil((passedUntil - now) / 1000)));
}

/** What the gate does with an outcome: passes, collects the challenge, or refuses (the attempt count is stored, never answered). */
function resultOf(outcome: CheckOutcome): CheckResult {
  if (outcome.kind === 'success') return { kind: 'passed' };
  if (outcome.kind === 'challenge') return { kind: 'challenge', challenge: outcome.challenge };
  return { kind: 'failure', reason: outcome.reason, ...(outcome.blockedUntil === undefined ? {} : { blockedUntil: outcome.blockedUntil }) };
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
