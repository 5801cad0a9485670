import { isPublicClient, OFFLINE_ACCESS, type Client } from './client.js';
import { CLIENT_FIELD_LIST, type AppliedProperty, type ClientChanges, type InitialProperty } from './client-fields.js';
import { ClientValidationError } from './client-validation-error.js';
import { missingRedirectUriProblem } from './redirect-uris.js';

/** The domain rules of client metadata: what a new client starts with, and the rules between fields. */

const APPLIED = CLIENT_FIELD_LIST.flatMap(([, field]) => (field.applies && field.property !== undefined ? [field.property as AppliedProperty] : []));
const INITIAL = CLIENT_FIELD_LIST.flatMap(([, field]) => (field.initial && field.property !== undefined ? [{ property: field.property, initial: field.initial }] : []));

/** Applies changes to a client (or to the defaults of a new one) and checks the rules between fields. */
export function applyClientChanges(current: Client, changes: ClientChanges, now: number): Client {
  const next: Client = { ...current, updatedAt: now };
  const target = next as unknown as Record<AppliedProperty, unknown>;
  // The table's `setting` ties each applied property's parsed value to the Client property's type.
  for (const property of APPLIED) if (changes[property] !== undefined) target[property] = changes[property];

  if (next.refreshTokens && next.grantTypes.every((grant) => grant === 'client_credentials')) {
    throw new ClientValidationError('refresh_tokens', 'refresh tokens are never issued for client_credentials; add the password or authorization_code grant, or turn refresh_tokens off');
  }
  if (isPublicClient(next)) {
    if (next.grantTypes.some((grant) => grant !== 'authorization_code')) {
      throw new ClientValidationError('grant_types', "a public client (token_endpoint_auth_method 'none') may use only authorization_code");
    }
    if (changes.clientSecret !== undefined) throw new ClientValidationError('client_secret', "a public client (token_endpoint_auth_method 'none') has no secret");
    // A client made public keeps no secret that could still authenticate it.
    next.secretDigest = null;
    next.previousSecretDigest = null;
    next.previousSecretExpiresAt = null;
  }
  const missingRedirectUri = missingRedirectUriProblem(next.grantTypes, next.redirectUris);
  if (missingRedirectUri !== null) throw new ClientValidationError('redirect_uris', missingRedirectUri);
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
  const initial = Object.fromEntries(INITIAL.map(({ property, initial }) => [property, initial(clientId)])) as Pick<Client, InitialProperty>;
  return {
    ...initial,
    secretDigest: null,
    previousSecretDigest: null,
    previousSecretExpiresAt: null,
    pinDigest: null,
    createdAt: now,
    updatedAt: now,
  };
}
