import { parseClientChanges, ClientValidationError, type ClientChanges } from '../clients/client-metadata.js';
import { checkFields, FieldValidationError, problemsOf } from '../shared/errors.js';
import { OFFLINE_ACCESS, type Client, type GrantType } from '../clients/client.js';
import { parseRedirectUris } from '../clients/redirect-uris.js';
import type { SecurityProfile } from '../security/security-profile.js';
import { OAuthError } from './oauth-error.js';

/**
 * RFC 7591 client metadata in, the client to create and the registration response out. Two kinds of client register:
 * - an app instance: private_key_jwt with its public keys (jwks), client_credentials only (as before issue 19);
 * - a client of the authorization code flow (browser, native or MCP client): redirect_uris, public
 *   (`token_endpoint_auth_method: none`) or private_key_jwt with jwks.
 * Nothing a registration sends is trusted: it never skips consent, never acts for users, has no allowed
 * scopes of its own (every scope element goes through its profile's mapping and checks), and gets no password grant.
 */

/** How a registration was admitted: with an initial access token, or by open registration (no token; code-flow clients only). */
export type RegistrationPolicy = 'initial-access-token' | 'open';

/** A checked registration: what to create, and the scope the response shows. */
export interface RegistrationPlan {
  kind: 'instance' | 'code-flow';
  changes: ClientChanges;
  /** The scope elements the client may ask for (its profile's mapping governs them; not stored on the client). */
  scope: string[];
}

/** RFC 7591 §3.2.1: what the registration response shows of the new client. */
export interface RegistrationResponse {
  client_id: string;
  client_id_issued_at: number;
  client_name: string;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  require_pushed_authorization_requests?: boolean;
  jwks?: Client['jwks'];
}

/** Grant types a registration may name; `refresh_token` means "refresh tokens on" (RFC 7591 §2). */
const REGISTRABLE_GRANTS = ['authorization_code', 'client_credentials', 'refresh_token'] as const;
type RegistrableGrant = (typeof REGISTRABLE_GRANTS)[number];
/** What open registration may ask for: the code flow, with or without refresh tokens. */
const OPEN_GRANTS: readonly RegistrableGrant[] = ['authorization_code', 'refresh_token'];

/**
 * Characters a self-chosen name shown on the consent page (code-flow clients) could hide behind: controls
 * (C0 and C1), and format characters (bidirectional overrides and isolates, zero-width ones) that reorder or hide text.
 */
const SPOOFING_CHARACTERS = /[\p{Cc}\p{Cf}]/u;

/** The RFC 7591 §3.2.2 error codes a registration's metadata is refused with. */
type MetadataErrorCode = 'invalid_client_metadata' | 'invalid_redirect_uri';

/**
 * One field's problem with a registration: the field and reason (for `fields`), the RFC 7591 §3.2.2 error it is
 * answered with, and its description when it is the only problem (by default `<field> <reason>`).
 */
class RegistrationFieldError extends ClientValidationError {
  constructor(
    readonly registrationError: MetadataErrorCode,
    field: string,
    reason: string,
    description = `${field} ${reason}`,
  ) {
    super(field, reason);
    this.message = description;
  }
}

const metadataProblem = (field: string, reason: string, description?: string) => new RegistrationFieldError('invalid_client_metadata', field, reason, description);
const redirectUriProblem = (field: string, reason: string, description?: string) => new RegistrationFieldError('invalid_redirect_uri', field, reason, description);

/**
 * The RFC 7591 §3.2.2 refusal of a registration whose metadata failed: `code` (the first problem's), the
 * description, and when several fields failed, every one in `fields` ({field, description}, as the admin API).
 */
export function registrationRefusal(error: FieldValidationError, code: MetadataErrorCode = 'invalid_client_metadata'): OAuthError {
  const problems = problemsOf(error);
  const [first] = problems;
  const fields = problems.length > 1 && first ? { field: first.field, fields: problems.map((problem) => ({ field: problem.field, description: problem.reason })) } : {};
  return new OAuthError(400, code, error.message, {}, fields);
}

