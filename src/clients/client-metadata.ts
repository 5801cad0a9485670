/**
 * Client metadata, as the rest of Gatehouse imports it. The parts:
 * - client-fields.ts: every field once (wire name, property, parser, default, JSON form) and the types derived from it;
 * - client-values.ts: parsing of single values;
 * - client-wire.ts: a request body in, the JSON form out;
 * - client-rules.ts: a new client's defaults and the rules between fields.
 */
export { ClientValidationError, InvalidClientFieldsError } from './client-validation-error.js';
export { CLIENT_FIELDS, type ClientChanges, type ClientField, type ClientInputMode, type ClientMetadata } from './client-fields.js';
export {
  checkAccessTokenLifetime,
  MAX_REFRESH_TOKEN_LIFETIME,
  MIN_ADMIN_SECRET_LENGTH,
  PROFILE_NAME,
  parseAdminSecret,
  parseClientId,
  parseExpiresAt,
  parseLifetime,
  parseScopes,
} from './client-values.js';
export { parseClientChanges, toClientMetadata, type ClientCheckContext } from './client-wire.js';
export { applyClientChanges, defaultClient } from './client-rules.js';
