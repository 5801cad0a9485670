/**
 * Checks of the console's forms before they are sent: every invalid field at once, each message beside its field,
 * quoting values as the administrator typed them. The user fields use the server's own parse functions (from the
 * wire module); the client fields follow the same rules (src/clients/client-values.ts, which the browser cannot load).
 */
import { MAX_ACCESS_TOKEN_LIFETIME, parseEmail, parsePassword, parseRoles, parseUsername, redirectUriProblem, toErrorDescription } from '../../src/admin-api/wire.js';

export type FieldErrors = Record<string, string>;

/** The reason a server parse function gives for `value`, or null when it accepts it. */
function refusal(parse: (value: unknown) => unknown, value: unknown): string | null {
  try {
    parse(value);
    return null;
  } catch (error) {
    const reason = (error as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : (error as Error).message;
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

const MIN_REFRESH_TOKEN_LIFETIME = 60;
const MAX_REFRESH_TOKEN_LIFETIME = 365 * 86_400;

function integerProblem(text: string, min: number, max: number, unit: string): string | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed) && Number(trimmed) >= min && Number(trimmed) <= max) return null;
  return `must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (${unit}); '${text}' is not`;
}

function originProblem(item: string): string | null {
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    return `'${item}' is not an origin (scheme://host[:port], no path)`;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== item.replace(/\/$/, '')) return `'${item}' is not an origin (scheme://host[:port], no path)`;
  return null;
}

function firstProblem(items: string[], problem: (item: string) => string | null): string | null {
  const problems = items.map(problem).filter((found): found is string => found !== null);
  return problems.length === 0 ? null : problems.join('; ');
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

/** Every invalid field of the client form. */
export function checkClientForm(values: ClientFormValues): FieldErrors {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  const control = /[\u0000-\u001f\u007f]/;
  const codeFlow = values.grant_types.includes('authorization_code');
  return collect([
    [
      'client_name',
      values.client_name.trim() === ''
        ? 'is required'
        : values.client_name.length > 200
          ? 'must be at most 200 characters'
          : control.test(values.client_name)
            ? 'must not contain control characters'
            : null,
    ],
    [
      'client_id',
      values.creating && values.client_id.trim() !== '' && !/^[\x21-\x7E]{1,255}$/.test(values.client_id.trim())
        ? `must be 1 to 255 printable ASCII characters without spaces; '${values.client_id}' is not`
        : null,
    ],
    ['grant_types', values.grant_types.length === 0 ? 'choose at least one grant type' : null],
    ['access_token_lifetime', integerProblem(values.access_token_lifetime, 0, values.max_access_token_lifetime ?? MAX_ACCESS_TOKEN_LIFETIME, "seconds; 0: the server's maximum")],
    ['refresh_token_lifetime', values.refresh_tokens ? integerProblem(values.refresh_token_lifetime, MIN_REFRESH_TOKEN_LIFETIME, MAX_REFRESH_TOKEN_LIFETIME, 'seconds') : null],
    ['allowed_origins', firstProblem(values.allowed_origins, originProblem)],
    [
      'redirect_uris',
      codeFlow && values.redirect_uris.length === 0
        ? 'the authorization code grant needs at least one redirect URI'
        : firstProblem(values.redirect_uris, (uri) => quoteProblem(uri, redirectUriProblem(uri))),
    ],
    ['post_logout_redirect_uris', firstProblem(values.post_logout_redirect_uris, (uri) => quoteProblem(uri, redirectUriProblem(uri)))],
  ]);
}

function quoteProblem(value: string, problem: string | null): string | null {
  return problem === null ? null : `'${value}' ${problem}`;
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
