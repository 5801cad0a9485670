import { toErrorDescription } from '../shared/error-description.js';

/** An error answered in the RFC 6749 §5.2 form: `{"error", "error_description"}` with a status. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
    /** Further members of the JSON body (e.g. the pending challenges). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toJSON(): { error: string; error_description: string } & Record<string, unknown> {
    // A description may echo the request: only the RFC 6749 §5.2 character set leaves.
    return { error: this.error, error_description: toErrorDescription(this.description), ...this.extra };
  }
}

export const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);
