import { describe, expect, it } from 'vitest';
import { newClientId } from '../../src/clients/client-id.js';

describe('newClientId', () => {
  it('never begins with "-", so the CLI does not read it as an option', () => {
    // One base64url id in 64 would begin with "-"; 20,000 draws make a miss vanishingly unlikely.
    const ids = Array.from({ length: 20_000 }, () => newClientId());
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