/**
 * Checks a registration body (already a JSON object) against the profile it registers under and how it was
 * admitted. Every field is checked (a check that needs another field's value is skipped when that one is
 * invalid), and every problem is answered at once, with the error code of the first (RFC 7591 §3.2.2).
 */
export function planRegistration(
  body: Record<string, unknown>,
  profile: Pick<SecurityProfile, 'name' | 'scopeElementMapping'> & Partial<Pick<SecurityProfile, 'registrationChecks'>>,
  policy: RegistrationPolicy,
): RegistrationPlan {
  checkSoftwareStatement(body.software_statement, (profile.registrationChecks ?? []).length > 0);

  // Set by the checks below as they pass; a check that reads one of them is skipped while it is undefined.
  let grants: RegistrableGrant[] | undefined;
  let method: unknown;
  let redirectUris: string[] | undefined;
  let scope: string[] = [];
  let clientNameValid = true;
  let changes: ClientChanges = {};
  const codeFlow = () => grants?.includes('authorization_code');
  const grantTypes = () => (grants ?? []).filter((grant): grant is GrantType & RegistrableGrant => grant !== 'refresh_token');
  /** The error code of every failed check, in order: the refusal takes the first's. */
  const codes: MetadataErrorCode[] = [];
  const noting = (check: () => void) => (): void => {
    try {
      check();
    } catch (error) {
      if (error instanceof FieldValidationError) codes.push(error instanceof RegistrationFieldError ? error.registrationError : 'invalid_client_metadata');
      throw error;
    }
  };

  const checks: Record<string, () => void> = {
    jwks_uri: () => {
      if (body.jwks_uri !== undefined) throw metadataProblem('jwks_uri', 'is not supported; send the public keys in jwks');
    },
    grant_types: () => {
      // RFC 7591 §2: without grant_types a client uses authorization_code; app instances (no redirect URIs) keep client_credentials.
      const defaultGrants: RegistrableGrant[] = policy === 'open' || body.redirect_uris !== undefined ? ['authorization_code'] : ['client_credentials'];
      const parsed = body.grant_types === undefined ? defaultGrants : parseRegistrableGrants(body.grant_types);
      if (policy === 'open' && parsed.some((grant) => !OPEN_GRANTS.includes(grant))) {
        const reason = 'open registration registers only authorization_code clients (grant_types authorization_code, refresh_token); others need an initial access token';
        throw metadataProblem('grant_types', reason, reason);
      }
      if (!parsed.some((grant) => grant !== 'refresh_token')) throw metadataProblem('grant_types', 'refresh_token needs authorization_code', 'grant_types: refresh_token needs authorization_code');
      grants = parsed;
    },
    token_endpoint_auth_method: () => {
      const value = body.token_endpoint_auth_method;
      if (value !== undefined && value !== 'none' && value !== 'private_key_jwt') {
        const reason = 'must be none (a public client) or private_key_jwt (with jwks); registered clients get no secret';
        throw metadataProblem('token_endpoint_auth_method', reason);
      }
      if (grants !== undefined) method = value ?? (body.jwks !== undefined || !codeFlow() ? 'private_key_jwt' : 'none');
    },
    public_client: () => {
      if (method !== 'none') return;
      const reason = 'a public client (token_endpoint_auth_method none) may use only authorization_code';
      if (!codeFlow() || grantTypes().length > 1) throw metadataProblem('grant_types', reason, reason);
    },
    jwks_of_method: () => {
      if (method === 'none' && body.jwks !== undefined) {
        const reason = 'a public client (token_endpoint_auth_method none) has no keys: leave out jwks, or use private_key_jwt';
        throw metadataProblem('jwks', reason, reason);
      }
      if (method === 'private_key_jwt' && body.jwks === undefined) {
        throw metadataProblem('jwks', 'is required: the public key(s) the client signs its client assertions with');
      }
    },
    response_types: () => {
      if (grants !== undefined) checkResponseTypes(body.response_types, codeFlow() === true);
    },
    redirect_uris: () => {
      if (grants === undefined) return;
      if (codeFlow()) redirectUris = checkRedirectUris(body.redirect_uris);
      else if (body.redirect_uris !== undefined || body.post_logout_redirect_uris !== undefined) {
        const reason = 'redirect_uris and post_logout_redirect_uris belong to authorization_code clients; add it to grant_types';
        throw metadataProblem(body.redirect_uris !== undefined ? 'redirect_uris' : 'post_logout_redirect_uris', reason, reason);
      }
    },
    scope: () => {
      if (codeFlow()) scope = checkScope(body.scope, profile, grants?.includes('refresh_token') === true);
    },
    client_name: () => {
      if (codeFlow() && typeof body.client_name === 'string' && SPOOFING_CHARACTERS.test(body.client_name)) {
        clientNameValid = false;
        throw metadataProblem('client_name', 'must not contain control, format or bidirectional override characters');
      }
    },
    // The rest of the metadata as any client's (jwks, client_name, post-logout redirect URIs, ...), each field once.
    metadata: () => {
      if (grants === undefined || method === undefined) return;
      // Only fields named here reach the client: skip_consent, may_act_for_users, scope, profile and the rest are never taken from the body.
      const metadata: Record<string, unknown> = {
        token_endpoint_auth_method: method,
        grant_types: grantTypes(),
        refresh_tokens: grants.includes('refresh_token'),
        profile: profile.name,
      };
      if (method === 'private_key_jwt') metadata.jwks = body.jwks;
      if (clientNameValid && (body.client_name !== undefined || !codeFlow())) metadata.client_name = body.client_name ?? `app instance (${profile.name})`;
      if (redirectUris !== undefined) metadata.redirect_uris = redirectUris;
      if (codeFlow() && body.post_logout_redirect_uris !== undefined) metadata.post_logout_redirect_uris = body.post_logout_redirect_uris;
      // RFC 9126 §6: a client may ask to be held to pushed requests (stricter, never looser).
      if (codeFlow() && body.require_pushed_authorization_requests !== undefined) metadata.require_pushed_authorization_requests = body.require_pushed_authorization_requests;
      changes = parseClientChanges(metadata, 'create');
      if (method === 'private_key_jwt' && changes.jwks !== undefined && (changes.jwks === null || changes.jwks.keys.length === 0)) {
        throw metadataProblem('jwks', 'must hold at least one public key');
      }
    },
  };
  try {
    checkFields(Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, noting(check)])));
  } catch (error) {
    if (error instanceof FieldValidationError) throw registrationRefusal(error, codes[0]);
    throw error;
  }
  return { kind: codeFlow() ? 'code-flow' : 'instance', changes, scope };
}

