import type { FastifyRequest } from 'fastify';

/** A string field of an already parsed form (or JSON) body; undefined when absent or not a string. */
export function formField(request: FastifyRequest, name: string): string | undefined {
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
 * The user part of an HTTP Basic header as sent (still form-urlencoded), before any authentication:
 * for counting and recording which client a request claims to be. Undefined without a Basic header.
 */
export function basicUserOf(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Basic ')) return undefined;
  return Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8').split(':')[0] ?? '';
}
