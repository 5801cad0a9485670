import { describe, expect, it } from 'vitest';
import { EMPTY_COMMAND, formFieldOf, formOf, jsonError, localErrors, sampleInputOf, specOf, type EditableSpec } from '../../console/src/pages/command-form.js';
import { parseHttpRequestSpec } from '../../src/protected-apis/commands/http-request-spec.js';

const STORED: EditableSpec = {
  kind: 'http-request',
  app: 'crm',
  name: 'lookup',
  description: 'a customer',
  method: 'POST',
  url: '{{env.CRM_BASE_URL}}/customers/{{input.id}}',
  headers: { 'x-api-key': '{{env.CRM_API_KEY}}' },
  body: { id: '{{input.id}}', tags: ['a'] },
  input: { type: 'object', properties: { id: { type: 'string' }, count: { type: 'integer' }, kind: { enum: ['x', 'y'] } } },
  scope: 'crm:read',
  roles: ['clerk', 'auditor'],
  protected: true,
  timeoutMs: 2000,
  maxResponseBytes: 65536,
  relay: true,
  relayHeaders: ['etag'],
  internalNetworks: ['10.0.0.0/8'],
  forwardIdentityHeader: 'X-Gatehouse-Caller',
};

/** The command editor's form, apart from the page: a spec goes into the form and comes out the same. */
describe('console command form', () => {
  it('gives back the spec it was filled with, fields it does not show included', () => {
    const original = { ...STORED, futureField: 1 } as EditableSpec;
    expect(specOf(formOf(original), original)).toEqual(original);
  });

  it('writes a minimal spec for a minimal form, which the server parser accepts', () => {
    const spec = specOf({ ...EMPTY_COMMAND, app: ' orders ', name: 'get', url: 'https://example.com/o/{{input.id}}' });
    expect(spec).toEqual({ kind: 'http-request', app: 'orders', name: 'get', method: 'GET', url: 'https://example.com/o/{{input.id}}' });
    expect(parseHttpRequestSpec(spec)).toEqual(spec);
  });

  it('drops what the form cleared, and relayHeaders without relay', () => {
    const form = { ...formOf(STORED), body: '', headers: [], roles: '', relay: false, protected: false, timeoutMs: '' };
    const spec = specOf(form, STORED);
    for (const key of ['body', 'headers', 'roles', 'relay', 'relayHeaders', 'timeoutMs']) expect(spec).not.toHaveProperty(key);
    expect(spec.protected).toBe(false);
  });

  it('keeps a text body as text and sends numbers typed as numbers, anything else as typed for the server to name', () => {
    const spec = specOf({ ...EMPTY_COMMAND, app: 'a', name: 'b', url: 'https://x/', body: 'Hello {{input.name}}', bodyFormat: 'text', timeoutMs: ' 1500 ', maxResponseBytes: '1e3' });
    expect(spec).toMatchObject({ body: 'Hello {{input.name}}', bodyFormat: 'text', timeoutMs: 1500, maxResponseBytes: '1e3' });
    expect(formOf(spec).body).toBe('Hello {{input.name}}');
  });

  it('finds JSON that does not parse, with line and column, a form body that is no object, and headers named twice', () => {
    expect(jsonError('')).toBeNull();
    expect(jsonError('{"a": 1}')).toBeNull();
    expect(jsonError('{\n  "a": 1,\n}')).toMatch(/line 3/);
    const errors = localErrors({
      ...EMPTY_COMMAND,
      input: '[1]',
      body: '"text"',
      bodyFormat: 'form',
      headers: [
        { name: 'X-Key', value: '1' },
        { name: 'x-key', value: '2' },
        { name: '', value: 'orphan' },
      ],
    });
    expect(Object.keys(errors).sort()).toEqual(['body', 'headers.1', 'headers.2', 'input']);
    expect(localErrors({ ...EMPTY_COMMAND, body: 'not json', bodyFormat: 'text' })).toEqual({});
  });

  it("maps the server's field names onto the form's", () => {
    expect(formFieldOf('url')).toBe('url');
    expect(formFieldOf('spec.relayHeaders')).toBe('relayHeaders');
    expect(formFieldOf('headers.x-api-key')).toBe('headers');
    expect(formFieldOf('input.properties')).toBe('input');
    expect(formFieldOf('unknownThing')).toBe('unknownThing');
  });

  it("offers a sample input from the schema's properties, or from the templates' placeholders", () => {
    expect(JSON.parse(sampleInputOf(formOf(STORED)))).toEqual({ id: '', count: 0, kind: 'x' });
    expect(JSON.parse(sampleInputOf({ ...EMPTY_COMMAND, url: 'https://x/{{input.order.id}}?q={{ input.q }}' }))).toEqual({ order: '', q: '' });
  });
});
