import { CHECK_NAME } from './security-profile.js';
import { checkPageProblem, type CheckPage } from './check-page-spec.js';

/** What a check learns about the client that asks for a token (never its secrets). */
export interface CheckClient {
  clientId: string;
  clientName: string;
  scopes: readonly string[];
  profile: string | null;
}

/** What a check learns about the token request. */
export interface CheckRequest {
  /** The request's source address (X-Forwarded-For counts only from GATEHOUSE_TRUSTED_PROXIES). */
  sourceAddress: string;
  grantType: string;
  /** How the client authenticated in this request. */
  clientAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  /** The client proved possession of a registered key in this request (private_key_jwt, a signed grant or request). */
  keyProven: boolean;
  /** The scope elements the client asked for (before mandatory scope). */
  requestedScope: readonly string[];
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The check's stored state for this client. A check reports a changed count of wrong answers in its outcome
 * (`failedAttempts`); one that changes `failedAttempts` here instead is still stored (checks written before).
 */
export interface CheckState {
  /** Epoch ms until which an earlier success holds; null when none does. */
  passedUntil: number | null;
  /** Wrong answers since the last success or block. */
  failedAttempts: number;
  /** Epoch ms until which the check refuses at once; null when not blocked. */
  blockedUntil: number | null;
}

export interface CheckContext<Answer = unknown> {
  client: CheckClient;
  request: CheckRequest;
  /** The client's answer to this check's challenge (from `challenge_response`), or undefined. */
  answer: Answer | undefined;
  state: CheckState;
  /** Epoch ms of this evaluation. */
  now: number;
}

export type CheckOutcome =
  | { kind: 'success'; /** Seconds this success holds instead of the check's lifetime (e.g. "remember me"). */ lifetime?: number }
  | { kind: 'challenge'; challenge: Record<string, unknown>; /** Wrong answers so far, when this answer changed the count. */ failedAttempts?: number }
  | {
      kind: 'failure';
      reason: string;
      /** Epoch ms until which the check refuses at once. */
      blockedUntil?: number;
      /** Wrong answers so far, when this answer changed the count (a block starts a fresh count). */
      failedAttempts?: number;
    };

export interface SecurityCheckDefinition<Answer = unknown> {
  /** The check's name; by default the scope element of the same name needs it. */
  name: string;
  /** Seconds a success holds; it also caps the lifetime of tokens whose scope needs the check. */
  successLifetime: number;
  /** Evaluate on every token request and never remember a success (e.g. the source network). */
  everyRequest?: boolean;
  evaluate(context: CheckContext<Answer>): CheckOutcome | Promise<CheckOutcome>;
  /** The fields of the check's page on the hosted sign-in pages (check-page.ts derives them when absent). */
  page?: CheckPage<Answer>;
}

const BRAND = Symbol.for('gatehouse.security-check');

export type SecurityCheck<Answer = unknown> = Readonly<SecurityCheckDefinition<Answer>> & { readonly [BRAND]: true };

export class SecurityCheckDefinitionError extends Error {
  override name = 'SecurityCheckDefinitionError';
}

/** Declares a security check (built in, or a custom one in GATEHOUSE_CHECKS_DIR as the module's default export). */
export function defineSecurityCheck<Answer = unknown>(definition: SecurityCheckDefinition<Answer>): SecurityCheck<Answer> {
  if (typeof definition !== 'object' || definition === null) throw new SecurityCheckDefinitionError('a security check must be an object');
  if (typeof definition.name !== 'string' || !CHECK_NAME.test(definition.name)) {
    throw new SecurityCheckDefinitionError(`security check name ${JSON.stringify(definition.name)} must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  if (!Number.isInteger(definition.successLifetime) || definition.successLifetime < 1) {
    throw new SecurityCheckDefinitionError(`security check ${definition.name}: successLifetime must be a positive integer (seconds)`);
  }
  if (typeof definition.evaluate !== 'function') throw new SecurityCheckDefinitionError(`security check ${definition.name}: evaluate must be a function`);
  const pageProblem = definition.page === undefined ? undefined : checkPageProblem(definition.page);
  if (pageProblem !== undefined) throw new SecurityCheckDefinitionError(`security check ${definition.name}: page ${pageProblem}`);
  return Object.freeze({ ...definition, [BRAND]: true as const });
}

export function isSecurityCheck(value: unknown): value is SecurityCheck {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Outcomes, for checks to return. */
export const success = (options: { lifetime?: number } = {}): CheckOutcome => ({ kind: 'success', ...options });
export const challenge = (body: Record<string, unknown> = {}, options: { failedAttempts?: number } = {}): CheckOutcome => ({
  kind: 'challenge',
  challenge: body,
  ...(options.failedAttempts === undefined ? {} : { failedAttempts: options.failedAttempts }),
});
export const failure = (reason: string, options: { blockedUntil?: number | Date; failedAttempts?: number } = {}): CheckOutcome => ({
  kind: 'failure',
  reason,
  ...(options.blockedUntil === undefined ? {} : { blockedUntil: options.blockedUntil instanceof Date ? options.blockedUntil.getTime() : options.blockedUntil }),
  ...(options.failedAttempts === undefined ? {} : { failedAttempts: options.failedAttempts }),
});
