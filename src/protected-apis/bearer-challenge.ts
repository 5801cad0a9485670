import { toErrorDescription } from '../shared/error-description.js';

/**
 * A refusal of a protected resource, answered per RFC 6750 §3 with a `WWW-Authenticate: Bearer` challenge.
 * `insufficient_role` is Gatehouse's own code (RFC 6750 §3 allows extension codes): the token's scope suffices
 * but its user lacks roles the resource needs; the challenge and body name them in `roles`.
 */
export class BearerChallenge extends Error {
  constructor(
    readonly status: 401 | 403 | 400,
    /** RFC 6750 error code; absent when the request carried no token at all. */
    readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'insufficient_role' | undefined,
    readonly description: string,
    /** The scope the resource needs (with insufficient_scope). */
    readonly scope?: string,
    /** The roles the caller lacks (with insufficient_role), space-separated. */
    readonly roles?: string,
  ) {
    super(description);
    this.name = 'BearerChallenge';
  }

  /** The header value: realm, then error, description, scope and roles, then RFC 9728 resource_metadata. */
  header(realm: string, resourceMetadataUrl: string | undefined): string {
    const parts = [`realm="${realm}"`];
    if (this.error) {
      parts.push(`error="${this.error}"`);
      parts.push(`error_description="${toErrorDescription(this.description)}"`);
    }
    if (this.scope !== undefined) parts.push(`scope="${this.scope}"`);
    if (this.roles !== undefined) parts.push(`roles="${toErrorDescription(this.roles)}"`);
    if (resourceMetadataUrl) parts.push(`resource_metadata="${resourceMetadataUrl}"`);
    return `Bearer ${parts.join(', ')}`;
  }

  body(): { error: string; error_description: string; scope?: string; roles?: string } {
    return {
      error: this.error ?? 'unauthorized',
      error_description: toErrorDescription(this.description),
      ...(this.scope === undefined ? {} : { scope: this.scope }),
      ...(this.roles === undefined ? {} : { roles: this.roles }),
    };
  }
}
