import type { JSONWebKeySet } from 'jose';
import {
  AUTH_METHODS,
  DEFAULT_ACCESS_TOKEN_LIFETIME,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  GRANT_TYPES,
  MAX_ACCESS_TOKEN_LIFETIME,
  OFFLINE_ACCESS,
  type AuthMethod,
  type Client,
  type GrantType,
} from './client.js';
import { isScopeToken, splitScopeList } from '../shared/scope.js';
import { checkClientJwk } from './client-keys.js';
import { FieldValidationError } from '../shared/errors.js';

/** Longest refresh-token lifetime an administrator may set: one year. */
export const MAX_REFRESH_TOKEN_LIFETIME = 365 * 86_400;

/** A client field that failed validation; the admin API answers 400 naming `field`. */
export class ClientValidationError extends FieldValidationError {
  override name = 'ClientValidationError';
  /** RFC 7591 §3.2.2: the registration error for bad metadata. */
  override readonly code: string = 'invalid_client_metadata';
}

/** Client metadata as the admin API and the CLI speak it (RFC 7591 names where one exists). */
export interface ClientMetadata {
  client_id: string;
  client_name: string;
  grant_types: GrantType[];
  scope: string;
  token_endpoint_auth_method: AuthMethod;
  access_token_lifetime: number;
  refresh_tokens: boolean;
  refresh_token_lifetime: number;
  may_act_for_users: boolean;
  enabled: boolean;
  expires_at: string | null;
  allowed_origins: string[];
  jwks: JSONWebKeySet | null;
  /** Security profile name, or null. */
  profile: string | null;
  /** Whether an administrator set a PIN (PinCode check); the PIN itself is never shown. */
  pin_set: boolean;
  client_id_issued_at: number;
  client_secret_expires_at: number;
  created_at: string;
  updated_at: string;
}

/** The fields a create or update may set, already checked one by one. */
export interface ClientChanges {
  clientId?: string;
  clientName?: string;
  clientSecret?: string;
  grantTypes?: GrantType[];
  scopes?: string[];
  tokenEndpointAuthMethod?: AuthMethod;
  accessTokenLifetime?: number;
  refreshTokens?: boolean;
  refreshTokenLifetime?: number;
  mayActForUsers?: boolean;
  enabled?: boolean;
  expiresAt?: number | null;
  allowedOrigins?: string[];
  jwks?: JSONWebKeySet | null;
  profile?: string | null;
}

const CREATE_FIELDS = new Set([
  'client_id',
  'client_name',
  'client_secret',
  'grant_types',
  'scope',
  'token_endpoint_auth_method',
  'access_token_lifetime',
  'refresh_tokens',
  'refresh_token_lifetime',
  'may_act_for_users',
  'enabled',
  'expires_at',
  'allowed_origins',
  'jwks',
  'profile',
]);
/** Read-only fields a client may echo back from a GET; ignored when unchanged in spirit. */
const READ_ONLY_FIELDS = new Set(['pin_set', 'client_id_issued_at', 'client_secret_expires_at', 'created_at', 'updated_at']);

export const MIN_ADMIN_SECRET_LENGTH = 20;
const MAX_SECRET_LENGTH = 512;

