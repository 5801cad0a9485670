import type { Client } from '../../clients/client.js';
import type { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import type { TokenRequestFacts } from '../security-gate.js';
import type { IssuedResponse } from '../token-response.js';

/**
 * 'required': the endpoint authenticates the client before the grant runs (RFC 6749 §2.3).
 * 'optional': the grant proves its client itself (a signed assertion); client authentication, when the
 * request sends it, must name the same client.
 */
export type ClientAuthentication = 'required' | 'optional';

/** A grant's handler: the authenticated client (always set when authentication is required), the form, the request's facts. */
export type GrantHandle = (client: Client | undefined, params: FormParams, facts: TokenRequestFacts) => Promise<IssuedResponse>;

/** One entry of the grant table, ready to run. */
export interface Grant {
  readonly grantType: string;
  readonly clientAuthentication: ClientAuthentication;
  readonly handle: GrantHandle;
}

/** The client of a grant whose authentication is required (the endpoint has authenticated it). */
export function requiredClient(client: Client | undefined): Client {
  if (!client) throw new OAuthError(401, 'invalid_client', 'client authentication is required (HTTP Basic or client_secret_post)');
  return client;
}
