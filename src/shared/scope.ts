/** scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** Splits a scope parameter (space-delimited) into elements, without duplicates. */
export function parseScopeParameter(value: string): string[] | null {
  const elements = value.split(' ').filter((element) => element !== '');
  if (!elements.every(isScopeToken)) return null;
  return [...new Set(elements)];
}

/** Splits a list typed by an administrator: spaces or commas. */
export function splitScopeList(value: string): string[] {
  return value.split(/[\s,]+/).filter((element) => element !== '');
}
