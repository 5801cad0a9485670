import { redactUrl } from '../../shared/redact-url.js';
import { CommandError } from './command.js';

/** `{{input.path}}`: a value from the command's input. */
export const INPUT_PLACEHOLDER = /\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}/g;

/** `{{env.NAME}}`: a value from the server's environment (base URLs, API keys), never from the request. */
const ENV_PLACEHOLDER = /\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function lookupInput(input: unknown, path: string): unknown {
  let value: unknown = input;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A template value as text: objects as JSON, nothing as ''. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** The names of the environment variables a template reads (`{{env.NAME}}`). */
export function envNamesIn(template: string): string[] {
  return [...template.matchAll(ENV_PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** Fills `{{env.NAME}}`; each non-empty value used is added to `secrets` (they are kept out of logs). */
export function fillEnv(template: string, secrets?: Set<string>): string {
  return template.replace(ENV_PLACEHOLDER, (_match, name: string) => {
    const value = process.env[name] ?? '';
    if (value !== '') secrets?.add(value);
    return value;
  });
}

function fillInput(template: string, input: unknown): string {
  return template.replace(INPUT_PLACEHOLDER, (_match, path: string) => {
    const text = textOf(lookupInput(input, path));
    // URL parsers resolve "." and ".." (even percent-encoded) as path segments: an input could climb the path.
    if (text === '.' || text === '..') throw new CommandError(400, 'invalid_request', `input.${path} may not be . or ..`);
    // encodeURIComponent throws on a lone surrogate (which JSON can carry as \ud800).
    if (/\p{Cs}/u.test(text)) throw new CommandError(400, 'invalid_request', `input.${path} is not well-formed Unicode`);
    return encodeURIComponent(text);
  });
}

/** The URL to call: environment values, then the URL-encoded input values. */
export function fillUrl(template: string, input: unknown, secrets?: Set<string>): string {
  return fillInput(fillEnv(template, secrets), input);
}

/**
 * The URL as a log line may show it: environment values left as their `{{env.NAME}}` placeholders, the user
 * part (credentials) removed and secret-looking query values redacted.
 */
export function loggableUrl(template: string, input: unknown): string {
  let filled: string;
  try {
    filled = fillInput(template, input);
  } catch {
    filled = template;
  }
  return redactUrl(filled.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1[redacted]@'));
}

/** A secret as it may appear in text: as it is, and percent-encoded as in a URL or a form. */
function spellings(secret: string): string[] {
  try {
    return [...new Set([secret, encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1), encodeURI(secret)])];
  } catch {
    return [secret];
  }
}

/** Text (an error message, a URL, an answer) with every secret in it, also percent-encoded, replaced by `[redacted]`. */
export function withoutSecrets(text: string, secrets: ReadonlySet<string>): string {
  let result = text;
  for (const secret of secrets) for (const spelling of spellings(secret)) result = result.split(spelling).join('[redacted]');
  return result;
}
