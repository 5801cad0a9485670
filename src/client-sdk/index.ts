/** gatehouse/client: the client SDK for Node.js and browsers (fetch and WebCrypto only, no Node.js modules; the loopback sign-in of native apps is gatehouse/client/native). */
export { GatehouseClient, type AccessToken, type GatehouseClientOptions, type GatehouseRequestInit } from './gatehouse-client.js';
export { type ChallengeContext, type ChallengeHandler } from './challenge-flow.js';
export { type TokenEndpointResponse } from './token-endpoint.js';
export { basicAuthorization, type ClientCredentials, type ClientSecretCredentials, type PrivateKeyCredentials } from './client-authentication.js';
export { createClientAssertion, CLIENT_ASSERTION_TYPE, type ClientAssertionOptions, type ClientKeyAlgorithm, type PrivateKeyInput } from './private-key-jwt.js';
export { discoverMetadata, discoverOpenIdConfiguration, metadataUrl, openIdConfigurationUrl, type AuthorizationServerMetadata } from './discovery.js';
export { normaliseScope, scopeElements, type ScopeInput } from './scope.js';
export { parseWwwAuthenticate, bearerChallenge, type AuthChallenge } from './www-authenticate.js';
export {
  AuthorizationResponseError,
  ChallengeRoundsExceededError,
  GatehouseNetworkError,
  GatehouseOAuthError,
  GatehouseResponseError,
  MissingChallengeHandlerError,
  SecurityCheckFailedError,
  SignInCallbackError,
  SignInRequiredError,
  type SignInCallbackReason,
} from './errors.js';
export { APP_TOKEN_PATH, requestAppToken, signAppTokenRequest, type AppTokenCallOptions, type AppTokenRequestOptions, type AppTokenResponse } from './app-token.js';
export { BrowserSignIn, type BrowserSignInOptions, type SignInOptions, type SignInResult, type SignInStorage, type SignOutOptions } from './browser-sign-in.js';
export { type AuthorizationOptions, type IdTokenClaims, type SignInTokens } from './code-flow.js';
export { codeChallengeS256, createCodeVerifier } from './pkce.js';