/** The registration response (RFC 7591 §3.2.1) of a client created from a plan. */
export function registrationResponse(client: Client, plan: RegistrationPlan): RegistrationResponse {
  const codeFlow = client.grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_name: client.clientName,
    grant_types: [...client.grantTypes, ...(client.refreshTokens ? ['refresh_token'] : [])],
    response_types: codeFlow ? ['code'] : [],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: plan.kind === 'instance' ? client.scopes.join(' ') : plan.scope.join(' '),
    ...(codeFlow
      ? { redirect_uris: [...client.redirectUris], post_logout_redirect_uris: [...client.postLogoutRedirectUris], require_pushed_authorization_requests: client.requirePushedAuthorizationRequests }
      : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
  };
}

/** A JWS in compact serialization: three base64url parts (RFC 7515 §7.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_SOFTWARE_STATEMENT = 16 * 1024;

/**
 * RFC 7591 §2.3: a software statement is a signed JWT. Only a profile with registration checks takes one (its checks
 * verify it); elsewhere it is refused, as no one would verify it.
 */
function checkSoftwareStatement(value: unknown, checked: boolean): void {
  if (value === undefined) return;
  if (!checked) throw new OAuthError(400, 'invalid_software_statement', 'software statements are not supported (the profile has no registration checks)');
  if (typeof value !== 'string' || value.length > MAX_SOFTWARE_STATEMENT || !COMPACT_JWS.test(value)) {
    throw new OAuthError(400, 'invalid_software_statement', 'software_statement must be a signed JWT in compact serialization (RFC 7591 §2.3)');
  }
}

