import type { Generated } from 'kysely';

/** Row shapes of every table. Timestamps are epoch milliseconds; booleans are 0/1 on both engines. */
export interface ClientsTable {
  client_id: string;
  client_name: string;
  secret_digest: string | null;
  previous_secret_digest: string | null;
  previous_secret_expires_at: number | null;
  /** JSON array of grant type names. */
  grant_types: string;
  /** Space-separated scope elements. */
  scope: string;
  token_endpoint_auth_method: string;
  access_token_lifetime: number;
  refresh_tokens: number;
  enabled: number;
  expires_at: number | null;
  /** JSON array of origins. */
  allowed_origins: string;
  /** JSON Web Key Set (public keys) or null. */
  jwks: string | null;
  created_at: number;
  updated_at: number;
  /** Seconds a refresh token lives. */
  refresh_token_lifetime: number;
  may_act_for_users: number;
  /** Name of the client's security profile, or null. */
  profile: string | null;
  /** Keyed digest of the PIN an administrator set (PinCode check), or null. */
  pin_digest: string | null;
  /** JSON arrays of URIs (migration 0019). */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  skip_consent: number;
  /** Space-separated default scope (migration 0022); null: every allowed element. */
  default_scope: string | null;
  /** 1: user tokens carry the roles claim without the roles scope (migration 0025). */
  roles_claim: number;
  /** RFC 9126 require_pushed_authorization_requests. */
  require_par: number;
}

export interface SecurityProfilesTable {
  name: string;
  max_token_expiration: number;
  /** JSON object {element: [check, ...]}. */
  scope_element_mapping: string;
  /** JSON array of scope elements. */
  mandatory_scope: string;
  created_at: number;
  updated_at: number;
  /** 1: app instances may register under this profile (RFC 7591). */
  registration_enabled: number;
  /** Space-separated default scope of the profile's clients that have none (migration 0025); null: not set. */
  default_scope: string | null;
}

export interface InitialAccessTokensTable {
  id: string;
  profile: string;
  token_digest: string;
  description: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** App instances registered with the token (migration 0018). */
  registrations: Generated<number>;
}

export interface SecurityCheckStatesTable {
  client_id: string;
  check_name: string;
  passed_until: number | null;
  failed_attempts: number;
  blocked_until: number | null;
  version: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  username: string;
  username_key: string;
  password_hash: string;
  display_name: string | null;
  email: string | null;
  /** JSON array of role names. */
  roles: string;
  enabled: number;
  failed_attempts: number;
  first_failed_at: number | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface RefreshTokensTable {
  /** Keyed digest of the opaque token; the token itself is never stored. */
  token_digest: string;
  family_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  /** JSON array of the grant's RFC 8707 resources ('[]': none). */
  resources: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  /** Private JWK encrypted with AES-256-GCM under a key derived from the master secret. */
  private_jwk_encrypted: string;
  created_at: number;
  /** When the key starts signing; it is published in the JWKS from created_at. */
  activates_at: number;
  /** 'access_token' or 'id_token' (SigningKeyPurpose). */
  purpose: Generated<string>;
}

export interface RevokedTokensTable {
  jti: string;
  client_id: string;
  expires_at: number;
  revoked_at: number;
}

/** A revoked refresh-token family: its access tokens are refused until expires_at. */
export interface RevokedGrantsTable {
  family_id: string;
  client_id: string;
  expires_at: number;
  revoked_at: number;
}

export interface SettingsTable {
  name: string;
  value: string;
  updated_at: number;
}

export interface ChangeEventsTable {
  seq: Generated<number>;
  /** What changed: 'client', 'signing_key', 'revocation', ... */
  kind: string;
  /** Which one (client id, kid, jti). */
  ref: string;
  created_at: number;
}

export interface UsedAssertionsTable {
  client_id: string;
  jti: string;
  expires_at: number;
}

export interface AdminsTable {
  id: string;
  username: string;
  username_key: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface AdminSessionsTable {
  /** Keyed digest of the session cookie's value. */
  session_digest: string;
  admin_id: string;
  created_at: number;
  last_used_at: number;
  /** Absolute end of the session, whatever its use. */
  expires_at: number;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  /** 'success' or 'failure'. */
  outcome: string;
  status: number | null;
  reason: string | null;
  client_id: string | null;
  source_address: string | null;
  /** Issued tokens (`token.issued`): the grant, `sub`, granted scope, `jti` and expiry (epoch ms). */
  grant_type: string | null;
  subject: string | null;
  scope: string | null;
  jti: string | null;
  expires_at: number | null;
}

export interface AttemptCountersTable {
  /** The rule's name and a digest of the value it counts. */
  key: string;
  attempts: number;
  /** End of the key's current window. */
  window_ends_at: number;
}

/** A person's way through the sign-in pages (migration 0020). */
export interface SignInInteractionsTable {
  /** Keyed digest of the id in the page URL. */
  id_digest: string;
  /** JSON of the checked AuthorizationRequest. */
  request: string;
  csrf_digest: string;
  session_id_digest: string | null;
  created_at: number;
  expires_at: number;
}

/** Authorization codes, stored as keyed digests (migration 0020). */
export interface AuthorizationCodesTable {
  code_digest: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  /** JSON array of RFC 8707 resources. */
  resources: string;
  /** JSON array of granted scope elements. */
  scopes: string;
  user_id: string;
  session_id_digest: string;
  auth_time: number;
  /** JSON array of authentication methods (OIDC amr). */
  amr: string;
  grant_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Browser sessions (single sign-on), keyed by a digest of the cookie's value (migration 0020). */
export interface BrowserSessionsTable {
  id_digest: string;
  /** References users.id, ON DELETE CASCADE. */
  user_id: string;
  auth_time: number;
  /** JSON array of authentication methods (OIDC amr). */
  amr: string;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  ended_at: number | null;
  user_agent: string | null;
  source_address: string;
}

/** Consents remembered per user and client (migration 0020); both references cascade on delete. */
export interface ConsentsTable {
  user_id: string;
  client_id: string;
  /** JSON array of scope elements, sorted. */
  scopes: string;
  granted_at: number;
  updated_at: number;
}

/** RFC 9126 pushed authorization requests, keyed by a digest of the request_uri's random part (migration 0020). */
export interface PushedAuthorizationRequestsTable {
  request_uri_digest: string;
  client_id: string;
  /** JSON object of the pushed parameters. */
  params: string;
  created_at: number;
  expires_at: number;
}

/** Declarative commands authored through the admin API (migration 0023). */
export interface StoredCommandsTable {
  app: string;
  name: string;
  /** JSON text of the http-request spec. */
  spec: string;
  created_at: number;
  updated_at: number;
  /** The admin actor who saved it last. */
  updated_by: string;
}

export interface Database {
  clients: ClientsTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  used_assertions: UsedAssertionsTable;
  signing_keys: SigningKeysTable;
  revoked_tokens: RevokedTokensTable;
  revoked_grants: RevokedGrantsTable;
  settings: SettingsTable;
  change_events: ChangeEventsTable;
  security_profiles: SecurityProfilesTable;
  security_check_states: SecurityCheckStatesTable;
  initial_access_tokens: InitialAccessTokensTable;
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  audit_events: AuditEventsTable;
  attempt_counters: AttemptCountersTable;
  sign_in_interactions: SignInInteractionsTable;
  authorization_codes: AuthorizationCodesTable;
  browser_sessions: BrowserSessionsTable;
  consents: ConsentsTable;
  pushed_authorization_requests: PushedAuthorizationRequestsTable;
  stored_commands: StoredCommandsTable;
}
