import { toErrorDescription } from '../shared/error-description.js';

/** A refusal of a protected resource, answered per RFC 6750 §3 with a `WWW-Authenticate: Bearer` challenge. */
export class BearerChallenge extends Error {
  constructor(
    readonly status: 401 | 403 | 400,
    /** RFC 6750 error code; absent when the request carried no token at all. */
    readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined,
    readonly description: string,
    /** The scope the resource needs (with insufficient_scope). */
    readonly scope?: string,
  ) {
    super(description);
    this.name = 'BearerChallenge';
  }

  /** The header value: realm, then error, description and scope, then RFC 9728 resource_metadata. */
  header(realm: string, resourceMetadataUrl: string | undefined): string {
    const parts = [`realm="${realm}"`];
    if (this.error) {
      parts.push(`error="${this.error}"`);
      parts.push(`error_description="${toErrorDescription(this.description)}"`);
    }
    if (this.scope !== undefined) parts.push(`scope="${this.scope}"`);
    if (resourceMetadataUrl) parts.push(`resource_metadata="${resourceMetadataUrl}"`);
    return `Bearer ${parts.join(', ')}`;
  }

  body(): { error: string; error_description: string; scope?: string } {
    return { error: this.error ?? 'unauthorized', error_description: toErrorDescription(this.description), ...(this.scope === undefined ? {} : { scope: this.scope }) };
  }
}
