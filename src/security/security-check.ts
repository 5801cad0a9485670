import { CHECK_NAME } from './security-profile.js';
import { checkPageProblem, type CheckPage } from './check-page-spec.js';
import { quoteValue } from '../shared/quote-value.js';

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

/** What a registration check learns about an RFC 7591 registration request, before the client exists. */
export interface RegistrationCheckContext {
  /** The client metadata as sent (a JSON object), software_statement and attestation included; never trusted as is. */
  metadata: Readonly<Record<string, unknown>>;
  /**
   * The evidence of the app's authenticity: the request's `attestation` member (any JSON value) or, when it has none,
   * its `software_statement` (RFC 7591 §2.3: a JWT, as text; the check verifies its signature); undefined when neither came.
   */
  attestation: unknown;
  /** Which member the attestation came in. */
  attestationSource: 'attestation' | 'software_statement' | undefined;
  /** The security profile the client registers under. */
  profile: string;
  /** How the registration was admitted: with an initial access token, or open registration. */
  policy: 'initial-access-token' | 'open';
  request: {
    /** The request's source address (X-Forwarded-For counts only from GATEHOUSE_TRUSTED_PROXIES). */
    sourceAddress: string;
    headers: Readonly<Record<string, string | string[] | undefined>>;
  };
  /** Epoch ms of this evaluation. */
  now: number;
}

/** RFC 7591 §3.2.2 errors a registration check may refuse with. */
export type RegistrationRefusalError = 'invalid_software_statement' | 'unapproved_software_statement';

/** A registration check's answer: accept, or refuse with a reason the client is told (and the audit log keeps). */
export type RegistrationOutcome =
  | { kind: 'success' }
  | {
      kind: 'failure';
      reason: string;
      /** Default `unapproved_software_statement`; `invalid_software_statement` when the evidence is missing or malformed. */
      error?: RegistrationRefusalError;
    };

/** The hook a check gives to run at registration (a profile's `registration_checks`). */
export type RegistrationHook = (context: RegistrationCheckContext) => RegistrationOutcome | Promise<RegistrationOutcome>;

interface CheckDefinitionBase<Answer> {
  /** The check's name; by default the scope element of the same name needs it. */
  name: string;
  /** Evaluate on every token request and never remember a success (e.g. the source network). */
  everyRequest?: boolean;
  /** The fields of the check's page on the hosted sign-in pages (check-page.ts derives them when absent). */
  page?: CheckPage<Answer>;
  /**
   * Runs at RFC 7591 registration when the client's profile lists the check in `registration_checks`, before the
   * client is created: a failure refuses the registration (400, `unapproved_software_statement` by default).
   */
  register?: RegistrationHook;
}

/** A check of token requests (a scope element or the mandatory scope needs it); it may also run at registration. */
export interface TokenCheckDefinition<Answer = unknown> extends CheckDefinitionBase<Answer> {
  /** Seconds a success holds; it also caps the lifetime of tokens whose scope needs the check. */
  successLifetime: number;
  evaluate(context: CheckContext<Answer>): CheckOutcome | Promise<CheckOutcome>;
}

/** A check that runs only at registration: a scope element that names it is refused at the token endpoint. */
export interface RegistrationCheckDefinition<Answer = unknown> extends CheckDefinitionBase<Answer> {
  register: RegistrationHook;
  successLifetime?: number;
  evaluate?: undefined;
}

export type SecurityCheckDefinition<Answer = unknown> = TokenCheckDefinition<Answer> | RegistrationCheckDefinition<Answer>;

const BRAND = Symbol.for('gatehouse.security-check');

export type SecurityCheck<Answer = unknown> = Readonly<TokenCheckDefinition<Answer>> & { readonly [BRAND]: true };

export class SecurityCheckDefinitionError extends Error {
  override name = 'SecurityCheckDefinitionError';
}

/** Declares a security check (built in, or a custom one in GATEHOUSE_CHECKS_DIR as the module's default export). */
export function defineSecurityCheck<Answer = unknown>(definition: SecurityCheckDefinition<Answer>): SecurityCheck<Answer> {
  if (typeof definition !== 'object' || definition === null) throw new SecurityCheckDefinitionError('a security check must be an object');
  if (typeof definition.name !== 'string' || !CHECK_NAME.test(definition.name)) {
    throw new SecurityCheckDefinitionError(`security check name ${quoteValue(definition.name)} must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  if (definition.register !== undefined && typeof definition.register !== 'function') throw new SecurityCheckDefinitionError(`security check ${definition.name}: register must be a function`);
  const registrationOnly = definition.evaluate === undefined && definition.register !== undefined;
  if (!registrationOnly && typeof definition.evaluate !== 'function') {
    throw new SecurityCheckDefinitionError(`security check ${definition.name}: evaluate must be a function (or give register for a registration-only check)`);
  }
  const successLifetime = definition.successLifetime ?? (registrationOnly ? 1 : undefined);
  if (!Number.isInteger(successLifetime) || (successLifetime as number) < 1) {
    throw new SecurityCheckDefinitionError(`security check ${definition.name}: successLifetime must be a positive integer (seconds)`);
  }
  const pageProblem = definition.page === undefined ? undefined : checkPageProblem(definition.page);
  if (pageProblem !== undefined) throw new SecurityCheckDefinitionError(`security check ${definition.name}: page ${pageProblem}`);
  // A registration-only check fails closed wherever a scope element names it.
  const name = definition.name;
  const registrationOnlyEvaluate = (): CheckOutcome => ({ kind: 'failure', reason: `the ${name} check runs only at registration` });
  const check = { ...definition, successLifetime: successLifetime as number, [BRAND]: true as const };
  if (check.evaluate === undefined) return Object.freeze({ ...check, evaluate: registrationOnlyEvaluate });
  // evaluate is a function here (checked above): the definition is a token check.
  return Object.freeze(check);
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

/** Registration outcomes, for registration hooks to return. */
export const accept = (): RegistrationOutcome => ({ kind: 'success' });
export const refuse = (reason: string, options: { error?: RegistrationRefusalError } = {}): RegistrationOutcome => ({
  kind: 'failure',
  reason,
  ...(options.error === undefined ? {} : { error: options.error }),
});
