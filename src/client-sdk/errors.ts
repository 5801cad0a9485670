/** An error answer of Gatehouse in the RFC 6749 §5.2 form: `error`, `error_description`, the HTTP status. */
export class GatehouseOAuthError extends Error {
  constructor(
    /** The RFC 6749 error code, e.g. `invalid_client`, `invalid_scope`. */
    readonly error: string,
    readonly errorDescription: string | undefined,
    /** The HTTP status of the answer (0 when no answer was received). */
    readonly status: number,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
    this.name = 'GatehouseOAuthError';
  }
}

/** Gatehouse asked for a security check that no handler is registered for (`registerChallengeHandler`). */
export class MissingChallengeHandlerError extends GatehouseOAuthError {
  constructor(
    /** The security check's name, e.g. `PinCode`. */
    readonly check: string,
    /** The challenge the server sent for it. */
    readonly challenge: unknown,
    errorDescription: string | undefined,
  ) {
    super('challenge_required', errorDescription, 400);
    this.name = 'MissingChallengeHandlerError';
    this.message = `no challenge handler is registered for the security check ${check}${errorDescription ? ` (${errorDescription})` : ''}`;
  }
}

/** A security check failed (`access_denied` naming the check); `blockedUntil` when the server blocks further attempts. */
export class SecurityCheckFailedError extends GatehouseOAuthError {
  constructor(
    readonly check: string | undefined,
    errorDescription: string | undefined,
    readonly blockedUntil: Date | undefined,
  ) {
    super('access_denied', errorDescription, 400);
    this.name = 'SecurityCheckFailedError';
  }
}

/** The server still asked for challenges after `maxChallengeRounds` answered rounds. */
export class ChallengeRoundsExceededError extends GatehouseOAuthError {
  constructor(
    /** The checks still pending in the last answer. */
    readonly checks: string[],
    readonly rounds: number,
  ) {
    super('challenge_required', `the security checks ${checks.join(', ')} were still pending after ${rounds} rounds of answers`, 400);
    this.name = 'ChallengeRoundsExceededError';
  }
}

/** An answer that is not what the protocol promises (not JSON, no access token, metadata of another issuer). */
export class GatehouseResponseError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'GatehouseResponseError';
  }
}

/**
 * A request the SDK sent got no answer: the server cannot be reached (refused, DNS, TLS, reset, timeout). `url`
 * is where it went, without credentials, query or fragment; `cause` is the error of `fetch`, `code` its
 * system code when there is one (`ECONNREFUSED`, `ENOTFOUND`, ...). It extends `TypeError`, what `fetch` throws
 * for these, so code written for the bare `TypeError: fetch failed` keeps catching it. A request the caller
 * aborted (`AbortSignal`) still rejects with the abort reason.
 */
export class GatehouseNetworkError extends TypeError {
  constructor(
    readonly url: string,
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(`cannot reach ${url}${code ? ` (${code})` : ''}: ${describeCause(options.cause)}`, options);
    this.name = 'GatehouseNetworkError';
  }
}

function describeCause(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : undefined;
  const outer = cause instanceof Error ? cause.message : String(cause);
  return inner && inner.message && inner.message !== outer ? `${outer} (${inner.message})` : outer;
}

/**
 * The authorization endpoint redirected back with an error (RFC 6749 §4.1.2.1), e.g. `access_denied`,
 * `login_required` (after `prompt=none`), `consent_required`. `status` is 0: it came as a redirect.
 */
export class AuthorizationResponseError extends GatehouseOAuthError {
  constructor(error: string, errorDescription: string | undefined) {
    super(error, errorDescription, 0);
    this.name = 'AuthorizationResponseError';
  }
}

/** Why a sign-in callback was refused before (or instead of) exchanging its code. */
export type SignInCallbackReason =
  /** No sign-in started here has this `state` (a forged or replayed callback, or storage was cleared). */
  | 'state_mismatch'
  /** The `iss` parameter names another issuer, or is missing where the server promised it (RFC 9207: mix-up). */
  | 'issuer_mismatch'
  /** Neither `code` nor `error`. */
  | 'invalid_response'
  /** The ID token failed validation (signature, `iss`, `aud`, `azp`, `nonce`, `exp`). */
  | 'invalid_id_token'
  /** No callback arrived in time (native sign-in). */
  | 'timeout'
  /** The caller cancelled it (native sign-in). */
  | 'cancelled';

/** A sign-in callback the SDK refuses: see `reason`. Nothing was exchanged, or the tokens were dropped. */
export class SignInCallbackError extends Error {
  constructor(
    readonly reason: SignInCallbackReason,
    message: string,
  ) {
    super(message);
    this.name = 'SignInCallbackError';
  }
}

/** No usable tokens: never signed in, signed out, or the refresh token was refused. Call `signIn()`. */
export class SignInRequiredError extends Error {
  constructor(message = 'sign-in required') {
    super(message);
    this.name = 'SignInRequiredError';
  }
}
