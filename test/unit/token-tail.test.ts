import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../src/clients/client.js';
import type { AccessTokenRequest } from '../../src/oauth/access-token-issuer.js';
import type { PlannedScope, TokenRequestFacts } from '../../src/oauth/security-gate.js';
import { defineSecurityCheck, success } from '../../src/security/security-check.js';
import { claimsOf, TokenTail } from '../../src/oauth/token-tail.js';
import { carriesRoles, scopesToConsent } from '../../src/oauth/user-claims.js';

const client = { clientId: 'c1', refreshTokens: true } as unknown as Client;
const facts: TokenRequestFacts = { sourceAddress: '10.0.0.1', grantType: 'password', clientAuthMethod: 'client_secret_basic', keyProven: false, headers: {} };
const check = defineSecurityCheck({ name: 'Always', successLifetime: 60, evaluate: () => success() });

function tail(passedUntil?: number) {
  const steps: string[] = [];
  const issued: AccessTokenRequest[] = [];
  const events: unknown[] = [];
  const gate = {
    enforce: vi.fn(async () => {
      steps.push('checks');
      return passedUntil === undefined ? {} : { passedUntil };
    }),
  };
  const issuer = {
    issue: vi.fn(async (request: AccessTokenRequest) => {
      steps.push('sign');
      issued.push(request);
      return { accessToken: 'a.b.c', expiresIn: request.lifetime, jti: 'j1', expiresAt: 5_000, subject: request.subject, clientId: request.client.clientId };
    }),
  };
  const refreshTokens = { newFamilyId: () => 'family-1', issue: vi.fn(async () => 'refresh-1') };
  const audit = { recordLater: (event: unknown) => void events.push(event) };
  return { steps, issued, events, gate, tail: new TokenTail(gate, issuer, refreshTokens, audit, { warn: () => undefined }) };
}

const planned = (scopes: string[], checks = [check]): PlannedScope => ({ client, requested: scopes, scopes, lifetime: 300, checks });

describe('the token tail', () => {
  it("cuts the lifetime to the end of the checks' current success", async () => {
    const t = tail(Date.now() + 42_900);
    const { response } = await t.tail.finish({ planned: planned(['read']), facts, answer: undefined, resources: [], holder: { subject: 'c1' } });
    expect(t.issued[0]?.lifetime).toBe(43);
    expect(response.expires_in).toBe(43);
  });

  it('keeps the planned lifetime when the checks last longer', async () => {
    const t = tail(Date.now() + 3_600_000);
    await t.tail.finish({ planned: planned(['read']), facts, answer: undefined, resources: [], holder: { subject: 'c1' } });
    expect(t.issued[0]?.lifetime).toBe(300);
  });

  it('runs checks, signs with the planned lifetime, answers and records, in that order', async () => {
    const t = tail();
    const { response, issued } = await t.tail.finish({ planned: planned(['read']), facts, answer: '{}', resources: ['https://api.example/'], holder: { subject: 'u1', username: 'ann' } });
    expect(t.steps).toEqual(['checks', 'sign']);
    expect(t.gate.enforce).toHaveBeenCalledWith(expect.objectContaining({ scopes: ['read'] }), facts, '{}', undefined);
    expect(t.issued[0]).toMatchObject({ subject: 'u1', lifetime: 300, resources: ['https://api.example/'], extraClaims: { username: 'ann' } });
    expect(response).toEqual({ access_token: 'a.b.c', token_type: 'Bearer', expires_in: 300, scope: 'read' });
    expect(issued.jti).toBe('j1');
    expect(t.events).toEqual([expect.objectContaining({ action: 'token.issued', clientId: 'c1', subject: 'u1', jti: 'j1', scope: 'read', grantType: 'password', sourceAddress: '10.0.0.1' })]);
  });

  it('skips the gate without checks, and records nothing for a renewal', async () => {
    const t = tail();
    await t.tail.finish({ planned: planned([], []), facts, answer: undefined, resources: [], holder: { subject: 'c1' }, audited: false });
    expect(t.gate.enforce).not.toHaveBeenCalled();
    expect(t.issued[0]?.extraClaims).toBeUndefined();
    expect(t.events).toEqual([]);
  });

  it('rotates a refresh token after the checks and before signing, and names its grant in the token', async () => {
    const t = tail();
    const { response } = await t.tail.finish({
      planned: planned(['read']),
      facts,
      answer: undefined,
      resources: [],
      holder: { subject: 'u1', username: 'ann' },
      refreshToken: async () => {
        t.steps.push('rotate');
        return { token: 'rotated', familyId: 'family-0' };
      },
    });
    expect(t.steps).toEqual(['checks', 'rotate', 'sign']);
    expect(t.issued[0]?.extraClaims).toEqual({ username: 'ann', grant_id: 'family-0' });
    expect(response.refresh_token).toBe('rotated');
  });

  it('starts a refresh-token family only with offline_access', async () => {
    const t = tail();
    const offline = await t.tail.finish({ planned: planned(['offline_access'], []), facts, answer: undefined, resources: [], holder: { subject: 'u1', username: 'ann' }, refreshToken: 'start' });
    expect(offline.response.refresh_token).toBe('refresh-1');
    expect(t.issued[0]?.extraClaims).toEqual({ username: 'ann', grant_id: 'family-1' });
    const online = await t.tail.finish({ planned: planned(['read'], []), facts, answer: undefined, resources: [], holder: { subject: 'u1', username: 'ann' }, refreshToken: 'start' });
    expect(online.response.refresh_token).toBeUndefined();
  });

  it('puts the roles of a user in the roles claim only when asked (carriesRoles), and nothing in a client token', () => {
    const ann = { subject: 'u1', username: 'ann', roles: ['clerk'] };
    expect(claimsOf(ann, undefined, true)).toEqual({ username: 'ann', roles: ['clerk'] });
    expect(claimsOf({ ...ann, roles: [] }, 'f1', true)).toEqual({ username: 'ann', roles: [], grant_id: 'f1' });
    expect(claimsOf(ann, undefined, false)).toEqual({ username: 'ann' });
    expect(claimsOf({ subject: 'c1' }, undefined, true)).toBeUndefined();
    // Roles not known (a renewed token that carried none): no claim rather than an empty list.
    expect(claimsOf({ subject: 'u1', username: 'ann' }, undefined, true)).toEqual({ username: 'ann' });
  });

  it('carries roles with the roles scope or with the client switch on, not otherwise', () => {
    expect(carriesRoles(['read', 'roles'], { rolesClaim: false })).toBe(true);
    expect(carriesRoles(['read'], { rolesClaim: true })).toBe(true);
    expect(carriesRoles([], { rolesClaim: true })).toBe(true);
    expect(carriesRoles(['read'], { rolesClaim: false })).toBe(false);
    // The consent page lists roles when the switch adds them, once.
    expect(scopesToConsent(['openid'], { rolesClaim: true })).toEqual(['openid', 'roles']);
    expect(scopesToConsent(['openid', 'roles'], { rolesClaim: true })).toEqual(['openid', 'roles']);
    expect(scopesToConsent(['openid'], { rolesClaim: false })).toEqual(['openid']);
  });

  it('writes the roles claim into a user token issued for a client with the switch on, without the roles scope', async () => {
    const t = tail();
    const switched: PlannedScope = { ...planned(['read'], []), client: { ...client, rolesClaim: true } };
    await t.tail.finish({ planned: switched, facts, answer: undefined, resources: [], holder: { subject: 'u1', username: 'ann', roles: ['clerk'] } });
    expect(t.issued[0]?.extraClaims).toEqual({ username: 'ann', roles: ['clerk'] });
  });
});
