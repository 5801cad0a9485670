/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its parameters or token68. */
export interface AuthChallenge {
  /** The auth scheme in lower case, e.g. `bearer`. */
  scheme: string;
  /** Parameters by lower-case name; quoted strings unescaped. */
  params: Record<string, string>;
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/**
 * Parses a `WWW-Authenticate` value (several headers joined with commas also work) into its challenges:
 * `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, `auth-param = token BWS "=" BWS ( token /
 * quoted-string )`, quoted strings with backslash escapes. Malformed parts end the parse; what was read
 * before them is returned.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let position = 0;
  const peek = () => header[position] ?? '';
  const skipSpaces = () => {
    while (peek() === ' ' || peek() === '\t') position++;
  };
  const skipSeparators = () => {
    while (peek() === ' ' || peek() === '\t' || peek() === ',') position++;
  };
  const readToken = (): string => {
    const start = position;
    while (TCHAR.test(peek())) position++;
    return header.slice(start, position);
  };
  const readQuoted = (): string | undefined => {
    position++; // the opening quote
    let value = '';
    while (position < header.length) {
      const char = header[position++] ?? '';
      if (char === '"') return value;
      if (char === '\\') {
        if (position >= header.length) return undefined;
        value += header[position++] ?? '';
      } else {
        value += char;
      }
    }
    return undefined; // unterminated
  };

  while (position < header.length) {
    skipSeparators();
    const scheme = readToken();
    if (scheme === '') break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skipSpaces();

    // token68: its characters, then only "=" padding up to a comma or the end.
    const token68Start = position;
    while (TOKEN68_CHAR.test(peek())) position++;
    if (position > token68Start) {
      while (peek() === '=') position++;
      const afterPadding = position;
      skipSpaces();
      if (peek() === ',' || position >= header.length) {
        challenge.token68 = header.slice(token68Start, afterPadding);
        continue;
      }
      // Not a token68: read it again as the first auth-param.
      position = token68Start;
    }

    // auth-params, until a token not followed by "=" (the next challenge's scheme).
    for (;;) {
      skipSeparators();
      const paramStart = position;
      const name = readToken();
      if (name === '') return challenges;
      skipSpaces();
      if (peek() !== '=') {
        position = paramStart; // the next challenge begins here
        break;
      }
      position++;
      skipSpaces();
      let value: string | undefined;
      if (peek() === '"') value = readQuoted();
      else {
        value = readToken();
        if (value === '') value = undefined;
      }
      if (value === undefined) return challenges;
      const key = name.toLowerCase();
      if (!(key in challenge.params)) challenge.params[key] = value;
      skipSpaces();
      if (position < header.length && peek() !== ',') return challenges;
    }
  }
  return challenges;
}

/** The RFC 6750 `Bearer` challenge of a response, if it has one. */
export function bearerChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  return parseWwwAuthenticate(header).find((challenge) => challenge.scheme === 'bearer');
}
