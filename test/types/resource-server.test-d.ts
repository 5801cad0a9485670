// Type tests of the `gatehouse/resource-server` entry point (src/resource-server/index.ts): the options,
// the guards for node:http, Express and fastify, and the token checkers. Run by `npm run typecheck`
// (vitest --typecheck.only).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { JWTPayload } from 'jose';
import { describe, expectTypeOf, it } from 'vitest';
import type * as resourceServer from '../../src/resource-server/index.js';
import type { AuthorizationServerError } from '../../src/resource-server/index.js';
import {
  createNodeGuard,
  createRequestGuard,
  createResourceServer,
  discover,
  expressGuard,
  fastifyGuard,
  IntrospectionTokenChecker,
  JwksTokenChecker,
  metadataUrlOf,
  protectedResourceMetadata,
  type AuthorizationServerErrorReason,
  type Caller,
  type GuardResult,
  type ResourceServerLogger,
  type ResourceServerOptions,
  type TokenCheck,
  type TokenChecker,
} from '../../src/resource-server/index.js';

describe('gatehouse/resource-server: exported values', () => {
  it('exports every documented function and class', () => {
    expectTypeOf<
      | 'AuthorizationServerError'
      | 'createResourceServer'
      | 'metadataUrlOf'
      | 'protectedResourceMetadata'
      | 'createNodeGuard'
      | 'createRequestGuard'
      | 'expressGuard'
      | 'fastifyGuard'
      | 'discover'
      | 'IntrospectionTokenChecker'
      | 'JwksTokenChecker'
    >().toExtend<keyof typeof resourceServer>();
  });
});

describe('gatehouse/resource-server: options and results', () => {
  it('options: only the issuer is required', () => {
    expectTypeOf({ issuer: 'https://auth.example.com' }).toExtend<ResourceServerOptions>();
    expectTypeOf<ResourceServerOptions>().toEqualTypeOf<{
      issuer: string;
      audience?: string | string[];
      scope?: string;
      protected?: boolean;
      mode?: 'jwks' | 'introspection';
      introspection?: { clientId: string; clientSecret: string; cacheSeconds?: number };
      clockToleranceSeconds?: number;
      realm?: string;
      resourceMetadataUrl?: string;
      fetch?: typeof fetch;
      onError?: (error: AuthorizationServerError) => void;
      logger?: ResourceServerLogger | false;
    }>();
    expectTypeOf(console).toExtend<ResourceServerLogger>();
  });

  it('AuthorizationServerError: a misconfiguration or an outage, with the reason, the URL and the status', () => {
    expectTypeOf<AuthorizationServerError>().toExtend<Error>();
    expectTypeOf<Pick<AuthorizationServerError, 'kind' | 'reason' | 'url' | 'status'>>().toEqualTypeOf<{
      readonly kind: 'misconfiguration' | 'outage';
      readonly reason: AuthorizationServerErrorReason;
      readonly url: string;
      readonly status: number | undefined;
    }>();
    expectTypeOf<AuthorizationServerErrorReason>().toEqualTypeOf<
      'credentials_rejected' | 'metadata_not_found' | 'issuer_mismatch' | 'endpoint_missing' | 'jwks_not_found' | 'unexpected_answer' | 'unreachable' | 'unavailable'
    >();
    expectTypeOf({ issuer: 'https://auth.example.com', onError: (error: AuthorizationServerError) => void error.reason, logger: false as const }).toExtend<ResourceServerOptions>();
  });

  it('createResourceServer checks request headers against a scope', () => {
    expectTypeOf(createResourceServer).parameters.toEqualTypeOf<[options: ResourceServerOptions]>();
    expectTypeOf(createResourceServer).returns.toEqualTypeOf<{ check(headers: IncomingHttpHeaders, scope?: string): Promise<GuardResult> }>();
  });

  it('GuardResult is the caller or what to refuse with', () => {
    expectTypeOf<Caller>().toEqualTypeOf<{ clientId: string; sub: string; scope: string[]; claims: Record<string, unknown> }>();
    const result = {} as GuardResult;
    if (result.ok) {
      expectTypeOf(result.caller).toEqualTypeOf<Caller>();
    } else {
      expectTypeOf(result.status).toEqualTypeOf<number>();
      expectTypeOf(result.headers).toEqualTypeOf<Record<string, string>>();
      expectTypeOf(result.body).toEqualTypeOf<{ error: string; error_description: string; scope?: string }>();
    }
  });

  it('metadataUrlOf and protectedResourceMetadata (RFC 9728)', () => {
    expectTypeOf(metadataUrlOf).toEqualTypeOf<(audience: string | string[]) => string | undefined>();
    expectTypeOf(protectedResourceMetadata).toBeCallableWith({ issuer: 'https://auth.example.com', resource: 'https://api.example.com' });
    expectTypeOf(protectedResourceMetadata).toBeCallableWith({ issuer: 'https://auth.example.com', resource: 'https://api.example.com', scopes: ['orders'], resourceName: 'Orders' });
    expectTypeOf(protectedResourceMetadata).returns.toEqualTypeOf<Record<string, unknown>>();
  });
});

