import type { CommandCaller } from './command.js';

/** An RFC 8941 §3.3.3 sf-string: printable ASCII in quotes, with `"` and `\` escaped. */
function structuredFieldString(value: string): string {
  // Client ids are printable ASCII (client metadata checks it) and subjects are client ids or user UUIDs.
  if (!/^[\x20-\x7E]*$/.test(value)) throw new Error('an identity value outside printable ASCII cannot be an RFC 8941 string');
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/**
 * The caller's identity as an RFC 8941 dictionary, `client_id="...", sub="..."`: quoted strings, so a client id
 * holding `;`, `,`, `=` or quotes cannot add or override a member.
 */
export function callerIdentityField(caller: Pick<CommandCaller, 'clientId' | 'sub'>): string {
  return `client_id=${structuredFieldString(caller.clientId)}, sub=${structuredFieldString(caller.sub)}`;
}