export function toClientMetadata(client: Client): ClientMetadata {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    grant_types: [...client.grantTypes],
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    access_token_lifetime: client.accessTokenLifetime,
    refresh_tokens: client.refreshTokens,
    refresh_token_lifetime: client.refreshTokenLifetime,
    may_act_for_users: client.mayActForUsers,
    enabled: client.enabled,
    expires_at: client.expiresAt === null ? null : new Date(client.expiresAt).toISOString(),
    allowed_origins: [...client.allowedOrigins],
    jwks: client.jwks,
    profile: client.profile,
    pin_set: client.pinDigest !== null,
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_secret_expires_at: 0,
    created_at: new Date(client.createdAt).toISOString(),
    updated_at: new Date(client.updatedAt).toISOString(),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a create (`mode: 'create'`) or update body field by field. */
export function parseClientChanges(body: unknown, mode: 'create' | 'update'): ClientChanges {
  if (!isRecord(body)) throw new ClientValidationError('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!CREATE_FIELDS.has(key) && !READ_ONLY_FIELDS.has(key)) throw new ClientValidationError(key, 'unknown field');
  }
  const changes: ClientChanges = {};
  if (body.client_id !== undefined) changes.clientId = parseClientId(body.client_id);
  if (body.client_name !== undefined) changes.clientName = parseClientName(body.client_name);
  if (body.client_secret !== undefined) {
    if (mode === 'update') throw new ClientValidationError('client_secret', 'cannot be changed here; rotate it with POST /admin/api/clients/:id/secret');
    changes.clientSecret = parseAdminSecret(body.client_secret, 'client_secret');
  }
  if (body.grant_types !== undefined) changes.grantTypes = parseGrantTypes(body.grant_types);
  if (body.scope !== undefined) changes.scopes = parseScopes(body.scope, 'scope');
  if (body.token_endpoint_auth_method !== undefined) changes.tokenEndpointAuthMethod = parseAuthMethod(body.token_endpoint_auth_method);
  if (body.access_token_lifetime !== undefined) changes.accessTokenLifetime = parseLifetime(body.access_token_lifetime);
  if (body.refresh_tokens !== undefined) changes.refreshTokens = parseBoolean(body.refresh_tokens, 'refresh_tokens');
  if (body.refresh_token_lifetime !== undefined) changes.refreshTokenLifetime = parseRefreshLifetime(body.refresh_token_lifetime);
  if (body.may_act_for_users !== undefined) changes.mayActForUsers = parseBoolean(body.may_act_for_users, 'may_act_for_users');
  if (body.enabled !== undefined) changes.enabled = parseBoolean(body.enabled, 'enabled');
  if (body.expires_at !== undefined) changes.expiresAt = parseExpiresAt(body.expires_at);
  if (body.allowed_origins !== undefined) changes.allowedOrigins = parseOrigins(body.allowed_origins);
  if (body.jwks !== undefined) changes.jwks = parseJwks(body.jwks);
  if (body.profile !== undefined) changes.profile = parseProfileReference(body.profile);
  return changes;
}

/** Applies changes to a client (or to the defaults of a new one) and checks the rules between fields. */
export function applyClientChanges(current: Client, changes: ClientChanges, now: number): Client {
  const next: Client = { ...current, updatedAt: now };
  if (changes.clientName !== undefined) next.clientName = changes.clientName;
  if (changes.grantTypes !== undefined) next.grantTypes = changes.grantTypes;
  if (changes.scopes !== undefined) next.scopes = changes.scopes;
  if (changes.tokenEndpointAuthMethod !== undefined) next.tokenEndpointAuthMethod = changes.tokenEndpointAuthMethod;
  if (changes.accessTokenLifetime !== undefined) next.accessTokenLifetime = changes.accessTokenLifetime;
  if (changes.refreshTokens !== undefined) next.refreshTokens = changes.refreshTokens;
  if (changes.refreshTokenLifetime !== undefined) next.refreshTokenLifetime = changes.refreshTokenLifetime;
  if (changes.mayActForUsers !== undefined) next.mayActForUsers = changes.mayActForUsers;
  if (changes.enabled !== undefined) next.enabled = changes.enabled;
  if (changes.expiresAt !== undefined) next.expiresAt = changes.expiresAt;
  if (changes.allowedOrigins !== undefined) next.allowedOrigins = changes.allowedOrigins;
  if (changes.jwks !== undefined) next.jwks = changes.jwks;
  if (changes.profile !== undefined) next.profile = changes.profile;

  if (next.refreshTokens && next.grantTypes.every((grant) => grant === 'client_credentials')) {
    throw new ClientValidationError(
      'refresh_tokens',
      'refresh tokens are never issued for client_credentials; add the password grant or turn refresh_tokens off',
    );
  }
  const requestedOffline = changes.scopes?.includes(OFFLINE_ACCESS) ?? false;
  if (requestedOffline && !next.refreshTokens) {
    throw new ClientValidationError('scope', `${OFFLINE_ACCESS} comes with refresh_tokens: true; set that instead of the scope`);
  }
  const others = next.scopes.filter((scope) => scope !== OFFLINE_ACCESS);
  next.scopes = next.refreshTokens ? [...others, OFFLINE_ACCESS] : others;
  return next;
}

/** A new client with every default, before the create's changes are applied. */
export function defaultClient(clientId: string, now: number): Client {
  return {
    clientId,
    clientName: clientId,
    secretDigest: null,
    previousSecretDigest: null,
    previousSecretExpiresAt: null,
    grantTypes: ['client_credentials'],
    scopes: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    accessTokenLifetime: DEFAULT_ACCESS_TOKEN_LIFETIME,
    refreshTokens: false,
    enabled: true,
    expiresAt: null,
    allowedOrigins: [],
    jwks: null,
    refreshTokenLifetime: DEFAULT_REFRESH_TOKEN_LIFETIME,
    mayActForUsers: false,
    profile: null,
    pinDigest: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Letters, digits, '.', '_' and '-': the names of security profiles. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function parseProfileReference(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || !PROFILE_NAME.test(value)) {
    throw new ClientValidationError('profile', "must be the name of a security profile (1-64 letters, digits, '.', '_' or '-') or null");
  }
  return value;
}

export function parseClientId(value: unknown): string {
  if (typeof value !== 'string' || !/^[\x21-\x7E]{1,255}$/.test(value)) {
    throw new ClientValidationError('client_id', 'must be 1 to 255 printable ASCII characters without spaces');
  }
  return value;
}

function parseClientName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new ClientValidationError('client_name', 'must be a non-empty string of at most 200 characters');
  }
  // Control characters would forge log lines.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ClientValidationError('client_name', 'must not contain control characters');
  return value.trim();
}