/** The evidence a registration carries for its profile's registration checks: `attestation`, else `software_statement`. */
export function attestationOf(body: Record<string, unknown>): { attestation: unknown; attestationSource: 'attestation' | 'software_statement' | undefined } {
  if (body.attestation !== undefined) return { attestation: body.attestation, attestationSource: 'attestation' };
  if (body.software_statement !== undefined) return { attestation: body.software_statement, attestationSource: 'software_statement' };
  return { attestation: undefined, attestationSource: undefined };
}

function parseRegistrableGrants(value: unknown): RegistrableGrant[] {
  if (!Array.isArray(value) || value.length === 0) throw metadataProblem('grant_types', `must be a non-empty list of ${REGISTRABLE_GRANTS.join(', ')}`);
  const grants = new Set<RegistrableGrant>();
  for (const item of value) {
    const grant = REGISTRABLE_GRANTS.find((candidate) => candidate === item);
    if (!grant) {
      const reason = `'${String(item)}' cannot be registered; use ${REGISTRABLE_GRANTS.join(', ')}`;
      throw metadataProblem('grant_types', reason, `grant_types: ${reason}`);
    }
    grants.add(grant);
  }
  return [...grants];
}

/** response_types: only `code` (no implicit, no hybrid), and only with the authorization_code grant (RFC 7591 §2.1). */
function checkResponseTypes(value: unknown, codeFlow: boolean): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => item !== 'code')) throw metadataProblem('response_types', 'may only be [code]: no implicit or hybrid response types');
  if (value.length > 0 && !codeFlow) throw metadataProblem('response_types', 'code needs the authorization_code grant');
  if (value.length === 0 && codeFlow) {
    const reason = 'the authorization_code grant needs response_types [code]';
    throw metadataProblem('response_types', reason, reason);
  }
}

function checkRedirectUris(value: unknown): string[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) throw redirectUriProblem('redirect_uris', 'is required for the authorization_code grant');
  try {
    return parseRedirectUris(value, 'redirect_uris');
  } catch (error) {
    if (error instanceof ClientValidationError) throw redirectUriProblem(error.field, error.reason, error.message);
    throw error;
  }
}

/**
 * The requested scope, each element one the profile maps, or offline_access for a client with refresh tokens;
 * absent: all of those.
 */
function checkScope(value: unknown, profile: Pick<SecurityProfile, 'name' | 'scopeElementMapping'>, refreshTokens: boolean): string[] {
  const allowed = (element: string) => Object.hasOwn(profile.scopeElementMapping, element) || (refreshTokens && element === OFFLINE_ACCESS);
  if (value === undefined) return [...Object.keys(profile.scopeElementMapping).filter((element) => element !== OFFLINE_ACCESS), ...(refreshTokens ? [OFFLINE_ACCESS] : [])];
  if (typeof value !== 'string') throw metadataProblem('scope', 'must be a string of space-separated scope elements');
  const requested = [...new Set(value.split(' ').filter((element) => element !== ''))];
  if (!refreshTokens && requested.includes(OFFLINE_ACCESS))
    throw metadataProblem('scope', `${OFFLINE_ACCESS} needs refresh_token in grant_types`, `scope: ${OFFLINE_ACCESS} needs refresh_token in grant_types`);
  const unknown = requested.filter((element) => !allowed(element));
  if (unknown.length > 0) {
    const reason = `${unknown.join(' ')} cannot be registered (not in the scope mapping of the profile ${profile.name})`;
    throw metadataProblem('scope', reason, `scope: ${reason}`);
  }
  return requested;
}
