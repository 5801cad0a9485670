/**
 * The admin API's wire contract: the JSON of its requests and answers, and the constants a caller needs.
 * The web console imports the types with `import type` and the constants as values, so this module and
 * every module it imports values from have no Node.js imports (the console bundles them for the browser;
 * `npm run build` checks that the bundle has no `node:` import). Types already defined where the server
 * builds the JSON are re-exported from there, not written again.
 */
import type { JWK } from 'jose';
import type { ClientMetadata } from '../clients/client-metadata.js';
import type { toUserJson } from '../users/user-registry.js';
import type { signingKeyJson } from '../keys/signing-key-json.js';
import type { InitialAccessTokenJson } from '../security/initial-access-tokens.js';
import type { HttpRequestCommandSpec } from '../protected-apis/commands/http-request-spec.js';
import type { AdminRole, toAdminJson } from '../admin-accounts/admin-account.js';

// Constants, as values (from modules without Node.js imports).
export {
  AUTH_METHODS,
  CLIENT_AUTH_METHODS,
  CLIENT_KEY_ALGS,
  DEFAULT_ACCESS_TOKEN_LIFETIME,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  GRANT_TYPES,
  MAX_ACCESS_TOKEN_LIFETIME,
  OFFLINE_ACCESS,
  type AuthMethod,
  type ClientAuthMethod,
  type ClientKeyAlg,
  type GrantType,
} from '../clients/client.js';
export { COMMANDS_SCOPE, RESERVED_SCOPES, USERS_SCOPE } from '../protected-apis/reserved-scopes.js';
export { ROLES_SCOPE } from '../users/user.js';
export { BUILT_IN_CHECKS, type BuiltInCheckName } from '../security/checks/built-in-check-names.js';
export { ADMIN_ROLES, MIN_ADMIN_PASSWORD_LENGTH, type AdminRole } from '../admin-accounts/admin-account.js';
export { clientStatus, type ClientStatus } from '../clients/client-status.js';
export { isUserLocked, userStatus, type UserStatus } from '../users/user-status.js';
export { initialAccessTokenStatus, type InitialAccessTokenStatus } from '../security/initial-access-token-status.js';
export { AUDIT_ACTIONS, AUDIT_ACTION_PREFIXES, type AuditAction } from '../audit/audit-actions.js';

/** The windows of `GET /admin/api/overview?window=` and the length of their buckets, seconds. */
export const OVERVIEW_WINDOWS = { hour: { seconds: 3_600, bucket_seconds: 60 }, day: { seconds: 86_400, bucket_seconds: 900 } } as const;
export type OverviewWindow = keyof typeof OVERVIEW_WINDOWS;

/** The formats of `GET /admin/api/audit/export?format=`. */
export const AUDIT_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

// Field rules, as the server's own functions: the console checks every field with them before it sends a form.
export { missingRedirectUriProblem, parseRedirectUris } from '../clients/redirect-uris.js';
// How an error_description carries a value the caller sent (printable ASCII only): the console shows it as typed again.
export { toErrorDescription } from '../shared/error-description.js';
export { MIN_PASSWORD_LENGTH, parseEmail, parsePassword, parseRoles, parseUsername } from '../users/user-input.js';
export { parseAdminPassword, parseAdminUsername } from '../admin-accounts/admin-account.js';
export { checkAccessTokenLifetime, parseClientId, parseClientName, parseGrantTypes, parseLifetime, parseOrigins, parseRefreshLifetime } from '../clients/client-values.js';
export { parseProfileBody } from '../security/security-profile.js';
export { parseBrandingInput } from './branding-input.js';
export { parseTokenDeliveryChanges } from '../protected-apis/token-delivery-rules.js';
// The problems of a refused check, one per field (a FieldValidationError, or an InvalidFieldsError with several).
export { FieldValidationError, problemsOf } from '../shared/errors.js';
// The http-request command rules that need only the value (the command editor checks with them).
export {
  commandNameProblem,
  headerNameProblem,
  isUnrelayableHeader,
  positiveIntegerProblem,
  ROLES_RULE as COMMAND_ROLES_RULE,
  urlTemplateProblem,
  validRoles as validCommandRoles,
} from '../protected-apis/commands/command-field-rules.js';

// Answers whose type lives where the server builds them.
export type { ClientMetadata } from '../clients/client-metadata.js';
export type { AuditJson } from '../audit/audit-event.js';
export type { TokenDelivery } from '../protected-apis/token-delivery-rules.js';
export type { BrandingJson } from './branding-input.js';
export type { SecurityProfileFile, SecurityProfileJson } from '../security/security-profile.js';
export type { InitialAccessTokenJson } from '../security/initial-access-tokens.js';
export type { HttpRequestCommandSpec } from '../protected-apis/commands/http-request-spec.js';
export type { TokenRevocationResult as TokenRevocationJson } from '../oauth/token-revocation.js';

