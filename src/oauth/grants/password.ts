import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { PasswordSignIn } from '../../users/password-sign-in.js';
import type { AccessTokenIssuer } from '../access-token-issuer.js';
import type { FormParams } from '../form-params.js';
import { OAuthError } from '../oauth-error.js';
import type { RefreshTokens } from '../refresh-tokens.js';
import { grantedScopes, requestedResources } from './client-credentials.js';
import { userTokenResponse } from './user-token-response.js';
import type { TokenResponse } from './token-response.js';

const INVALID_CREDENTIALS = 'the username or password is wrong, or the account is disabled';

/** RFC 6749 §4.3: a trusted client exchanges a user's username and password for tokens. */
export class PasswordGrant {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly signIn: PasswordSignIn,
    private readonly issuer: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async handle(client: Client, params: FormParams): Promise<TokenResponse> {
    if (!client.grantTypes.includes('password')) throw new OAuthError(400, 'unauthorized_client', 'this client may not use the password grant');
    const username = params.require('username');
    const password = params.require('password');
    const scopes = grantedScopes(params.get('scope'), client.scopes);
    const resources = requestedResources(params.all('resource'), this.config.resources);
    const result = await this.signIn.check(username, password);
    if (!result.ok) {
      throw new OAuthError(400, 'invalid_grant', result.reason === 'locked' ? 'the account is locked after too many failed sign-ins; try again later' : INVALID_CREDENTIALS);
    }
    return userTokenResponse({ client, user: result.user, scopes, resources, issuer: this.issuer, refreshTokens: this.refreshTokens });
  }
}
