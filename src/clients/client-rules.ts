import { isPublicClient, OFFLINE_ACCESS, type Client } from './client.js';
import { CLIENT_FIELD_LIST, type AppliedProperty, type ClientChanges, type InitialProperty } from './client-fields.js';
import { checkClientFields, ClientValidationError } from './client-validation-error.js';
import { missingRedirectUriProblem } from './redirect-uris.js';

/** The domain rules of client metadata: what a new client starts with, and the rules between fields. */

const APPLIED = CLIENT_FIELD_LIST.flatMap(([, field]) => (field.applies && field.property !== undefined ? [field.property as AppliedProperty] : []));
const INITIAL = CLIENT_FIELD_LIST.flatMap(([, field]) => (field.initial && field.property !== undefined ? [{ property: field.property, initial: field.initial }] : []));

/**
 * A rule between fields: `inputs` are the wire names of the fields it reads (it is skipped when one of them is
 * itself invalid: that field's own problem is the one to fix), and `check` throws a ClientValidationError.
 */
interface ClientRule {
  readonly inputs: readonly string[];
  readonly check: (next: Client, changes: ClientChanges) => void;
}

/** The rules between fields, in the order they are reported (after every field's own problem). */
const CLIENT_RULES: Readonly<Record<string, ClientRule>> = {
  refreshTokensNeedAUserGrant: {
    inputs: ['refresh_tokens', 'grant_types'],
    check: (next) => {
      if (next.refreshTokens && next.grantTypes.every((grant) => grant === 'client_credentials')) {
        throw new ClientValidationError('refresh_tokens', 'refresh tokens are never issued for client_credentials; add the password or authorization_code grant, or turn refresh_tokens off');
      }
    },
  },
  publicClientGrants: {
    inputs: ['token_endpoint_auth_method', 'grant_types'],
    check: (next) => {
      if (isPublicClient(next) && next.grantTypes.some((grant) => grant !== 'authorization_code')) {
        throw new ClientValidationError('grant_types', "a public client (token_endpoint_auth_method 'none') may use only authorization_code");
      }
    },
  },
  publicClientSecret: {
    inputs: ['token_endpoint_auth_method', 'client_secret'],
    check: (next, changes) => {
      if (isPublicClient(next) && changes.clientSecret !== undefined) throw new ClientValidationError('client_secret', "a public client (token_endpoint_auth_method 'none') has no secret");
    },
  },
  codeGrantNeedsRedirectUris: {
    inputs: ['grant_types', 'redirect_uris'],
    check: (next) => {
      const missing = missingRedirectUriProblem(next.grantTypes, next.redirectUris);
      if (missing !== null) throw new ClientValidationError('redirect_uris', missing);
    },
  },
  offlineAccessComesWithRefreshTokens: {
    inputs: ['scope', 'refresh_tokens'],
    check: (next, changes) => {
      if ((changes.scopes?.includes(OFFLINE_ACCESS) ?? false) && !next.refreshTokens) {
        throw new ClientValidationError('scope', `${OFFLINE_ACCESS} comes with refresh_tokens: true; set that instead of the scope`);
      }
    },
  },
};

/**
 * Applies changes to a client (or to the defaults of a new one) and checks the rules between fields, reporting
 * every rule broken at once. `invalid`: wire names of fields whose own check failed (their values are not in
 * `changes`); a rule that reads one of them is skipped, so that only the problems with valid inputs are reported.
 */
export function applyClientChanges(current: Client, changes: ClientChanges, now: number, invalid: ReadonlySet<string> = new Set()): Client {
  const next: Client = { ...current, updatedAt: now };
  const target = next as unknown as Record<AppliedProperty, unknown>;
  // The table's `setting` ties each applied property's parsed value to the Client property's type.
  for (const property of APPLIED) if (changes[property] !== undefined) target[property] = changes[property];

  const rules = Object.entries(CLIENT_RULES).filter(([, rule]) => !rule.inputs.some((input) => invalid.has(input)));
  checkClientFields(Object.fromEntries(rules.map(([name, rule]) => [name, () => rule.check(next, changes)])));

  if (isPublicClient(next)) {
    // A client made public keeps no secret that could still authenticate it.
    next.secretDigest = null;
    next.previousSecretDigest = null;
    next.previousSecretExpiresAt = null;
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
