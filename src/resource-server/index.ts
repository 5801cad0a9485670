/** gatehouse/resource-server: protect your own Node service with Gatehouse access tokens. */
export { createResourceServer, metadataUrlOf, protectedResourceMetadata, type Caller, type GuardResult, type ResourceServerOptions } from './resource-server.js';
export { createNodeGuard, createRequestGuard, expressGuard, fastifyGuard } from './adapters.js';
export { discover, IntrospectionTokenChecker, JwksTokenChecker, type TokenCheck, type TokenChecker } from './token-checkers.js';
export { AuthorizationServerError, type AuthorizationServerErrorReason } from './authorization-server-error.js';
export { type ResourceServerLogger } from './problem-report.js';
