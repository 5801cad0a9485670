import { parseClientChanges, ClientValidationError, type ClientChanges } from '../clients/client-metadata.js';
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

export const invalidClientMetadata = (description: string) => new OAuthError(400, 'invalid_client_metadata', description);
export const invalidRedirectUri = (description: string) => new OAuthError(400, 'invalid_redirect_uri', description);

/** Checks a registration body (already a JSON object) against the profile it registers under and how it was admitted. */
export function planRegistration(
  body: Record<string, unknown>,
  profile: Pick<SecurityProfile, 'name' | 'scopeElementMapping'> & Partial<Pick<SecurityProfile, 'registrationChecks'>>,
  policy: RegistrationPolicy,
): RegistrationPlan {
  checkSoftwareStatement(body.software_statement, (profile.registrationChecks ?? []).length > 0);
  if (body.jwks_uri !== undefined) throw invalidClientMetadata('jwks_uri is not supported; send the public keys in jwks');

  // RFC 7591 §2: without grant_types a client uses authorization_code; app instances (no redirect URIs) keep client_credentials.
  const defaultGrants: RegistrableGrant[] = policy === 'open' || body.redirect_uris !== undefined ? ['authorization_code'] : ['client_credentials'];
  const grants = body.grant_types === undefined ? defaultGrants : parseRegistrableGrants(body.grant_types);
  if (policy === 'open' && grants.some((grant) => !OPEN_GRANTS.includes(grant))) {
    throw invalidClientMetadata('open registration registers only authorization_code clients (grant_types authorization_code, refresh_token); others need an initial access token');
  }
  const codeFlow = grants.includes('authorization_code');
  const grantTypes = grants.filter((grant): grant is GrantType & RegistrableGrant => grant !== 'refresh_token');
  if (grantTypes.length === 0) throw invalidClientMetadata('grant_types: refresh_token needs authorization_code');

  const method = body.token_endpoint_auth_method ?? (body.jwks !== undefined || !codeFlow ? 'private_key_jwt' : 'none');
  if (method !== 'none' && method !== 'private_key_jwt') {
    throw invalidClientMetadata('token_endpoint_auth_method must be none (a public client) or private_key_jwt (with jwks); registered clients get no secret');
  }
  if (method === 'none') {
    if (!codeFlow || grantTypes.length > 1) throw invalidClientMetadata('a public client (token_endpoint_auth_method none) may use only authorization_code');
    if (body.jwks !== undefined) throw invalidClientMetadata('a public client (token_endpoint_auth_method none) has no keys: leave out jwks, or use private_key_jwt');
  } else if (body.jwks === undefined) {
    throw invalidClientMetadata('jwks is required: the public key(s) the client signs its client assertions with');
  }

  checkResponseTypes(body.response_types, codeFlow);
  const redirectUris = codeFlow ? checkRedirectUris(body.redirect_uris) : undefined;
  if (!codeFlow && (body.redirect_uris !== undefined || body.post_logout_redirect_uris !== undefined)) {
    throw invalidClientMetadata('redirect_uris and post_logout_redirect_uris belong to authorization_code clients; add it to grant_types');
  }
  const scope = codeFlow ? checkScope(body.scope, profile, grants.includes('refresh_token')) : [];

  // Only fields named here reach the client: skip_consent, may_act_for_users, scope, profile and the rest are never taken from the body.
  const metadata: Record<string, unknown> = {
    jwks: body.jwks,
    token_endpoint_auth_method: method,
    grant_types: grantTypes,
    refresh_tokens: grants.includes('refresh_token'),
    profile: profile.name,
  };
  if (codeFlow && typeof body.client_name === 'string' && SPOOFING_CHARACTERS.test(body.client_name)) {
    throw invalidClientMetadata('client_name must not contain control, format or bidirectional override characters');
  }
  if (body.client_name !== undefined || !codeFlow) metadata.client_name = body.client_name ?? `app instance (${profile.name})`;
  if (redirectUris !== undefined) metadata.redirect_uris = redirectUris;
  if (codeFlow && body.post_logout_redirect_uris !== undefined) metadata.post_logout_redirect_uris = body.post_logout_redirect_uris;
  // RFC 9126 §6: a client may ask to be held to pushed requests (stricter, never looser).
  if (codeFlow && body.require_pushed_authorization_requests !== undefined) metadata.require_pushed_authorization_requests = body.require_pushed_authorization_requests;
  const changes = asClientMetadataError(() => parseClientChanges(metadata, 'create'));
  if (method === 'private_key_jwt' && (!changes.jwks || changes.jwks.keys.length === 0)) throw invalidClientMetadata('jwks must hold at least one public key');
  return { kind: codeFlow ? 'code-flow' : 'instance', changes, scope };
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
  if (!Array.isArray(value) || value.length === 0) throw invalidClientMetadata(`grant_types must be a non-empty list of ${REGISTRABLE_GRANTS.join(', ')}`);
  const grants = new Set<RegistrableGrant>();
  for (const item of value) {
    const grant = REGISTRABLE_GRANTS.find((candidate) => candidate === item);
    if (!grant) throw invalidClientMetadata(`grant_types: '${String(item)}' cannot be registered; use ${REGISTRABLE_GRANTS.join(', ')}`);
    grants.add(grant);
  }
  return [...grants];
}

/** response_types: only `code` (no implicit, no hybrid), and only with the authorization_code grant (RFC 7591 §2.1). */
function checkResponseTypes(value: unknown, codeFlow: boolean): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => item !== 'code')) throw invalidClientMetadata('response_types may only be [code]: no implicit or hybrid response types');
  if (value.length > 0 && !codeFlow) throw invalidClientMetadata('response_types code needs the authorization_code grant');
  if (value.length === 0 && codeFlow) throw invalidClientMetadata('the authorization_code grant needs response_types [code]');
}

function checkRedirectUris(value: unknown): string[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) throw invalidRedirectUri('redirect_uris is required for the authorization_code grant');
  try {
    return parseRedirectUris(value, 'redirect_uris');
  } catch (error) {
    if (error instanceof ClientValidationError) throw invalidRedirectUri(error.message);
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
  if (typeof value !== 'string') throw invalidClientMetadata('scope must be a string of space-separated scope elements');
  const requested = [...new Set(value.split(' ').filter((element) => element !== ''))];
  if (!refreshTokens && requested.includes(OFFLINE_ACCESS)) throw invalidClientMetadata(`scope: ${OFFLINE_ACCESS} needs refresh_token in grant_types`);
  const unknown = requested.filter((element) => !allowed(element));
  if (unknown.length > 0) throw invalidClientMetadata(`scope: ${unknown.join(' ')} cannot be registered (not in the scope mapping of the profile ${profile.name})`);
  return requested;
}

function asClientMetadataError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ClientValidationError) throw invalidClientMetadata(error.message);
    throw error;
  }
}
