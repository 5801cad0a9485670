import type { CredentialPresenter } from './client-authentication.js';
import type { AuthorizationServerMetadata } from './discovery.js';
import { isRecord } from '../shared/is-record.js';
import { runChallengeFlow, type ChallengeHandler } from './challenge-flow.js';
import { GatehouseResponseError } from './errors.js';

/** A successful RFC 6749 §5.1 token response, as it comes over the wire (read by `parseTokenResponse`). */
export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  refresh_token?: string;
}

/**
 * The wire answer under its 0.1 name.
 * @deprecated no function of `gatehouse/client` returns it (their results are camelCase: `AccessToken`,
 * `SignInTokens`, `AppTokenResponse`); kept for compatibility, removed in a later 0.x.
 */
export type TokenEndpointResponse = TokenAnswer;

export interface TokenEndpointDependencies {
  metadata: () => Promise<AuthorizationServerMetadata>;
  authenticator: CredentialPresenter;
  fetch: typeof fetch;
  challengeHandler: (check: string) => ChallengeHandler | undefined;
  /** How many rounds of answers one token request may take before giving up. */
  maxChallengeRounds: number;
}

/** Requests tokens from the token endpoint, through the challenge flow (`runChallengeFlow`). */
export class TokenEndpoint {
  constructor(private readonly deps: TokenEndpointDependencies) {}

  async request(grant: Record<string, string>, scope: string): Promise<TokenAnswer> {
    const { token_endpoint: endpoint } = await this.deps.metadata();
    const body = await runChallengeFlow({
      send: async (answers) => {
        const form = new URLSearchParams(grant);
        if (answers !== undefined) form.set('challenge_response', JSON.stringify(answers));
        const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
        // For every round: a private_key_jwt assertion is single-use. `credentials: 'omit'`: no cookies, and no
        // browser login prompt for the `WWW-Authenticate: Basic` of a 401 invalid_client.
        await this.deps.authenticator.apply(endpoint, headers, form);
        return this.deps.fetch(endpoint, { method: 'POST', headers, body: form.toString(), credentials: 'omit' });
      },
      handler: this.deps.challengeHandler,
      maxRounds: this.deps.maxChallengeRounds,
      scope,
      endpointName: 'token endpoint',
    });
    return parseTokenResponse(body, 200);
  }
}

/** Checks and reads a successful token response (RFC 6749 §5.1): a Bearer access token is required. */
export function parseTokenResponse(body: unknown, status: number): TokenAnswer {
  if (!isRecord(body) || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new GatehouseResponseError('the token endpoint answered without an access_token', status);
  }
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
    throw new GatehouseResponseError(`the token endpoint answered an unsupported token_type ${String(body.token_type)}`, status);
  }
  return {
    access_token: body.access_token,
    token_type: body.token_type,
    expires_in: typeof body.expires_in === 'number' && body.expires_in >= 0 ? body.expires_in : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    refresh_token: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined,
  };
}
