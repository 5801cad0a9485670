/**
 * gatehouse/client/native: signing people in from native and command-line apps with a loopback redirect
 * (RFC 8252). Node.js only (node:http); the browser entry, gatehouse/client, does not import it.
 */
export { refreshNativeSignIn, startNativeSignIn, type NativeRefreshOptions, type NativeSignIn, type NativeSignInOptions } from './native-sign-in.js';
export { type AuthorizationOptions, type IdTokenClaims, type SignInTokens } from './code-flow.js';
export { AuthorizationResponseError, GatehouseNetworkError, GatehouseOAuthError, GatehouseResponseError, SignInCallbackError, type SignInCallbackReason } from './errors.js';
