import { describe, expect, it } from 'vitest';
import { EMPTY_COMMAND, formFieldOf, formOf, jsonError, keptKeyOf, keptOf, localErrors, restoreKept, sampleInputOf, specOf, type EditableSpec } from '../../console/src/pages/command-form.js';
import { parseHttpRequestSpec } from '../../src/protected-apis/commands/http-request-spec.js';

/** A form whose required fields are filled. */
const FILLED = { ...EMPTY_COMMAND, app: 'a', name: 'b', url: 'https://x/' };

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
      ...FILLED,
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
    expect(localErrors({ ...FILLED, body: 'not json', bodyFormat: 'text' })).toEqual({});
  });

  it("finds every field the server's own rules refuse at once, quoting typed values", () => {
    expect(localErrors(EMPTY_COMMAND)).toEqual({ app: 'is required', name: 'is required', url: 'is required' });
    const errors = localErrors({
      ...FILLED,
      app: 'has space',
      url: 'http://{{input.host}}/x',
      timeoutMs: '-5',
      maxResponseBytes: '0',
      roles: 'clerk, ' + 'r'.repeat(65),
      forwardIdentityHeader: 'X Caller',
      relay: true,
      relayHeaders: 'etag, bad:name',
      headers: [{ name: 'x key', value: '1' }],
    });
    expect(errors).toEqual({
      app: "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      url: 'may not take the scheme, host or port from {{input...}}; input placeholders belong after the first / of the path',
      timeoutMs: "must be a positive integer; '-5' is not",
      maxResponseBytes: "must be a positive integer; '0' is not",
      roles: `must be a list of role names (1 to 64 printable characters, no spaces); '${'r'.repeat(65)}' is not`,
      forwardIdentityHeader: "must be a header name; 'X Caller' is not",
      relayHeaders: "must be a list of header names; 'bad:name' is not",
      'headers.0': "must be a header name (letters, digits and !#$%&'*+-.^_`|~, no spaces); 'x key' is not",
    });
    expect(localErrors({ ...FILLED, relay: true, relayHeaders: 'etag Set-Cookie' })).toEqual({ relayHeaders: "may not list 'Set-Cookie': Gatehouse never relays it" });
  });

  it('keeps an edit without header values, and takes them back from the command as loaded again', () => {
    const form = {
      ...FILLED,
      headers: [
        { name: 'x-api-key', value: 'typed-secret' },
        { name: 'x-new', value: 'also typed' },
      ],
    };
    const kept = keptOf(form);
    expect(JSON.stringify(kept)).not.toContain('typed');
    const restored = restoreKept(JSON.parse(JSON.stringify(kept)) as typeof kept, { kind: 'http-request', app: 'a', name: 'b', url: 'https://x/', headers: { 'x-api-key': '{{env.KEY}}' } });
    expect(restored.form).toEqual({
      ...form,
      headers: [
        { name: 'x-api-key', value: '{{env.KEY}}' },
        { name: 'x-new', value: '' },
      ],
    });
    expect(restored.missingValues).toBe(true);
    expect(restoreKept(keptOf({ ...FILLED, headers: [] }), undefined).missingValues).toBe(false);
    expect(keptKeyOf(null)).toBe('commands:new');
    expect(keptKeyOf({ app: 'a', name: 'b' })).toBe('commands:a/b');
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
