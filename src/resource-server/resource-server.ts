import type { IncomingHttpHeaders } from 'node:http';
import { BearerChallenge } from '../protected-apis/bearer-challenge.js';
import { bearerTokenOf } from '../protected-apis/resource-guard.js';
import type { AuthorizationServerError } from './authorization-server-error.js';
import { asAuthorizationServerError, ProblemReport, type ResourceServerLogger } from './problem-report.js';
import { IntrospectionTokenChecker, JwksTokenChecker, type TokenChecker } from './token-checkers.js';

/** Longest bearer token looked at, characters (Gatehouse's own limit too). */
const MAX_TOKEN_LENGTH = 8 * 1024;

export interface ResourceServerOptions {
  /** The Gatehouse issuer URL. */
  issuer: string;
  /** This service's identifier: the `aud` its tokens must carry (default: the issuer). */
  audience?: string | string[];
  /** Scope elements every request needs (space-separated); a call to `check` may name its own. */
  scope?: string;
  /**
   * false: the fastify plugin's routes need no token (and none is looked at) unless a route declares
   * `config.gatehouseScope`.
   */
  protected?: boolean;
  /** `jwks` (default): verify locally. `introspection`: ask Gatehouse (sees revocations at once). */
  mode?: 'jwks' | 'introspection';
  /** Client credentials for introspection. */
  introspection?: { clientId: string; clientSecret: string; cacheSeconds?: number };
  /** Leeway for exp and nbf, seconds (default 5). */
  clockToleranceSeconds?: number;
  /** realm of WWW-Authenticate (default "gatehouse"). */
  realm?: string;
  /**
   * RFC 9728 metadata URL of this service, added to every challenge (default: derived from the first
   * audience that is an http(s) URL, per RFC 9728 §3.1; `protectedResourceMetadata` builds the document).
   */
  resourceMetadataUrl?: string;
  fetch?: typeof fetch;
  /**
   * Called whenever a token cannot be checked for a reason that is not the token's: `error.kind` is
   * `misconfiguration` (this service's settings: wrong introspection credentials, issuer or URL; the caller gets
   * 500) or `outage` (no answer, 5xx; the caller gets 503). For metrics or alerts; it must not throw.
   */
  onError?: (error: AuthorizationServerError) => void;
  /** Where each cause of such failures is logged, once until checks succeed again (default `console`; `false`: nowhere). */
  logger?: ResourceServerLogger | false;
}

export interface Caller {
  clientId: string;
  sub: string;
  scope: string[];
  claims: Record<string, unknown>;
}

/** The guard's answer: the caller, or the status, headers and JSON body to refuse with. */
export type GuardResult = { ok: true; caller: Caller } | { ok: false; status: number; headers: Record<string, string>; body: { error: string; error_description: string; scope?: string } };

/**
 * The resource guard for services outside Gatehouse: bearer token from the Authorization header, checked
 * locally against the JWKS or by introspection, then the scope; RFC 6750 errors.
 */
export function createResourceServer(options: ResourceServerOptions): { check(headers: IncomingHttpHeaders, scope?: string): Promise<GuardResult> } {
  const issuer = options.issuer.replace(/\/+$/, '');
  const audience = options.audience ?? issuer;
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
  let checker: TokenChecker;
  if (options.mode === 'introspection') {
    if (!options.introspection) throw new Error('introspection mode needs introspection.clientId and introspection.clientSecret');
    checker = new IntrospectionTokenChecker({
      issuer,
      audience,
      clientId: options.introspection.clientId,
      clientSecret: options.introspection.clientSecret,
      cacheSeconds: options.introspection.cacheSeconds ?? 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } else {
    checker = new JwksTokenChecker({ issuer, audience, clockToleranceSeconds, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }
  const realm = options.realm ?? 'gatehouse';
  const resourceMetadataUrl = options.resourceMetadataUrl ?? metadataUrlOf(audience);

  const refuse = (challenge: BearerChallenge): GuardResult => ({
    ok: false,
    status: challenge.status,
    headers: { 'WWW-Authenticate': challenge.header(realm, resourceMetadataUrl), 'Cache-Control': 'no-store' },
    body: challenge.body(),
  });

  const problems = new ProblemReport(options.onError, options.logger ?? console);

  return {
    async check(headers, scope = options.scope) {
      try {
        const token = bearerTokenOf(typeof headers.authorization === 'string' ? headers.authorization : undefined);
        if (token === undefined) throw new BearerChallenge(401, undefined, 'an access token is required');
        // Far beyond any token Gatehouse issues: refused before any parsing, signature check or introspection.
        if (token.length > MAX_TOKEN_LENGTH) throw new BearerChallenge(401, 'invalid_token', 'the access token is too large');
        const result = await checker.check(token);
        problems.recovered();
        if (!result.active) throw new BearerChallenge(401, 'invalid_token', `the access token is not valid (${result.reason})`);
        const granted = typeof result.claims.scope === 'string' && result.claims.scope !== '' ? result.claims.scope.split(' ') : [];
        const required = (scope ?? '').split(' ').filter((element) => element !== '');
        const missing = required.filter((element) => !granted.includes(element));
        if (missing.length > 0) {
          throw new BearerChallenge(403, 'insufficient_scope', `the access token lacks the scope ${missing.join(' ')}`, required.join(' '));
        }
        return {
          ok: true,
          caller: { clientId: String(result.claims.client_id ?? ''), sub: String(result.claims.sub ?? ''), scope: granted, claims: result.claims },
        };
      } catch (error) {
        if (error instanceof BearerChallenge) return refuse(error);
        const problem = asAuthorizationServerError(error);
        problems.report(problem);
        return unableToCheck(problem);
      }
    },
  };
}

/**
 * The answer when no token can be checked, without the cause (that is the operator's, in the log and
 * `onError`): an outage is 503 with Retry-After (try again soon); this service's misconfiguration is 500.
 */
function unableToCheck(problem: AuthorizationServerError): GuardResult {
  if (problem.kind === 'outage') {
    return {
      ok: false,
      status: 503,
      headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' },
      body: {
        error: 'temporarily_unavailable',
        error_description: problem.reason === 'unreachable' ? 'the authorization server cannot be reached' : 'the authorization server is unavailable',
      },
    };
  }
  return { ok: false, status: 500, headers: { 'Cache-Control': 'no-store' }, body: { error: 'server_error', error_description: 'the service cannot check access tokens' } };
}

/** The RFC 9728 §3.1 metadata URL of a resource identifier, or undefined when none of them is an http(s) URL. */
export function metadataUrlOf(audience: string | string[]): string | undefined {
  for (const resource of Array.isArray(audience) ? audience : [audience]) {
    let url: URL;
    try {
      url = new URL(resource);
    } catch {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    const path = url.pathname === '/' ? '' : url.pathname;
    return `${url.origin}/.well-known/oauth-protected-resource${path}`;
  }
  return undefined;
}

/**
 * The RFC 9728 protected-resource metadata of a service guarded by Gatehouse, to serve at the URL its
 * challenges name (by default `/.well-known/oauth-protected-resource` under its audience).
 */
export function protectedResourceMetadata(options: { issuer: string; resource: string; scopes?: string[]; resourceName?: string }): Record<string, unknown> {
  return {
    resource: options.resource,
    authorization_servers: [options.issuer.replace(/\/+$/, '')],
    ...(options.scopes ? { scopes_supported: options.scopes } : {}),
    bearer_methods_supported: ['header'],
    ...(options.resourceName ? { resource_name: options.resourceName } : {}),
  };
}
