import { DEFAULT_ACCESS_TOKEN_LIFETIME, DEFAULT_REFRESH_TOKEN_LIFETIME, type Client } from './client.js';
import { ClientValidationError } from './client-validation-error.js';
import {
  parseAdminSecret,
  parseAuthMethod,
  parseBoolean,
  parseClientId,
  parseClientName,
  parseDefaultScope,
  parseExpiresAt,
  parseGrantTypes,
  parseLifetime,
  parseOrigins,
  parseProfileReference,
  parseRefreshLifetime,
  parseScopes,
} from './client-values.js';
import { parseJwks } from './client-jwks.js';
import { parseRedirectUris } from './redirect-uris.js';

/** Whether a body creates a client or changes one. */
export type ClientInputMode = 'create' | 'update';

/** Parses one field's wire value; `field` is the wire name, for the error. */
export type FieldParser<Value> = (value: unknown, field: string, mode: ClientInputMode) => Value;

/**
 * One client metadata field. Every part is optional:
 * - `property`: the ClientChanges property the parsed value goes to;
 * - `parse`: wire value -> domain value (absent: a read-only field, accepted on input and ignored);
 * - `applies`: applyClientChanges copies the value onto the Client property of the same name;
 * - `initial`: the value of a new client;
 * - `toJson`: the value in the JSON form (absent: never shown).
 */
export interface ClientField {
  readonly property?: string;
  readonly parse?: FieldParser<unknown>;
  readonly applies?: true;
  readonly initial?: (clientId: string) => unknown;
  readonly toJson?: (client: Client) => unknown;
}

/** A setting of the client: parsed, applied onto the client, with a default, shown. */
function setting<const Property extends keyof Client, Json>(
  property: Property,
  spec: { parse: FieldParser<NoInfer<Client[Property]>>; initial: (clientId: string) => NoInfer<Client[Property]>; toJson: (client: Client) => Json },
): Setting<Property, Json> {
  return { property, applies: true, ...spec };
}

interface Setting<Property extends keyof Client, Json> {
  property: Property;
  applies: true;
  parse: FieldParser<Client[Property]>;
  initial: (clientId: string) => Client[Property];
  toJson: (client: Client) => Json;
}

/** Shown in the JSON form; a body may echo it back (as read from a GET) and it is ignored. */
function readOnly<Json>(toJson: (client: Client) => Json) {
  return { toJson };
}

const iso = (time: number): string => new Date(time).toISOString();

/**
 * Every client metadata field, once, in the order of the JSON form (and of the checks: the first
 * bad field of a body is the one reported). Wire names are RFC 7591's where one exists.
 */
