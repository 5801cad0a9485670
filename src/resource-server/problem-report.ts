import { AuthorizationServerError } from './authorization-server-error.js';

/** Where the resource server logs: `console` (default), a pino logger, or anything with `error(message)`. */
export interface ResourceServerLogger {
  error(message: string): void;
}

/** Distinct causes remembered as logged; past this many the oldest is forgotten (and may be logged again). */
const REMEMBERED_CAUSES = 64;

/**
 * Tells the operator why tokens cannot be checked: every failure goes to `onError`; the log gets each cause
 * once (reason, status and URL), until a check succeeds again, so a misconfigured service does not flood it.
 */
export class ProblemReport {
  private readonly logged = new Set<string>();

  constructor(
    private readonly onError: ((error: AuthorizationServerError) => void) | undefined,
    private readonly logger: ResourceServerLogger | false,
  ) {}

  report(error: AuthorizationServerError): void {
    try {
      this.onError?.(error);
    } catch {
      // The application's hook failing must not change what the caller is answered.
    }
    if (this.logger === false) return;
    const cause = `${error.reason} ${error.status ?? '-'} ${error.url}`;
    if (this.logged.has(cause)) return;
    this.logged.add(cause);
    if (this.logged.size > REMEMBERED_CAUSES) this.logged.delete(this.logged.values().next().value ?? '');
    const what = error.kind === 'misconfiguration' ? 'misconfigured, tokens cannot be checked' : 'the authorization server is not available, tokens cannot be checked';
    this.logger.error(`gatehouse/resource-server: ${what} (${error.reason}): ${error.message}`);
  }

  /** A check went through: a cause that comes back is logged again. */
  recovered(): void {
    if (this.logged.size > 0) this.logged.clear();
  }
}

/** Anything a checker threw that is not a token's fault, as an `AuthorizationServerError`. */
export function asAuthorizationServerError(error: unknown): AuthorizationServerError {
  if (error instanceof AuthorizationServerError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AuthorizationServerError('unexpected_answer', `checking the access token failed: ${detail}`, '', undefined, { cause: error });
}
