/** RFC 8176 authentication method references of the built-in checks. */
const METHOD_OF_CHECK: Record<string, string> = { UserLogin: 'pwd', PinCode: 'pin', ClientKey: 'hwk' };

/**
 * OIDC `amr` of the checks a person passed: the RFC 8176 value of a built-in check, a custom check's own
 * name, and `mfa` when more than one method was used.
 */
export function authenticationMethods(checkNames: readonly string[]): string[] {
  const methods = [...new Set(checkNames.map((name) => METHOD_OF_CHECK[name] ?? name))];
  return methods.length > 1 ? [...methods, 'mfa'] : methods;
}