describe('gatehouse/resource-server: guards', () => {
  it('createRequestGuard: headers in, a GuardResult out', () => {
    expectTypeOf(createRequestGuard).parameters.toEqualTypeOf<[options: ResourceServerOptions]>();
    expectTypeOf(createRequestGuard).returns.toEqualTypeOf<(request: { headers: IncomingHttpHeaders }, scope?: string) => Promise<GuardResult>>();
  });

  it('createNodeGuard: answers refusals itself, resolves to the caller', () => {
    expectTypeOf(createNodeGuard).returns.toEqualTypeOf<(request: IncomingMessage, response: ServerResponse, scope?: string) => Promise<Caller | undefined>>();
  });

  it('expressGuard is an Express-style middleware', () => {
    expectTypeOf(expressGuard).returns.toEqualTypeOf<(request: IncomingMessage & { gatehouseCaller?: Caller }, response: ServerResponse, next: (error?: unknown) => void) => void>();
  });

  it('fastifyGuard is a fastify plugin whose options are ResourceServerOptions, with typed route config and request', () => {
    expectTypeOf(fastifyGuard).toEqualTypeOf<(app: FastifyInstance, options: ResourceServerOptions) => Promise<void>>();
    const app = Fastify();
    void app.register(fastifyGuard, { issuer: 'https://auth.example.com', scope: 'orders' });
    app.get('/orders', { config: { gatehouseScope: 'orders.read' } }, async (request) => {
      expectTypeOf(request.gatehouseCaller).toEqualTypeOf<Caller | undefined>();
      return [];
    });
    app.get('/health', { config: { gatehouseScope: false } }, async () => 'ok');
  });
});

describe('gatehouse/resource-server: token checkers', () => {
  it('discover reads RFC 8414 metadata', () => {
    expectTypeOf(discover).toBeCallableWith('https://auth.example.com');
    expectTypeOf(discover).toBeCallableWith('https://auth.example.com', fetch);
    expectTypeOf<Awaited<ReturnType<typeof discover>>>().toExtend<{ issuer: string; jwks_uri?: string; introspection_endpoint?: string }>();
  });

  it('TokenCheck is the claims or why not', () => {
    expectTypeOf<TokenCheck>().toEqualTypeOf<{ active: true; claims: JWTPayload & { client_id?: string; scope?: string } } | { active: false; reason: string }>();
    expectTypeOf<TokenChecker>().toEqualTypeOf<{ check(token: string): Promise<TokenCheck> }>();
  });

  it('both checkers are TokenCheckers', () => {
    expectTypeOf<JwksTokenChecker>().toExtend<TokenChecker>();
    expectTypeOf<IntrospectionTokenChecker>().toExtend<TokenChecker>();
    expectTypeOf(JwksTokenChecker).toBeConstructibleWith({ issuer: 'https://auth.example.com', audience: 'https://api.example.com', clockToleranceSeconds: 5 });
    expectTypeOf(IntrospectionTokenChecker).toBeConstructibleWith({
      issuer: 'https://auth.example.com',
      audience: ['https://api.example.com'],
      clientId: 'api',
      clientSecret: 's3cret',
      cacheSeconds: 0,
    });
  });
});
