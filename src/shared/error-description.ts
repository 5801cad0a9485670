/**
 * RFC 6749 §5.2 and RFC 6750 §3: an `error_description` is made of the characters %x20-21 / %x23-5B / %x5D-7E
 * only: printable ASCII without `"` and `\`. This holds in JSON bodies and in `WWW-Authenticate` alike.
 */
const OUTSIDE_THE_SET = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

/** True when `text` may be sent as an error_description as it is. */
export function isErrorDescription(text: string): boolean {
  return !/[^\x20\x21\x23-\x5B\x5D-\x7E]/.test(text);
}

/**
 * `text` with every character outside the set replaced, so that a value echoed from the request can never
 * break the rule: `"` becomes `'`, `\` becomes `/`, control characters a space, anything else `?`.
 */
export function toErrorDescription(text: string): string {
  if (isErrorDescription(text)) return text;
  return text.replace(OUTSIDE_THE_SET, (character) => {
    if (character === '"') return "'";
    if (character === '\\') return '/';
    return character < ' ' || character === '\x7F' ? ' ' : '?';
  });
}
