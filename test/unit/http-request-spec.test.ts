import { describe, expect, it } from 'vitest';
import { HttpRequestSpecError, parseHttpRequestSpec } from '../../src/protected-apis/commands/http-request-spec.js';

const base = { kind: 'http-request', app: 'a', name: 'b', url: 'https://example.com/x' };

function fieldOf(value: unknown): string | undefined {
  try {
    parseHttpRequestSpec(value);
    return undefined;
  } catch (error) {
    if (error instanceof HttpRequestSpecError) return error.field;
    throw error;
  }
}

describe('parseHttpRequestSpec: relay and body formats', () => {
  it('keeps relayHeaders as lower-case names without duplicates', () => {
    expect(parseHttpRequestSpec({ ...base, relay: true, relayHeaders: ['X-Request-Id', 'x-request-id', 'ETag'] }).relayHeaders).toEqual(['x-request-id', 'etag']);
  });

  it('takes every body format with a body of its shape', () => {
    expect(parseHttpRequestSpec({ ...base, bodyFormat: 'form', body: { a: '{{input.a}}' } }).bodyFormat).toBe('form');
    expect(parseHttpRequestSpec({ ...base, bodyFormat: 'text', body: 'hi {{input.a}}' }).bodyFormat).toBe('text');
    expect(parseHttpRequestSpec({ ...base, bodyFormat: 'json', body: ['{{input.a}}'] }).bodyFormat).toBe('json');
  });

  it.each([
    [{ relay: 'yes' }, 'relay'],
    [{ relay: true, relayHeaders: 'x-a' }, 'relayHeaders'],
    [{ relay: true, relayHeaders: ['bad name'] }, 'relayHeaders'],
    [{ relay: true, relayHeaders: ['Set-Cookie'] }, 'relayHeaders'],
    [{ relay: true, relayHeaders: ['transfer-encoding'] }, 'relayHeaders'],
    [{ relay: true, relayHeaders: ['Access-Control-Allow-Origin'] }, 'relayHeaders'],
    [{ relayHeaders: ['x-a'] }, 'relayHeaders'],
    [{ bodyFormat: 'xml' }, 'bodyFormat'],
    [{ bodyFormat: 'form', body: ['a'] }, 'body'],
    [{ bodyFormat: 'text', body: { a: 1 } }, 'body'],
  ])('refuses %j naming %s', (extra, field) => {
    expect(fieldOf({ ...base, ...extra })).toBe(field);
  });
});
