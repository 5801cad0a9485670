import { describe, expect, it } from 'vitest';
import { refreshedResources } from '../../src/oauth/resource-indicators.js';
import { OAuthError } from '../../src/oauth/oauth-error.js';

const A = 'https://a.example/';
const B = 'https://b.example/';
const C = 'https://c.example/';

function refusal(action: () => unknown): OAuthError {
  try {
    action();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('resources of a refreshed access token (RFC 8707 §2.2)', () => {
  it("are the grant's when the refresh names none, and those named when they are the grant's", () => {
    expect(refreshedResources([], [A, B], [A, B, C])).toEqual([A, B]);
    expect(refreshedResources([B], [A, B], [A, B, C])).toEqual([B]);
    expect(refreshedResources([B, B], [A, B], [A, B, C])).toEqual([B]);
    expect(refreshedResources([], [], [A])).toEqual([]);
  });

  it('refuse a resource the grant did not have, even one the server serves', () => {
    expect(refusal(() => refreshedResources([C], [A, B], [A, B, C]))).toMatchObject({ status: 400, error: 'invalid_target' });
    expect(refusal(() => refreshedResources([A], [], [A]))).toMatchObject({ error: 'invalid_target' });
  });

  it('refuse a granted resource the server no longer serves rather than drop it (the issuer would become the audience)', () => {
    expect(refusal(() => refreshedResources([], [A], [B]))).toMatchObject({ error: 'invalid_target' });
    expect(refusal(() => refreshedResources([], [A, B], [B]))).toMatchObject({ error: 'invalid_target' });
  });
});
