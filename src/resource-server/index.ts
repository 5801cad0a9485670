/** gatehouse/resource-server: protect your own Node service with Gatehouse access tokens. */
export { createResourceServer, type Caller, type GuardResult, type ResourceServerOptions } from './resource-server.js';
export { createNodeGuard, expressGuard, fastifyGuard } from './adapters.js';
export { discover, IntrospectionTokenChecker, JwksTokenChecker, type TokenCheck, type TokenChecker } from './token-checkers.js';
