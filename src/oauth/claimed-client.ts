import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt } from 'jose';

/** What these functions read of a request: its headers and its parsed body (a fastify request is one). */
export interface RequestParts {
  headers: IncomingHttpHeaders;
  body?: unknown;
}

/** A string field of an already parsed form (or JSON) body; undefined when absent or not a string. */
export function formField(request: RequestParts, name: string): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
export function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The user part of an HTTP Basic header as sent (still form-urlencoded), before any authentication.
 * Undefined without a Basic header. Count and record clients with `claimedClientId`, which decodes it.
 */
export function basicUserOf(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Basic ')) return undefined;
  return Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8').split(':')[0] ?? '';
}

/** A claim of a JWT as sent, not verified (for naming the client it claims to come from); '' when absent. */
export function unverifiedClaim(jwt: string | undefined, claim: 'iss' | 'sub'): string {
  if (jwt === undefined) return '';
  try {
    const value = decodeJwt(jwt)[claim];
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

/**
 * The client id a request claims to be, before any authentication, exactly as client authentication will
 * read it: the HTTP Basic user part form-decoded (RFC 6749 §2.3.1, so `%73prayer` is `sprayer`), else the
 * form's client_id, else the subject of a client assertion (private_key_jwt may leave client_id out).
 * '' when the request names no client. Every per-client limit and record keys on this one value, so that
 * spelling an id differently, or moving it between header and form, never makes another client of it.
 */
export function claimedClientId(request: RequestParts): string {
  const basicUser = basicUserOf(request.headers.authorization);
  // An undecodable user part (a stray %) fails authentication; it is counted as sent.
  if (basicUser !== undefined) return formDecode(basicUser) ?? basicUser;
  return formField(request, 'client_id') ?? unverifiedClaim(formField(request, 'client_assertion'), 'sub');
}
