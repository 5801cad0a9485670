import type { FastifyInstance } from 'fastify';

/** RFC 6749 §5.2 / RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E (written here on its own, not imported from src). */
const ALLOWED = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** The error_description of a `WWW-Authenticate` value, up to the quote that ends the parameter. */
export function challengeDescriptionOf(header: string): string | undefined {
  return /error_description="(.*?)"(?=\s*(?:,\s*[A-Za-z_]+=|$))/s.exec(header)?.[1];
}

/** Every error_description of a JSON body: the top-level one and those of nested objects (e.g. a list of errors). */
export function bodyDescriptionsOf(payload: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, member] of Object.entries(value)) {
      if (key === 'error_description') found.push(typeof member === 'string' ? member : JSON.stringify(member));
      else walk(member, depth + 1);
    }
  };
  walk(parsed, 0);
  return found;
}

/** Why an answer breaks the character set of error_description, or an empty list. */
export function descriptionViolations(answer: { wwwAuthenticate: string | undefined; contentType: string | undefined; body: string | undefined }): string[] {
  const violations: string[] = [];
  if (answer.wwwAuthenticate !== undefined && answer.wwwAuthenticate.includes('error_description=')) {
    const description = challengeDescriptionOf(answer.wwwAuthenticate);
    if (description === undefined || !ALLOWED.test(description)) violations.push(`WWW-Authenticate: ${answer.wwwAuthenticate}`);
  }
  if (answer.body !== undefined && /json/i.test(answer.contentType ?? '')) {
    for (const description of bodyDescriptionsOf(answer.body)) {
      if (!ALLOWED.test(description)) violations.push(`error_description: ${JSON.stringify(description)}`);
    }
  }
  return violations;
}

/**
 * Test servers only: every answer the app sends is checked, and each error_description outside the RFC set
 * (in a JSON body or in WWW-Authenticate) is recorded with the request that got it.
 */
export function witnessErrorDescriptions(app: FastifyInstance): string[] {
  const recorded: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const header = reply.getHeader('www-authenticate');
    const contentType = reply.getHeader('content-type');
    const found = descriptionViolations({
      wwwAuthenticate: Array.isArray(header) ? header.join(', ') : header === undefined ? undefined : String(header),
      contentType: contentType === undefined ? undefined : String(contentType),
      body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined,
    });
    for (const violation of found) recorded.push(`${request.method} ${request.url.slice(0, 200)} -> ${reply.statusCode} ${violation}`);
    return payload;
  });
  return recorded;
}

/** Throws listing the recorded violations, if any. */
export function assertNoDescriptionViolations(recorded: string[]): void {
  if (recorded.length === 0) return;
  const shown = recorded.slice(0, 20).join('\n  ');
  throw new Error(`${recorded.length} error_description(s) outside %x20-21 / %x23-5B / %x5D-7E (RFC 6749 §5.2, RFC 6750 §3):\n  ${shown}`);
}
