/** A scope as the SDK takes it: a space-separated string or a list of elements. */
export type ScopeInput = string | readonly string[] | undefined;

/** The elements of a scope: split on spaces, without duplicates, sorted (so that equal scopes compare equal). */
export function scopeElements(scope: ScopeInput): string[] {
  const elements = typeof scope === 'string' ? scope.split(/\s+/) : (scope ?? []).flatMap((element) => element.split(/\s+/));
  return [...new Set(elements.filter((element) => element !== ''))].sort();
}

/** The normalised scope string: sorted unique elements separated by one space; '' for no scope. */
export function normaliseScope(scope: ScopeInput): string {
  return scopeElements(scope).join(' ');
}