/** `POST /admin/api/session`, `GET /admin/api/session`: the console session (the cookie travels apart). */
export interface SessionJson {
  username: string;
  /** `admin` may change everything; `auditor` may only read (and change their own password). */
  role: AdminRole;
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

/** `GET /admin/api/setup` (no authentication): whether the console still has no administrator. */
export interface SetupStatusJson {
  /** True until the first administrator exists: the sign-in page then says how to get an account. */
  needed: boolean;
}

/** `POST /admin/api/setup` (no authentication): creates the first administrator with the one-time setup link's secret; answers 201 SessionJson. */
export interface SetupRequestJson {
  /** The setup link's fragment (after `#`), printed once by the first `gatehouse serve`. */
  setup_token: string;
  username: string;
  password: string;
}

/** The paging fields of every list answer (`GET /clients`, `/users`, `/audit`, `/sessions`, `/consents`). */
export interface PageJson {
  total: number;
  limit: number;
  offset: number;
}

/** A client's public key as `/admin/api/clients/:id/keys` lists it (a public JWK). */
export type ClientKeyJson = JWK;

/** `POST /admin/api/clients`: the client with its secret, shown once (null for a public client, which has none). */
export type CreatedClientJson = ClientMetadata & { client_secret: string | null };

/** `POST /admin/api/clients/:id/secret`: the client with its new secret, and when the previous one stops. */
export type RotatedClientSecretJson = ClientMetadata & { client_secret: string; previous_secret_expires_at: string | null };

/** A user as `/admin/api/users` shows it (never a password hash). */
export type UserJson = ReturnType<typeof toUserJson>;

/** A signing key as `/admin/api/keys` shows it (never key material). */
export type SigningKeyJson = ReturnType<typeof signingKeyJson>;

/** A server command as `GET /admin/api/applications` lists it. */
export interface CommandJson {
  name: string;
  path: string;
  description: string | null;
  protected: boolean;
  scope: string[];
  /** Roles the caller must hold (the token's `roles` claim). */
  roles: string[];
  timeout_ms: number | null;
}

/** An application (its name is also its scope) and its commands. */
export interface ApplicationJson {
  name: string;
  scope: string;
  commands: CommandJson[];
}

/** `GET /admin/api/applications`. */
export interface ApplicationsJson {
  applications: ApplicationJson[];
  reserved_scopes: readonly string[];
}

/** `POST /admin/api/profiles/:name/initial-access-tokens`: the new token, shown this once. */
export type CreatedInitialAccessTokenJson = InitialAccessTokenJson & { token: string };

/**
 * The configured names of the reserved scopes (GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE and their aliases,
 * comma-separated, '' when none): the console suggests these, not the defaults `users` and `commands`.
 */
export interface ReservedScopeSettingsJson {
  users_scope: string;
  users_scope_aliases: string;
  commands_scope: string;
  commands_scope_aliases: string;
}

/** `GET /admin/api/settings/server`: configuration values to show (read-only; never secrets). */
export type ServerSettingsJson = Record<string, string | number> & ReservedScopeSettingsJson;

/**
 * A browser session (single sign-on) as `GET /admin/api/sessions` lists it. `id` is the keyed digest of the
 * cookie's value, as stored: it names the session to end, but it is no credential (the cookie carries the random
 * value, which is never stored or shown, and no endpoint takes a digest in its place).
 */
export interface BrowserSessionJson {
  id: string;
  user_id: string;
  /** Null when the user is gone. */
  username: string | null;
  auth_time: string;
  amr: string[];
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  user_agent: string | null;
  source_address: string;
}

/** `DELETE /admin/api/users/:id/sessions`: how many live sessions of the user were ended. */
export interface EndedSessionsJson {
  user_id: string;
  ended: number;
}

/** A consent as `GET /admin/api/consents` lists it: what a user allowed a client. */
export interface ConsentJson {
  user_id: string;
  username: string | null;
  client_id: string;
  client_name: string | null;
  /** The scope elements granted, space-separated. */
  scope: string;
  granted_at: string;
  updated_at: string;
}

/** One invalid field of a refused request: the field's name and what is wrong with its value. */
export interface FieldErrorJson {
  field: string;
  /** Without the field's name; values quoted as they were sent (not limited to error_description's ASCII). */
  description: string;
}

/**
 * The body of every refusal: an error code, a description, and the field at fault when there is one.
 * When several fields of one request are invalid, `fields` lists every one (`field` is the first), so that a
 * form can mark them all at once; `error_description` then names them all.
 */
export interface ErrorJson {
  error: string;
  error_description: string;
  field?: string;
  fields?: FieldErrorJson[];
}

/**
 * A declarative command as `GET /admin/api/commands` lists it (issue 20). `source: "console"`: stored in the
 * database, editable through `POST /admin/api/commands`, `PUT` and `DELETE /admin/api/commands/:app/:name`;
 * `source: "folder"`: from GATEHOUSE_COMMANDS_DIR, read-only (`spec` is null for a JavaScript/TypeScript module).
 */
export interface DeclarativeCommandJson {
  app: string;
  name: string;
  source: 'console' | 'folder';
  spec: HttpRequestCommandSpec | null;
  /** The protection that applies (as `GET /admin/api/applications` shows it). */
  protected: boolean;
  scope: string[];
  roles: string[];
  /** Stored commands only: when and by whom last saved; null for folder commands. */
  updated_at: string | null;
  updated_by: string | null;
}

/** `GET /admin/api/commands`. */
export interface DeclarativeCommandsJson {
  commands: DeclarativeCommandJson[];
}

/** `POST /admin/api/commands/try`: runs a spec once (saved or not) with a sample input, as the caller given. */
export interface CommandTryRequestJson {
  spec: HttpRequestCommandSpec;
  input: unknown;
}

/**
 * The answer of `POST /admin/api/commands/try` (200 whatever the upstream answered): the request as sent (header
 * values that came from `{{env...}}` shown as `[redacted]`), what the upstream answered, and what a caller of
 * the command would get.
 */
export interface CommandTryResultJson {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  /** Null when no answer came (refused destination, unreachable, timeout). */
  response: { status: number; headers: Record<string, string>; body: string } | null;
  /** What `POST /api/apps/:app/commands/:name` would answer. */
  result: { status: number; body: unknown };
  duration_ms: number;
}

/** A console account as `/admin/api/admins` lists it (never the password hash). */
export type AdminJson = ReturnType<typeof toAdminJson>;

/** `GET /admin/api/admins`. */
export interface AdminsJson {
  admins: AdminJson[];
}

/** `POST /admin/api/admins` (`role` defaults to `admin`). */
export interface NewAdminJson {
  username: string;
  password: string;
  role?: AdminRole;
}

/** `PATCH /admin/api/admins/:id`. */
export interface AdminRoleChangeJson {
  role: AdminRole;
}

/** `POST /admin/api/admins/:id/password`: a new password set by an administrator (the account's sessions end). */
export interface AdminPasswordResetJson {
  password: string;
}

/** `POST /admin/api/session/password`: the signed-in account changes its own password (its other sessions end). */
export interface OwnPasswordChangeJson {
  current_password: string;
  new_password: string;
}

/** `POST /admin/api/tokens/revoke`: exactly one member (`user_id`: an id or a username). */
export type TokenRevocationRequestJson = { jti: string } | { client_id: string } | { user_id: string };

/** One line of an overview chart: a count per bucket (aligned with `OverviewJson.buckets`) and their sum. */
export interface OverviewSeriesJson {
  /** A grant type (tokens issued) or an action (refusals, sign-in failures). */
  name: string;
  counts: number[];
  total: number;
}

/** `GET /admin/api/overview?window=hour|day`: what the audit log counted over the window, and the health of the store. */
export interface OverviewJson {
  window: OverviewWindow;
  from: string;
  to: string;
  bucket_seconds: number;
  /** The start of each bucket, epoch seconds, oldest first. */
  buckets: number[];
  /** False when the store could not be read: the counts are then empty and `health.store.error` says why. */
  counted: boolean;
  /** `token.issued` by grant type. */
  tokens_issued: OverviewSeriesJson[];
  /** `token.refused`, `introspection.refused`, `revocation.refused`. */
  refused: OverviewSeriesJson[];
  /** Failed hosted-page sign-ins and security checks, refused console sign-ins, failed admin authentication. */
  sign_in_failures: OverviewSeriesJson[];
  /** Refused requests by error code, most first (at most 10). */
  refusal_reasons: { reason: string; count: number }[];
  /** The clients with the most token requests, most first (at most 10). */
  busiest_clients: { client_id: string; issued: number; refused: number }[];
  health: {
    store: { engine: 'sqlite' | 'postgres'; available: boolean; query_ms: number | null; error: string | null };
    change_feed: {
      /** PostgreSQL servers: whether the LISTEN connection is up (null on SQLite, which polls only). */
      listening: boolean | null;
      last_read_at: string | null;
      failing: boolean;
      resync_pending: boolean;
    };
    audit_queue: { queued: number; written: number; dropped: number };
  };
}

/** `GET /admin/api/audit/actions`: the actions the audit log records, and the prefixes an action filter may use. */
export interface AuditActionsJson {
  actions: readonly string[];
  prefixes: readonly string[];
}
