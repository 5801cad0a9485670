import { accessTokenScopes, type Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { UsersRepository } from '../../store/users-repository.js';
import type { AccessTokenIssuer } from '../access-token-issuer.js';
import type { ClientAssertionVerifier } from '../client-auth/private-key-jwt.js';
import type { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import { requestedResources } from './client-credentials.js';
import type { SecurityGate, TokenRequestFacts } from '../security-gate.js';
import { tokenResponse, type TokenResponse } from './token-response.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * RFC 7523 §2.1: a trusted application signs an assertion naming a user (`sub`: id or username) with its
 * registered key and gets an access token for that user. Only for clients allowed to act for users.
 */
export class JwtBearerGrant {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly assertions: ClientAssertionVerifier,
    private readonly users: UsersRepository,
    private readonly issuer: AccessTokenIssuer,
    private readonly gate: SecurityGate,
  ) {}

  /** `authenticated` is the client that authenticated the request, if it did; it must be the assertion's. */
  async handle(authenticated: Client | undefined, params: FormParams, facts: TokenRequestFacts): Promise<TokenResponse> {
    const { client, subject } = await this.assertions.verifyGrant(params.require('assertion'));
    if (authenticated && authenticated.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'the assertion was signed for another client');
    if (!client.mayActForUsers) throw new OAuthError(400, 'unauthorized_client', 'this client may not act for users');
    const user = await this.users.findByIdOrUsername(subject);
    if (!user?.enabled) throw new OAuthError(400, 'invalid_grant', 'the assertion names no enabled user');
    // The assertion is signed with the client's registered key: possession is proven.
    const planned = this.gate.plan({
      client,
      scope: params.get('scope'),
      allowed: accessTokenScopes(client),
      request: { ...facts, keyProven: true },
      challengeResponse: params.get('challenge_response'),
    });
    const resources = requestedResources(params.all('resource'), this.config.resources);
    await this.gate.enforce(planned);
    const { scopes, lifetime } = planned;
    return tokenResponse(await this.issuer.issueForUser({ client, user, scopes, resources, lifetime }), scopes);
  }
}
