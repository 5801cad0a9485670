import { describe, expect, it } from 'vitest';
import { applyClientChanges, ClientValidationError, defaultClient, parseClientChanges, toClientMetadata } from '../../src/clients/client-metadata.js';

function fieldOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof ClientValidationError) return error.field;
    throw error;
  }
  return undefined;
}

describe('client metadata rules', () => {
  const now = Date.UTC(2026, 0, 1);
  const create = (body: Record<string, unknown>) => applyClientChanges(defaultClient('c1', now), parseClientChanges(body, 'create'), now);

  it('has the documented defaults', () => {
    expect(toClientMetadata(create({}))).toMatchObject({
      client_id: 'c1',
      client_name: 'c1',
      grant_types: ['client_credentials'],
      scope: '',
      token_endpoint_auth_method: 'client_secret_basic',
      access_token_lifetime: 7200,
      refresh_tokens: false,
      refresh_token_lifetime: 2_592_000,
      enabled: true,
      expires_at: null,
      allowed_origins: [],
      jwks: null,
    });
  });

  it('bounds the access-token lifetime to whole seconds 0..99,999,999', () => {
    expect(create({ access_token_lifetime: 0 }).accessTokenLifetime).toBe(0);
    expect(create({ access_token_lifetime: 99_999_999 }).accessTokenLifetime).toBe(99_999_999);
    for (const bad of [-1, 100_000_000, 2.5, '1e3', true, null]) expect(fieldOf(() => create({ access_token_lifetime: bad }))).toBe('access_token_lifetime');
  });

  it('adds offline_access with refresh tokens, removes it without, and refuses it for client_credentials only', () => {
    const on = create({ grant_types: ['password'], refresh_tokens: true, scope: 'a' });
    expect(on.scopes).toEqual(['a', 'offline_access']);
    const off = applyClientChanges(on, parseClientChanges({ refresh_tokens: false }, 'update'), now);
    expect(off.scopes).toEqual(['a']);
    expect(fieldOf(() => create({ refresh_tokens: true }))).toBe('refresh_tokens');
    expect(fieldOf(() => applyClientChanges(on, parseClientChanges({ grant_types: ['client_credentials'] }, 'update'), now))).toBe('refresh_tokens');
    expect(fieldOf(() => create({ scope: 'a offline_access' }))).toBe('scope');
  });

  it('accepts space- or comma-separated scopes and refuses invalid scope tokens', () => {
    expect(create({ scope: 'a b,c  d' }).scopes).toEqual(['a', 'b', 'c', 'd']);
    expect(create({ scope: ['x', 'y', 'x'] }).scopes).toEqual(['x', 'y']);
    expect(fieldOf(() => create({ scope: 'a\\b' }))).toBe('scope');
  });

  it('checks names, ids, secrets, dates, origins and keys', () => {
    expect(fieldOf(() => create({ client_name: 'bad\nname' }))).toBe('client_name');
    expect(fieldOf(() => parseClientChanges({ client_id: 'has space' }, 'create'))).toBe('client_id');
    expect(fieldOf(() => parseClientChanges({ client_secret: 'x'.repeat(19) }, 'create'))).toBe('client_secret');
    expect(parseClientChanges({ client_secret: 'x'.repeat(20) }, 'create').clientSecret).toHaveLength(20);
    expect(fieldOf(() => parseClientChanges({ client_secret: 'x'.repeat(20) }, 'update'))).toBe('client_secret');
    expect(create({ expires_at: '2030-02-03' }).expiresAt).toBe(Date.UTC(2030, 1, 3));
    expect(create({ expires_at: '2030-02-03T04:05:06+02:00' }).expiresAt).toBe(Date.UTC(2030, 1, 3, 2, 5, 6));
    expect(fieldOf(() => create({ expires_at: '03/02/2030' }))).toBe('expires_at');
    expect(create({ allowed_origins: ['https://a.example', 'http://localhost:3000'] }).allowedOrigins).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(fieldOf(() => create({ allowed_origins: ['*'] }))).toBe('allowed_origins');
    expect(fieldOf(() => create({ jwks: { keys: [{ kty: 'oct', k: 'abc' }] } }))).toBe('jwks');
    expect(fieldOf(() => create({ unknown_field: 1 }))).toBe('unknown_field');
  });
});
