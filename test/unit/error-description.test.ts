import { describe, expect, it } from 'vitest';
import { isErrorDescription, toErrorDescription } from '../../src/shared/error-description.js';

const ALLOWED = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

describe('toErrorDescription (RFC 6749 §5.2 character set)', () => {
  it('keeps every allowed character and replaces every other UTF-16 unit', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const character = String.fromCharCode(code);
      const safe = toErrorDescription(`a${character}b`);
      expect(safe).toMatch(ALLOWED);
      expect(safe).toHaveLength(3);
      expect(isErrorDescription(character)).toBe(ALLOWED.test(character));
      if (ALLOWED.test(character)) expect(safe).toBe(`a${character}b`);
    }
  });

  it('turns quotes into single quotes, backslashes into slashes and controls into spaces', () => {
    expect(toErrorDescription('the grant type "x\\y"\r\n\u00e9')).toBe("the grant type 'x/y'  ?");
  });
});
