import { FieldValidationError } from '../../shared/errors.js';
import type { HttpRequestCommandSpec } from './http-request-spec.js';
import { envNamesIn } from './url-template.js';

/** Whether GATEHOUSE_COMMAND_ENV (names, `PREFIX*` patterns) lets a stored command read this variable. */
export function envAllowed(name: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

/** The first `{{env.NAME}}` in any string of a JSON value that `allowed` does not list, with its dotted path. */
function firstForbiddenEnv(value: unknown, path: string, allowed: readonly string[]): { field: string; name: string } | undefined {
  if (typeof value === 'string') {
    const name = envNamesIn(value).find((candidate) => !envAllowed(candidate, allowed));
    return name === undefined ? undefined : { field: path, name };
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = firstForbiddenEnv(child, path === '' ? key : `${path}.${key}`, allowed);
    if (found) return found;
  }
  return undefined;
}

/**
 * What a command authored through the admin API may reach beyond a command file's rules: an administrator of
 * the API is not thereby an operator of the host. It reads only the environment variables GATEHOUSE_COMMAND_ENV
 * lists (else `{{env.GATEHOUSE_SECRET}}` in a URL would send the master secret anywhere), and it calls only
 * the non-public networks GATEHOUSE_COMMAND_INTERNAL_NETWORKS allows (no `internalNetworks` of its own).
 * Throws a FieldValidationError naming the field.
 */
export function checkStoredReach(spec: HttpRequestCommandSpec, allowedEnv: readonly string[]): void {
  const forbidden = firstForbiddenEnv(spec, '', allowedEnv);
  if (forbidden) {
    throw new FieldValidationError(
      forbidden.field,
      `may not read the environment variable ${forbidden.name}: commands stored through the admin API read only the variables GATEHOUSE_COMMAND_ENV lists`,
    );
  }
  if (spec.internalNetworks !== undefined) {
    throw new FieldValidationError('internalNetworks', 'is for command files only: commands stored through the admin API reach the non-public networks of GATEHOUSE_COMMAND_INTERNAL_NETWORKS');
  }
}
