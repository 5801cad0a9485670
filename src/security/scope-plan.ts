import type { SecurityProfile } from './security-profile.js';

/** What a token request's scope needs: the elements to write into the token and the checks to pass. */
export interface ScopePlan {
  /** Granted elements, in request order (never the mandatory scope's). */
  tokenScope: string[];
  /** Checks the requested and the mandatory scope map to, each once, in first-mentioned order. */
  checks: string[];
  /** Requested elements that the profile does not map and the client's allowed scopes do not name. */
  refused: string[];
}

/**
 * The checks a scope element needs: the profile's mapping when it has one (an empty list: none), else the
 * registered check of the same name, else undefined (the element is then governed by the client's allowed scopes).
 */
export function checksForElement(element: string, profile: Pick<SecurityProfile, 'scopeElementMapping'> | undefined, checkNames: ReadonlySet<string>): string[] | undefined {
  const mapped = profile && Object.hasOwn(profile.scopeElementMapping, element) ? profile.scopeElementMapping[element] : undefined;
  if (mapped) return mapped;
  return checkNames.has(element) ? [element] : undefined;
}

/**
 * The scope a token request without one asks for: the client's default scope, else its profile's, else every
 * element the client is allowed. An empty default ([]) is a default too: no scope at all, so that the token is good
 * only for resources that need none.
 */
export function defaultScopeOf(clientDefault: readonly string[] | null, profile: Pick<SecurityProfile, 'defaultScope'> | undefined, allowed: readonly string[]): readonly string[] {
  return clientDefault ?? profile?.defaultScope ?? allowed;
}

/**
 * Plans a request's scope. An element is granted only when the client may have it: its profile maps the
 * element, or its allowed scopes name it. This holds for elements named after a security check too: such an
 * element runs its check, but asking for it is not enough (else any client could, say, test users' passwords
 * through `UserLogin`). The mandatory scope's checks always run.
 */
export function planScope(options: {
  requested: readonly string[];
  allowed: readonly string[];
  profile: Pick<SecurityProfile, 'scopeElementMapping' | 'mandatoryScope'> | undefined;
  checkNames: ReadonlySet<string>;
}): ScopePlan {
  const { requested, allowed, profile, checkNames } = options;
  const checks = new Set<string>();
  const tokenScope: string[] = [];
  const refused: string[] = [];
  for (const element of requested) {
    const mapped = profile !== undefined && Object.hasOwn(profile.scopeElementMapping, element);
    if (!mapped && !allowed.includes(element)) {
      refused.push(element);
      continue;
    }
    for (const check of checksForElement(element, profile, checkNames) ?? []) checks.add(check);
    tokenScope.push(element);
  }
  for (const element of profile?.mandatoryScope ?? []) {
    for (const check of checksForElement(element, profile, checkNames) ?? []) checks.add(check);
  }
  return { tokenScope, checks: [...checks], refused };
}

/**
 * expires_in: the smallest of the client's lifetime, the profile's max_token_expiration and the success
 * lifetime of every check the requested and mandatory scope map to.
 */
export function tokenLifetime(options: { clientLifetime: number; profile: Pick<SecurityProfile, 'maxTokenExpiration'> | undefined; checkLifetimes: readonly number[] }): number {
  return Math.min(options.clientLifetime, options.profile?.maxTokenExpiration ?? Infinity, ...options.checkLifetimes);
}
