import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { PasswordSignIn } from '../../users/password-sign-in.js';
import { TooManyAttempts } from '../../users/attempt-limiter.js';
import { passwordAttemptsRefused } from '../password-attempts-refused.js';
import type { AccessTokenIssuer } from '../access-token-issuer.js';
import type { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { requestedResources } from './client-credentials.js';
import type { SecurityGate, TokenRequestFacts } from '../security-gate.js';
import { userTokenResponse } from './user-token-response.js';
import type { TokenResponse } from './token-response.js';

const INVALID_CREDENTIALS = 'the username or password is wrong, or the account is disabled';

/**
 * RFC 6749 §4.3: a trusted client exchanges a user's username and password for tokens. The password check
 * goes through the one password guard (per address, per client, per user, counted on arrival).
 */
export class PasswordGrant {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly signIn: PasswordSignIn,
    private readonly issuer: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokens,
    private readonly gate: SecurityGate,
  ) {}

  async handle(client: Client, params: FormParams, facts: TokenRequestFacts): Promise<TokenResponse> {
    if (!client.grantTypes.includes('password')) throw new OAuthError(400, 'unauthorized_client', 'this client may not use the password grant');
    const username = params.require('username');
    const password = params.require('password');
    const planned = this.gate.plan({ client, scope: params.get('scope'), allowed: client.scopes, request: facts, challengeResponse: params.get('challenge_response') });
    const resources = requestedResources(params.all('resource'), this.config.resources);
    const result = await this.signIn.check(username, password, { sourceAddress: facts.sourceAddress, clientId: client.clientId }).catch((error: unknown) => {
      throw error instanceof TooManyAttempts ? passwordAttemptsRefused(error) : error;
    });
    if (!result.ok) throw new OAuthError(400, 'invalid_grant', INVALID_CREDENTIALS);
    await this.gate.enforce(planned);
    const { scopes, lifetime } = planned;
    return userTokenResponse({ client, user: result.user, scopes, resources, lifetime, issuer: this.issuer, refreshTokens: this.refreshTokens });
  }
}