export function parseAdminSecret(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length < MIN_ADMIN_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH) {
    throw new ClientValidationError(field, `must be a string of ${MIN_ADMIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters`);
  }
  if (!/^[\x20-\x7E]+$/.test(value)) throw new ClientValidationError(field, 'must be printable ASCII characters');
  return value;
}

function parseGrantTypes(value: unknown): GrantType[] {
  const items = typeof value === 'string' ? splitScopeList(value) : value;
  if (!Array.isArray(items) || items.length === 0) {
    throw new ClientValidationError('grant_types', `must be a non-empty list of ${GRANT_TYPES.join(', ')}`);
  }
  const grants = new Set<GrantType>();
  for (const item of items) {
    const grant = GRANT_TYPES.find((candidate) => candidate === item);
    if (!grant) throw new ClientValidationError('grant_types', `'${String(item)}' is not supported; use ${GRANT_TYPES.join(', ')}`);
    grants.add(grant);
  }
  return [...grants];
}

export function parseScopes(value: unknown, field: string): string[] {
  const items = typeof value === 'string' ? splitScopeList(value) : value;
  if (!Array.isArray(items)) throw new ClientValidationError(field, 'must be a space-separated string of scope elements');
  const scopes = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || !isScopeToken(item)) {
      throw new ClientValidationError(field, `'${String(item)}' is not a valid scope element (RFC 6749 §3.3)`);
    }
    scopes.add(item);
  }
  return [...scopes];
}

function parseAuthMethod(value: unknown): AuthMethod {
  const method = AUTH_METHODS.find((candidate) => candidate === value);
  if (!method) throw new ClientValidationError('token_endpoint_auth_method', `must be one of ${AUTH_METHODS.join(', ')}`);
  return method;
}

export function parseLifetime(value: unknown): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > MAX_ACCESS_TOKEN_LIFETIME) {
    throw new ClientValidationError('access_token_lifetime', `must be an integer from 0 to ${MAX_ACCESS_TOKEN_LIFETIME} (seconds; 0: the server's maximum)`);
  }
  return number;
}

function parseRefreshLifetime(value: unknown): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 60 || number > MAX_REFRESH_TOKEN_LIFETIME) {
    throw new ClientValidationError('refresh_token_lifetime', `must be an integer from 60 to ${MAX_REFRESH_TOKEN_LIFETIME} (seconds)`);
  }
  return number;
}

function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ClientValidationError(field, 'must be true or false');
  return value;
}

export function parseExpiresAt(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value.trim())) {
    const time = Date.parse(value.trim());
    if (!Number.isNaN(time)) return time;
  }
  throw new ClientValidationError('expires_at', 'must be an ISO 8601 date or date-time with offset (e.g. 2027-01-31 or 2027-01-31T12:00:00Z), or null');
}

function parseOrigins(value: unknown): string[] {
  if (!Array.isArray(value)) throw new ClientValidationError('allowed_origins', 'must be a list of origins such as https://portal.example.com');
  const origins = new Set<string>();
  for (const item of value) {
    let url: URL | undefined;
    try {
      url = typeof item === 'string' ? new URL(item) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== String(item).replace(/\/$/, '')) {
      throw new ClientValidationError('allowed_origins', `'${String(item)}' is not an origin (scheme://host[:port], no path)`);
    }
    origins.add(url.origin);
  }
  return [...origins];
}

function parseJwks(value: unknown): JSONWebKeySet | null {
  if (value === null) return null;
  if (!isRecord(value) || !Array.isArray(value.keys)) throw new ClientValidationError('jwks', 'must be a JSON Web Key Set (an object with a keys array)');
  const kids = new Set<string>();
  const stored: JSONWebKeySet['keys'] = [];
  for (const [index, key] of (value.keys as unknown[]).entries()) {
    if (!isRecord(key) || typeof key.kty !== 'string') throw new ClientValidationError('jwks', 'every key must be a JWK object with kty');
    if (!['EC', 'OKP', 'RSA'].includes(key.kty)) throw new ClientValidationError('jwks', `key type '${key.kty}' is not supported; use EC, OKP or RSA`);
    if ('d' in key || 'k' in key) throw new ClientValidationError('jwks', 'only public keys may be registered; remove the private key members');
    try {
      stored.push(checkClientJwk(key).jwk);
    } catch (error) {
      if (error instanceof FieldValidationError) throw new ClientValidationError('jwks', `key ${index + 1}: ${error.reason}`);
      throw error;
    }
    if (typeof key.kid === 'string') {
      if (kids.has(key.kid)) throw new ClientValidationError('jwks', `two keys have the kid '${String(key.kid)}'`);
      kids.add(key.kid);
    }
  }
  return { keys: stored };
}
