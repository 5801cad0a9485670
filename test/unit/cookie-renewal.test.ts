import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../src/clients/client.js';
import type { AccessTokenClaims } from '../../src/oauth/access-token-verifier.js';
import type { PlannedScope } from '../../src/oauth/security-gate.js';
import type { TailRequest } from '../../src/oauth/token-tail.js';
import { renewCookieTokens } from '../../src/protected-apis/cookie-renewal.js';

const client = { clientId: 'c1' } as unknown as Client;

/** Runs the renewal hook once for a cookie token in the last part of its life; returns the tail's request. */
async function renewalOf(claims: Partial<AccessTokenClaims>): Promise<TailRequest | undefined> {
  const finish = vi.fn(async (_request: TailRequest) => ({ response: {}, issued: { accessToken: 'a.b.c', expiresIn: 60 } }));
  const planned: PlannedScope = { client, requested: ['reports'], scopes: ['reports'], lifetime: 60, checks: [] };
  const hook = renewCookieTokens({
    config: { cookieRenewFraction: 0.5, issuer: 'https://issuer.example' },
    directory: { get: () => client },
    gate: { planRenewal: () => planned },
    tail: { finish } as never,
    tokenDelivery: { current: () => ({ cookieName: 'gatehouse_access_token', sameSite: 'lax', secure: true }) as never },
  });
  const now = Math.floor(Date.now() / 1000);
  const request = {
    caller: { clientId: 'c1', sub: 'u1', scope: ['reports'], claims: { iat: now - 90, exp: now + 10, ...claims } },
    tokenSource: 'cookie',
  } as unknown as FastifyRequest;
  const reply = { statusCode: 200, header: vi.fn(), setCookie: vi.fn() } as unknown as FastifyReply;
  await hook(request, reply, 'payload').catch(() => undefined);
  return finish.mock.calls[0]?.[0];
}

describe('cookie renewal', () => {
  it('keeps the roles a user token carried (the roles scope or the roles_claim switch put them there)', async () => {
    expect((await renewalOf({ username: 'ann', roles: ['clerk'] }))?.holder).toEqual({ subject: 'u1', username: 'ann', roles: ['clerk'] });
    expect((await renewalOf({ username: 'ann', roles: [] }))?.holder).toEqual({ subject: 'u1', username: 'ann', roles: [] });
    // None carried: none known, so the renewed token claims none even if the client's switch is on now.
    expect((await renewalOf({ username: 'ann' }))?.holder).toEqual({ subject: 'u1', username: 'ann' });
    expect((await renewalOf({}))?.holder).toEqual({ subject: 'u1' });
  });
});
