/** Gatehouse as a library: open the services and build the HTTP server in your own process. */
export { openGatehouse, type Gatehouse } from './gatehouse.js';
export { buildServer } from './server/build-server.js';
export { loadConfig } from './config/load-config.js';
export type { GatehouseConfig } from './config/config.js';
export type { SigningAlg } from './shared/signing-algs.js';
export { createLogger } from './server/logger.js';
export {
  defineApplication,
  defineCommand,
  CommandError,
  type ApplicationDefinition,
  type CommandCaller,
  type CommandContext,
  type CommandDefinition,
  type CommandHttp,
  type CommandHttpRequest,
  type CommandHttpResponse,
  type JsonSchema,
} from './protected-apis/commands/command.js';
export type { HttpRequestCommandSpec, HttpRequestBodyFormat } from './protected-apis/commands/http-request-spec.js';
export {
  defineSecurityCheck,
  success,
  challenge,
  failure,
  type SecurityCheck,
  type SecurityCheckDefinition,
  type CheckContext,
  type CheckOutcome,
  type CheckClient,
  type CheckRequest,
  type CheckState,
} from './security/security-check.js';
export type { CheckPage, PageFieldSpec } from './security/check-page-spec.js';
