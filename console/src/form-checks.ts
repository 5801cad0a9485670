/**
 * Checks of the console's forms before they are sent: every invalid field at once, each message beside its field.
 * They are the server's own parse functions (from the wire module), so each message is the server's; the server
 * checks again, and alone knows some rules (what the store holds).
 */
import {
  checkAccessTokenLifetime,
  FieldValidationError,
  missingRedirectUriProblem,
  parseClientId,
  parseClientName,
  parseEmail,
  parseGrantTypes,
  parseLifetime,
  parseOrigins,
  parsePassword,
  parseRedirectUris,
  parseRefreshLifetime,
  parseRoles,
  parseUsername,
  problemsOf,
  toErrorDescription,
} from '../../src/admin-api/wire.js';

export type FieldErrors = Record<string, string>;

/** The reason a server parse function gives for `value`, or null when it accepts it. */
export function refusal(parse: (value: unknown) => unknown, value: unknown): string | null {
  try {
    parse(value);
    return null;
  } catch (error) {
    const reason = (error as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : (error as Error).message;
  }
}

/** Every field a server check refuses (one FieldValidationError, or an InvalidFieldsError naming several), with its reason. */
export function refusedFields(check: () => unknown): FieldErrors {
  try {
    check();
    return {};
  } catch (error) {
    if (!(error instanceof FieldValidationError)) throw error;
    return collect(problemsOf(error).map(({ field, reason }) => [field, reason]));
  }
}

function collect(checks: [field: string, problem: string | null][]): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, problem] of checks) if (problem !== null && errors[field] === undefined) errors[field] = problem;
  return errors;
}

export interface UserFormValues {
  username: string;
  password?: string | undefined;
  email: string;
  roles: string[];
}

/** Every invalid field of the user editor; the password only when one is given (a new user). */
export function checkUserForm(values: UserFormValues): FieldErrors {
  return collect([
    ['username', refusal(parseUsername, values.username)],
    ['password', values.password === undefined ? null : refusal(parsePassword, values.password)],
    ['email', values.email.trim() === '' ? null : refusal(parseEmail, values.email)],
    ['roles', refusal(parseRoles, values.roles)],
  ]);
}

export interface ClientFormValues {
  client_name: string;
  client_id: string;
  creating: boolean;
  grant_types: string[];
  access_token_lifetime: string;
  refresh_tokens: boolean;
  refresh_token_lifetime: string;
  allowed_origins: string[];
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  /** The server's maximum token lifetime when the console knows it (a longer one is refused, not capped). */
  max_access_token_lifetime?: number | null | undefined;
}

/** Every invalid field of the client form, by the server's rules for each value and between grant types and redirect URIs. */
export function checkClientForm(values: ClientFormValues): FieldErrors {
  const maximum = values.max_access_token_lifetime;
  return collect([
    ['client_name', refusal(parseClientName, values.client_name)],
    ['client_id', values.creating && values.client_id.trim() !== '' ? refusal(parseClientId, values.client_id.trim()) : null],
    ['grant_types', refusal(parseGrantTypes, values.grant_types)],
    [
      'access_token_lifetime',
      refusal(parseLifetime, values.access_token_lifetime) ??
        (maximum == null ? null : refusal((lifetime) => checkAccessTokenLifetime(parseLifetime(lifetime), maximum), values.access_token_lifetime)),
    ],
    ['refresh_token_lifetime', values.refresh_tokens ? refusal(parseRefreshLifetime, values.refresh_token_lifetime) : null],
    ['allowed_origins', refusal(parseOrigins, values.allowed_origins)],
    ['redirect_uris', missingRedirectUriProblem(values.grant_types, values.redirect_uris) ?? refusal((uris) => parseRedirectUris(uris, 'redirect_uris'), values.redirect_uris)],
    ['post_logout_redirect_uris', refusal((uris) => parseRedirectUris(uris, 'post_logout_redirect_uris'), values.post_logout_redirect_uris)],
  ]);
}

/**
 * A server message with the values it quotes as the administrator typed them: error_description is printable
 * ASCII only, so the server writes é as ? and " as '; each typed value whose ASCII form appears is put back.
 */
export function asTyped(message: string, typed: readonly string[]): string {
  let text = message;
  for (const value of [...typed].sort((a, b) => b.length - a.length)) {
    const sent = toErrorDescription(value);
    if (sent !== value && sent !== '' && text.includes(sent)) text = text.split(sent).join(value);
  }
  return text;
}
