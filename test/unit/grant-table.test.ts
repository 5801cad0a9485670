import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../src/clients/client.js';
import { FormParams } from '../../src/oauth/form-params.js';
import { APPLICATION_TOKEN_GRANT_TYPE, applicationTokenGrant, ISSUING_GRANT_TYPES, TOKEN_ENDPOINT_GRANT_TYPES, tokenEndpointGrants, type GrantServices } from '../../src/oauth/grants/grant-table.js';
import type { PlannedScope, TokenRequestFacts } from '../../src/oauth/security-gate.js';
import type { IssuedResponse } from '../../src/oauth/token-response.js';
import type { TailRequest } from '../../src/oauth/token-tail.js';

const client = {
  clientId: 'c1',
  clientName: 'one',
  grantTypes: ['client_credentials'],
  scopes: ['read'],
  accessTokenLifetime: 0,
  refreshTokens: false,
  mayActForUsers: false,
  profile: null,
} as unknown as Client;

const facts: TokenRequestFacts = { sourceAddress: '127.0.0.1', grantType: 'client_credentials', clientAuthMethod: 'client_secret_basic', keyProven: false, headers: {} };
const form = (fields: Record<string, string>) => FormParams.fromRequest('application/x-www-form-urlencoded', fields);

function services(): GrantServices & { finished: TailRequest[] } {
  const finished: TailRequest[] = [];
  const planned: PlannedScope = { client, requested: ['read'], scopes: ['read'], lifetime: 60, checks: [] };
  const issued: IssuedResponse = {
    response: { access_token: 'token', token_type: 'Bearer', expires_in: 60, scope: 'read' },
    issued: { accessToken: 'token', expiresIn: 60, jti: 'j', expiresAt: 0, subject: 'c1', clientId: 'c1' },
  };
  return {
    finished,
    config: { issuer: 'https://issuer.example', resources: [] },
    gate: { plan: vi.fn(() => planned), checksPassedUntil: vi.fn(async () => undefined) },
    tail: {
      finish: vi.fn(async (request: TailRequest) => {
        finished.push(request);
        return issued;
      }),
    },
    signIn: { check: vi.fn() },
    refreshTokens: { find: vi.fn(), rotate: vi.fn(), revokeFamily: vi.fn(), familyRevoked: vi.fn() },
    users: { get: vi.fn(), findByIdOrUsername: vi.fn() },
    assertions: { verifyGrant: vi.fn(), verifyAppRequest: vi.fn() },
    appTokenAudience: () => 'https://issuer.example/api/auth/sign/ap/token',
    codes: { redeem: vi.fn() },
    digester: { digest: (secret: string) => `digest:${secret}` },
    idTokens: { issue: vi.fn() },
  };
}

describe('the grant table', () => {
  it('lists the token endpoint grants once, for discovery, dispatch and metrics', () => {
    expect(TOKEN_ENDPOINT_GRANT_TYPES).toEqual(['authorization_code', 'client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
    expect(ISSUING_GRANT_TYPES).toEqual([...TOKEN_ENDPOINT_GRANT_TYPES, 'application_token']);
    const grants = tokenEndpointGrants(services());
    expect([...grants.keys()]).toEqual(TOKEN_ENDPOINT_GRANT_TYPES);
    for (const [grantType, grant] of grants) expect(grant.grantType).toBe(grantType);
  });

  it('says which grants need client authentication first: all but jwt-bearer, which proves its client itself', () => {
    const grants = tokenEndpointGrants(services());
    const optional = [...grants.values()].filter((grant) => grant.clientAuthentication === 'optional').map((grant) => grant.grantType);
    expect(optional).toEqual(['urn:ietf:params:oauth:grant-type:jwt-bearer']);
    const application = applicationTokenGrant(services());
    expect(application.grantType).toBe(APPLICATION_TOKEN_GRANT_TYPE);
    expect(application.clientAuthentication).toBe('required');
  });

  it('runs a grant from its planned scope through the one tail', async () => {
    const wired = services();
    const grant = tokenEndpointGrants(wired).get('client_credentials');
    const result = await grant?.handle(client, form({ grant_type: 'client_credentials', scope: 'read' }), facts);
    expect(result?.issued.clientId).toBe('c1');
    expect(wired.gate.plan).toHaveBeenCalledWith(client, 'read', ['read']);
    expect(wired.finished).toHaveLength(1);
    expect(wired.finished[0]).toMatchObject({ holder: { subject: 'c1' }, resources: [], facts });
  });

  it('refuses a grant the client is not registered for before planning', async () => {
    const wired = services();
    const grant = tokenEndpointGrants(wired).get('password');
    await expect(grant?.handle(client, form({ grant_type: 'password', username: 'u', password: 'p' }), facts)).rejects.toMatchObject({ error: 'unauthorized_client' });
    expect(wired.gate.plan).not.toHaveBeenCalled();
  });
});
