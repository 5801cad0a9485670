/** gatehouse/client: helpers for applications that call Gatehouse. */
export { requestAppToken, signAppTokenRequest, type AppTokenRequestOptions, type AppTokenResponse } from './app-token.js';
