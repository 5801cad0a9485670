/**
 * The key under which browser sign-in keeps a person's security-check state for a client: the client id,
 * a space (never in a client id) and the user id. The token endpoint keys by the client id alone.
 */
export function browserCheckStateKey(clientId: string, userId: string): string {
  return `${clientId} ${userId}`;
}
