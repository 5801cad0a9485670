import type { JSONWebKeySet } from 'jose';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Client, ClientAuthMethod, GrantType } from '../../src/clients/client.js';
import { CLIENT_FIELDS, type ClientChanges, type ClientMetadata } from '../../src/clients/client-fields.js';
import { defaultClient } from '../../src/clients/client-rules.js';
import { parseClientChanges, toClientMetadata } from '../../src/clients/client-wire.js';
import { ClientValidationError } from '../../src/clients/client-validation-error.js';

/** The admin API's JSON form, in order: a field dropped from the table fails here. */
const JSON_FIELDS = [
  'client_id',
  'client_name',
  'grant_types',
  'scope',
  'default_scope',
  'roles_claim',
  'token_endpoint_auth_method',
  'access_token_lifetime',
  'refresh_tokens',
  'refresh_token_lifetime',
  'may_act_for_users',
  'enabled',
  'expires_at',
  'allowed_origins',
  'jwks',
  'profile',
  'redirect_uris',
  'post_logout_redirect_uris',
  'skip_consent',
  'require_pushed_authorization_requests',
  'pin_set',
  'client_id_issued_at',
  'client_secret_expires_at',
  'created_at',
  'updated_at',
];

describe('the client field table', () => {
  const now = Date.UTC(2026, 0, 1, 12);

  it('shows every field of the JSON form, in order, and never the secret', () => {
    const json = toClientMetadata({ ...defaultClient('c1', now), secretDigest: 'digest', pinDigest: 'pin' });
    expect(Object.keys(json)).toEqual(JSON_FIELDS);
    expect(JSON.stringify(json)).not.toContain('digest');
    expect(json.pin_set).toBe(true);
  });

  it('gives a new client its defaults from the table', () => {
    expect(defaultClient('c1', now)).toEqual({
      clientId: 'c1',
      clientName: 'c1',
      secretDigest: null,
      previousSecretDigest: null,
      previousSecretExpiresAt: null,
      grantTypes: ['client_credentials'],
      scopes: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      accessTokenLifetime: 7200,
      refreshTokens: false,
      enabled: true,
      expiresAt: null,
      allowedOrigins: [],
      jwks: null,
      refreshTokenLifetime: 2_592_000,
      mayActForUsers: false,
      profile: null,
      pinDigest: null,
      redirectUris: [],
      postLogoutRedirectUris: [],
      skipConsent: false,
      requirePushedAuthorizationRequests: false,
      defaultScope: null,
      rolesClaim: false,
      createdAt: now,
      updatedAt: now,
    } satisfies Client);
    // Defaults are fresh arrays, never shared between clients.
    expect(defaultClient('a', now).scopes).not.toBe(defaultClient('b', now).scopes);
  });

  it('parses a field with its parser, into its property, and names the wire field on error', () => {
    expect(CLIENT_FIELDS.expires_at.parse('2030-02-03', 'expires_at', 'create')).toBe(Date.UTC(2030, 1, 3));
    expect(CLIENT_FIELDS.expires_at.toJson({ ...defaultClient('c1', now), expiresAt: Date.UTC(2030, 1, 3) })).toBe('2030-02-03T00:00:00.000Z');
    expect(parseClientChanges({ access_token_lifetime: '60', may_act_for_users: true }, 'update')).toEqual({ accessTokenLifetime: 60, mayActForUsers: true });
    expect(() => CLIENT_FIELDS.may_act_for_users.parse('yes', 'may_act_for_users', 'update')).toThrow(new ClientValidationError('may_act_for_users', 'must be true or false'));
  });

  it('parses a default scope: null for every allowed element, an empty string for none', () => {
    expect(parseClientChanges({ default_scope: null }, 'update')).toEqual({ defaultScope: null });
    expect(parseClientChanges({ default_scope: '' }, 'update')).toEqual({ defaultScope: [] });
    expect(parseClientChanges({ default_scope: 'read  write read' }, 'update')).toEqual({ defaultScope: ['read', 'write'] });
    expect(() => parseClientChanges({ default_scope: ['read'] }, 'update')).toThrow(ClientValidationError);
    expect(CLIENT_FIELDS.default_scope.toJson({ ...defaultClient('c1', now), defaultScope: [] })).toBe('');
  });

  it('parses the roles-claim switch as a boolean, off for a new client', () => {
    expect(parseClientChanges({ roles_claim: true }, 'update')).toEqual({ rolesClaim: true });
    expect(() => parseClientChanges({ roles_claim: 'yes' }, 'update')).toThrow(new ClientValidationError('roles_claim', 'must be true or false'));
    expect(defaultClient('c1', now).rolesClaim).toBe(false);
    expect(toClientMetadata({ ...defaultClient('c1', now), rolesClaim: true }).roles_claim).toBe(true);
  });

  it('accepts read-only fields echoed from a GET and ignores them; refuses unknown ones', () => {
    const echoed = toClientMetadata(defaultClient('c1', now));
    expect(parseClientChanges({ ...echoed, client_name: 'renamed' }, 'update')).toMatchObject({ clientName: 'renamed' });
    expect(parseClientChanges({ created_at: 'whenever', pin_set: true }, 'update')).toEqual({});
    expect(() => parseClientChanges({ toString: 'x' }, 'update')).toThrow(new ClientValidationError('toString', 'unknown field'));
    expect(() => parseClientChanges({ client_secret: 'x'.repeat(20) }, 'update')).toThrow(ClientValidationError);
  });

  it('derives the JSON and change types from the table', () => {
    expectTypeOf<ClientMetadata>().toEqualTypeOf<{
      client_id: string;
      client_name: string;
      grant_types: GrantType[];
      scope: string;
      default_scope: string | null;
      roles_claim: boolean;
      token_endpoint_auth_method: ClientAuthMethod;
      access_token_lifetime: number;
      refresh_tokens: boolean;
      refresh_token_lifetime: number;
      may_act_for_users: boolean;
      enabled: boolean;
      expires_at: string | null;
      allowed_origins: string[];
      jwks: JSONWebKeySet | null;
      profile: string | null;
      redirect_uris: string[];
      post_logout_redirect_uris: string[];
      skip_consent: boolean;
      require_pushed_authorization_requests: boolean;
      pin_set: boolean;
      client_id_issued_at: number;
      client_secret_expires_at: number;
      created_at: string;
      updated_at: string;
    }>();
    expectTypeOf<ClientChanges>().toEqualTypeOf<{
      clientId?: string;
      clientName?: string;
      clientSecret?: string;
      grantTypes?: GrantType[];
      scopes?: string[];
      defaultScope?: string[] | null;
      rolesClaim?: boolean;
      tokenEndpointAuthMethod?: ClientAuthMethod;
      accessTokenLifetime?: number;
      refreshTokens?: boolean;
      refreshTokenLifetime?: number;
      mayActForUsers?: boolean;
      enabled?: boolean;
      expiresAt?: number | null;
      allowedOrigins?: string[];
      jwks?: JSONWebKeySet | null;
      profile?: string | null;
      redirectUris?: string[];
      postLogoutRedirectUris?: string[];
      skipConsent?: boolean;
      requirePushedAuthorizationRequests?: boolean;
    }>();
  });
});