export const CLIENT_FIELDS = {
  client_id: {
    property: 'clientId' as const,
    parse: parseClientId,
    initial: (clientId: string) => clientId,
    toJson: (client: Client) => client.clientId,
  },
  client_name: setting('clientName', { parse: parseClientName, initial: (clientId) => clientId, toJson: (client) => client.clientName }),
  client_secret: {
    property: 'clientSecret' as const,
    parse: (value: unknown, field: string, mode: ClientInputMode): string => {
      if (mode === 'update') throw new ClientValidationError(field, 'cannot be changed here; rotate it with POST /admin/api/clients/:id/secret');
      return parseAdminSecret(value, field);
    },
  },
  grant_types: setting('grantTypes', { parse: parseGrantTypes, initial: () => ['client_credentials'], toJson: (client) => [...client.grantTypes] }),
  scope: setting('scopes', { parse: parseScopes, initial: () => [], toJson: (client) => client.scopes.join(' ') }),
  /** What a request without a scope gets: null, every allowed element; '' none. */
  default_scope: setting('defaultScope', {
    parse: parseDefaultScope,
    initial: () => null,
    toJson: (client): string | null => (client.defaultScope === null ? null : client.defaultScope.join(' ')),
  }),
  /** User tokens carry the user's roles without the `roles` scope (access token, ID token, UserInfo). */
  roles_claim: setting('rolesClaim', { parse: parseBoolean, initial: () => false, toJson: (client) => client.rolesClaim }),
  token_endpoint_auth_method: setting('tokenEndpointAuthMethod', {
    parse: parseAuthMethod,
    initial: () => 'client_secret_basic',
    toJson: (client) => client.tokenEndpointAuthMethod,
  }),
  access_token_lifetime: setting('accessTokenLifetime', { parse: parseLifetime, initial: () => DEFAULT_ACCESS_TOKEN_LIFETIME, toJson: (client) => client.accessTokenLifetime }),
  refresh_tokens: setting('refreshTokens', { parse: parseBoolean, initial: () => false, toJson: (client) => client.refreshTokens }),
  refresh_token_lifetime: setting('refreshTokenLifetime', {
    parse: parseRefreshLifetime,
    initial: () => DEFAULT_REFRESH_TOKEN_LIFETIME,
    toJson: (client) => client.refreshTokenLifetime,
  }),
  may_act_for_users: setting('mayActForUsers', { parse: parseBoolean, initial: () => false, toJson: (client) => client.mayActForUsers }),
  enabled: setting('enabled', { parse: parseBoolean, initial: () => true, toJson: (client) => client.enabled }),
  expires_at: setting('expiresAt', {
    parse: parseExpiresAt,
    initial: () => null,
    toJson: (client) => (client.expiresAt === null ? null : iso(client.expiresAt)),
  }),
  allowed_origins: setting('allowedOrigins', { parse: parseOrigins, initial: () => [], toJson: (client) => [...client.allowedOrigins] }),
  jwks: setting('jwks', { parse: parseJwks, initial: () => null, toJson: (client) => client.jwks }),
  /** Security profile name, or null. */
  profile: setting('profile', { parse: parseProfileReference, initial: () => null, toJson: (client) => client.profile }),
  redirect_uris: setting('redirectUris', { parse: parseRedirectUris, initial: () => [], toJson: (client) => [...client.redirectUris] }),
  post_logout_redirect_uris: setting('postLogoutRedirectUris', { parse: parseRedirectUris, initial: () => [], toJson: (client) => [...client.postLogoutRedirectUris] }),
  /** A first-party client: no consent page. */
  skip_consent: setting('skipConsent', { parse: parseBoolean, initial: () => false, toJson: (client) => client.skipConsent }),
  /** RFC 9126 §6 client metadata. */
  require_pushed_authorization_requests: setting('requirePushedAuthorizationRequests', {
    parse: parseBoolean,
    initial: () => false,
    toJson: (client) => client.requirePushedAuthorizationRequests,
  }),
  /** Whether an administrator set a PIN (PinCode check); the PIN itself is never shown. */
  pin_set: readOnly((client) => client.pinDigest !== null),
  client_id_issued_at: readOnly((client) => Math.floor(client.createdAt / 1000)),
  client_secret_expires_at: readOnly((): number => 0),
  created_at: readOnly((client) => iso(client.createdAt)),
  updated_at: readOnly((client) => iso(client.updatedAt)),
} satisfies Record<string, ClientField>;

type Fields = typeof CLIENT_FIELDS;

/** Client metadata as the admin API and the CLI speak it: every field with a JSON form. */
export type ClientMetadata = {
  -readonly [Wire in keyof Fields as Fields[Wire] extends { toJson: unknown } ? Wire : never]: Fields[Wire] extends { toJson: (client: Client) => infer Json } ? Json : never;
};

/** The fields a create or update may set, already checked one by one. */
export type ClientChanges = {
  -readonly [Wire in keyof Fields as Fields[Wire] extends { property: infer Property extends string; parse: unknown } ? Property : never]?: Fields[Wire] extends {
    parse: (...args: never[]) => infer Value;
  }
    ? Value
    : never;
};

/** The Client properties a create or update may change. */
export type AppliedProperty = {
  [Wire in keyof Fields]: Fields[Wire] extends { applies: true; property: infer Property extends keyof Client & keyof ClientChanges } ? Property : never;
}[keyof Fields];

/** The Client properties every new client starts with from the table. */
export type InitialProperty = {
  [Wire in keyof Fields]: Fields[Wire] extends { initial: unknown; property: infer Property extends keyof Client } ? Property : never;
}[keyof Fields];

/** The table as a list, for the loops that parse, apply and show. */
export const CLIENT_FIELD_LIST: readonly (readonly [wire: string, field: ClientField])[] = Object.entries(CLIENT_FIELDS);
