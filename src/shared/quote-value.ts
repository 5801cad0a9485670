/** Longest part of a value that a message repeats; the rest is cut with an ellipsis. */
const MAX_QUOTED = 120;

/**
 * A value as the person typed it, for an error message: a text between single quotes with no JSON escapes
 * (`'café "x"'`, not `"caf\u00e9 \"x\""`), control characters shown as `\n`, `\t` or `\u00XX` so that a message
 * stays one line; a long text cut at 120 characters. Other values: `null`, numbers and booleans as written, and
 * anything else by its JSON text.
 */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    return `'${cut.replace(/[\u0000-\u001f\u007f]/g, controlCharacter)}'`;
  }
  if (value === undefined) return 'nothing';
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const json = (JSON.stringify(value) as string | undefined) ?? `a ${typeof value}`;
  return json.length > MAX_QUOTED ? `${json.slice(0, MAX_QUOTED)}…` : json;
}

function controlCharacter(character: string): string {
  if (character === '\n') return '\\n';
  if (character === '\t') return '\\t';
  if (character === '\r') return '\\r';
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
