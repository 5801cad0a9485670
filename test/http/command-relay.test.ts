import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandTryResultJson, ErrorJson } from '../../src/admin-api/wire.js';
import { basicAuth, postForm, startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

const PUBLIC_ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const SECRET = 'try-s3cr3t-value-from-env';

/** A code command that calls out with context.http (typed against the public entry; the import is erased). */
const OUTBOUND_COMMANDS = `import type { CommandContext } from ${JSON.stringify(PUBLIC_ENTRY)};
const brand = Symbol.for('gatehouse.command');
interface CallInput { url: string; timeoutMs?: number }
export const call = {
  app: 'shop', name: 'call', protected: false, [brand]: true,
  async handler({ input, http }: CommandContext<CallInput>) {
    const response = await http.request(input.url, { method: 'POST', json: { hello: 'world' }, headers: { 'x-api-key': 'code-key' } });
    return { status: response.status, ok: response.ok, type: response.headers['content-type'], body: response.json() };
  },
};
export const caught = {
  app: 'shop', name: 'caught', protected: false, [brand]: true,
  async handler({ input, http }: CommandContext<CallInput>) {
    try {
      await http.request(input.url, input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs });
      return { caught: null };
    } catch (error) {
      const { status, code, message } = error as { status: number; code: string; message: string };
      return { caught: { status, code, message } };
    }
  },
};
export const uncaught = {
  app: 'shop', name: 'uncaught', protected: false, [brand]: true,
  async handler({ input, http }: CommandContext<CallInput>) {
    await http.request(input.url);
    return {};
  },
};
export const echo = { app: 'shop', name: 'echo', protected: false, [brand]: true, handler: ({ input }: CommandContext<unknown>) => ({ input }) };
`;

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe.each(STORES)('http-request relay, bodies, context.http and try on %s', (store) => {
  let server: TestServer;
  let upstream: Server;
  let upstreamUrl: string;
  let commandsDir: string;
  let token: string;
  const seen: Seen[] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        const path = request.url?.split('?')[0];
        if (path === '/hang') return;
        if (path === '/missing') {
          response
            .writeHead(404, {
              'content-type': 'application/problem+json',
              'x-request-id': 'up-1',
              'x-internal': 'not for callers',
              'set-cookie': 'upstream_session=abc; Path=/',
              'cache-control': 'public, max-age=600',
            })
            .end('{"title":"no such order"}');
          return;
        }
        if (path === '/csv') {
          response.writeHead(200, { 'content-type': 'text/csv' }).end('id,name\n1,Ann\n');
          return;
        }
        if (path === '/bytes') {
          response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0xff, 0x00, 0x80, 0x0a]));
          return;
        }
        if (path === '/moved') {
          response.writeHead(302, { location: 'http://example.com/elsewhere' }).end();
          return;
        }
        if (path === '/big') {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(20_000) }));
          return;
        }
        if (path === '/leaky-error') {
          response.writeHead(500, { 'content-type': 'text/plain', 'x-echo-key': String(request.headers['x-api-key']) }).end(`trace: key=${String(request.headers['x-api-key'])}`);
          return;
        }
        // /echo: what arrived, with the key it was sent.
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: request.method, type: request.headers['content-type'] ?? null, body, key: request.headers['x-api-key'] ?? null }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    commandsDir = mkdtempSync(join(tmpdir(), 'gatehouse-command-relay-'));
    const spec = (name: string, extra: Record<string, unknown>) =>
      writeFileSync(join(commandsDir, `${name}.json`), JSON.stringify({ kind: 'http-request', app: 'shop', name, internalNetworks: ['127.0.0.1/32'], ...extra }));
    spec('order', { url: `${upstreamUrl}/missing`, relay: true, relayHeaders: ['X-Request-Id'] });
    spec('csv', { url: `${upstreamUrl}/csv` });
    spec('csv-relayed', { url: `${upstreamUrl}/csv`, relay: true });
    spec('bytes-relayed', { url: `${upstreamUrl}/bytes`, relay: true });
    spec('moved-relayed', { url: `${upstreamUrl}/moved`, relay: true, relayHeaders: ['location'] });
    spec('form', {
      method: 'POST',
      url: `${upstreamUrl}/echo`,
      bodyFormat: 'form',
      body: { name: '{{input.name}}', tags: '{{input.tags}}', note: 'for {{input.name}}', absent: '{{input.nothing}}' },
      input: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } }, required: ['name'] },
    });
    spec('text', { method: 'POST', url: `${upstreamUrl}/echo`, bodyFormat: 'text', body: 'Hello {{input.name}}, order {{input.order}}' });
    spec('text-typed', { method: 'PUT', url: `${upstreamUrl}/echo`, bodyFormat: 'text', body: '<name>{{input.name}}</name>', headers: { 'content-type': 'application/xml' } });
    writeFileSync(join(commandsDir, 'outbound.ts'), OUTBOUND_COMMANDS);
    process.env.GATEHOUSE_TEST_TRY_SECRET = SECRET;
    server = await startTestServer({
      store,
      config: { commandsDir, commandTimeoutMs: 10_000, commandInternalNetworks: ['127.0.0.1/32'], commandMaxResponseBytes: 10_000, commandEnv: ['GATEHOUSE_TEST_TRY_SECRET'], logLevel: 'info' },
      logDestination: { write: (line) => void logLines.push(line) },
    });
    const client = await server.createClient({ scope: 'shop' });
    const issued = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'shop' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await issued.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(commandsDir, { recursive: true, force: true });
    delete process.env.GATEHOUSE_TEST_TRY_SECRET;
  });

  const call = (name: string, body: string, contentType = 'application/json') =>
    fetch(`${server.url}/api/apps/shop/commands/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  const tryCommand = (body: unknown) => server.admin('POST', '/commands/try', body);

  describe('relay', () => {
    it('passes the upstream 404 on with its body, content-type and listed headers only', async () => {
      const response = await call('order', '{}');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('x-request-id')).toBe('up-1');
      expect(response.headers.get('x-internal')).toBeNull();
      expect(await response.text()).toBe('{"title":"no such order"}');
      // A relayed 401/404 has no bearer challenge: it cannot be mistaken for Gatehouse refusing the token.
      expect(response.headers.get('www-authenticate')).toBeNull();
    });

    it('never relays set-cookie, and keeps Gatehouse’s own caching header', async () => {
      const response = await call('order', '{}');
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('no-store');
      // Relayed content never runs as a page of Gatehouse's origin.
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('relays a non-JSON answer as it is; without relay it answers {text}', async () => {
      const relayed = await call('csv-relayed', '{}');
      expect(relayed.status).toBe(200);
      expect(relayed.headers.get('content-type')).toBe('text/csv');
      expect(await relayed.text()).toBe('id,name\n1,Ann\n');
      const wrapped = await call('csv', '{}');
      expect(wrapped.status).toBe(200);
      expect(await wrapped.json()).toEqual({ text: 'id,name\n1,Ann\n' });
    });

    it('relays bytes that are not UTF-8 unchanged', async () => {
      const response = await call('bytes-relayed', '{}');
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0xff, 0x00, 0x80, 0x0a]);
    });

    it('does not relay a redirect (502, no Location)', async () => {
      const response = await call('moved-relayed', '{}');
      expect(response.status).toBe(502);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.json()).toEqual({ error: 'upstream_error', error_description: 'the upstream system answered HTTP 302' });
    });
  });

  describe('request bodies', () => {
    it('sends a form body the upstream reads as application/x-www-form-urlencoded', async () => {
      seen.length = 0;
      const response = await call('form', JSON.stringify({ name: 'Ann & Bo', tags: ['a', 'b c'] }));
      expect(response.status).toBe(200);
      expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(seen[0]?.body).toBe('name=Ann+%26+Bo&tags=a&tags=b+c&note=for+Ann+%26+Bo');
      expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toMatchObject({ name: 'Ann & Bo', note: 'for Ann & Bo' });
    });

    it('sends a text body as text/plain, or with the type the headers set', async () => {
      seen.length = 0;
      expect((await call('text', JSON.stringify({ name: 'Ann', order: 42 }))).status).toBe(200);
      expect((await call('text-typed', JSON.stringify({ name: 'Bo' }))).status).toBe(200);
      expect(seen.map((request) => [request.method, request.headers['content-type'], request.body])).toEqual([
        ['POST', 'text/plain; charset=utf-8', 'Hello Ann, order 42'],
        ['PUT', 'application/xml', '<name>Bo</name>'],
      ]);
    });
  });

  describe('caller input', () => {
    it('takes a form body as an object of strings, checked against the schema', async () => {
      seen.length = 0;
      const response = await call('form', new URLSearchParams({ name: 'Cy' }).toString(), 'application/x-www-form-urlencoded');
      expect(response.status).toBe(200);
      expect(seen[0]?.body).toBe('name=Cy&note=for+Cy');
      const echoed = await call('echo', 'a=1&b=two&b=2', 'application/x-www-form-urlencoded');
      expect(await echoed.json()).toEqual({ input: { a: '1', b: ['two', '2'] } });
      const tooLong = await call('form', 'name=abcdefghijklmnop', 'application/x-www-form-urlencoded');
      expect(tooLong.status).toBe(400);
      expect(await tooLong.json()).toMatchObject({ error: 'invalid_request', field: 'name' });
      // The input guard reads form fields as it reads JSON ones.
      const nul = await call('echo', 'a=%00', 'application/x-www-form-urlencoded');
      expect(nul.status).toBe(400);
    });

    it('takes a text/plain body as the input string', async () => {
      const response = await call('echo', 'just words', 'text/plain; charset=utf-8');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ input: 'just words' });
    });

    it('refuses another content type with 415', async () => {
      const response = await call('echo', '<a/>', 'application/xml');
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    });
  });

  describe('context.http', () => {
    it('calls an allowed destination and reads the answer', async () => {
      seen.length = 0;
      const response = await call('call', JSON.stringify({ url: `${upstreamUrl}/echo` }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 200,
        ok: true,
        type: 'application/json',
        body: { method: 'POST', type: 'application/json', body: '{"hello":"world"}', key: 'code-key' },
      });
    });

    it('refuses a destination the policy does not allow, before connecting', async () => {
      const caught = await call('caught', JSON.stringify({ url: 'http://169.254.169.254/latest/meta-data/' }));
      expect(await caught.json()).toEqual({ caught: { status: 502, code: 'upstream_not_allowed', message: 'the upstream address is not one this command may call' } });
      // Not caught: the caller gets what an http-request command answers.
      const uncaught = await call('uncaught', JSON.stringify({ url: 'http://10.1.2.3/private' }));
      expect(uncaught.status).toBe(502);
      expect(await uncaught.json()).toEqual({ error: 'upstream_not_allowed', error_description: 'the upstream address is not one this command may call' });
    });

    it('stops at the size limit (GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES)', async () => {
      const response = await call('caught', JSON.stringify({ url: `${upstreamUrl}/big` }));
      expect(await response.json()).toMatchObject({ caught: { status: 502, code: 'upstream_too_large' } });
    });

    it('answers upstream_timeout past a request’s own time limit', async () => {
      // The upstream never answers: only the request's limit can end the wait (the command's is 10 s).
      const response = await call('caught', JSON.stringify({ url: `${upstreamUrl}/hang`, timeoutMs: 100 }));
      expect(await response.json()).toMatchObject({ caught: { status: 504, code: 'upstream_timeout' } });
    });

    it('keeps URL paths and queries out of its log lines', async () => {
      logLines.length = 0;
      await call('caught', JSON.stringify({ url: 'http://10.9.9.9/x?api_key=query-secret-1' }));
      const logged = logLines.join('');
      expect(logged).toContain('10.9.9.9');
      expect(logged).not.toContain('query-secret-1');
    });
  });

  describe('POST /admin/api/commands/try', () => {
    const keyed = (url: string, extra: Record<string, unknown> = {}) => ({
      kind: 'http-request',
      app: 'shop',
      name: 'draft',
      method: 'POST',
      url,
      headers: { 'x-api-key': '{{env.GATEHOUSE_TEST_TRY_SECRET}}', 'x-plain': 'visible' },
      body: { name: '{{input.name}}' },
      ...extra,
    });

    it('runs a spec with a sample input and shows the request, the answer and the result, env values redacted', async () => {
      seen.length = 0;
      logLines.length = 0;
      const response = await tryCommand({ spec: keyed(`${upstreamUrl}/echo?key={{env.GATEHOUSE_TEST_TRY_SECRET}}`), input: { name: 'Ann' } });
      expect(response.status).toBe(200);
      const text = await response.text();
      const result = JSON.parse(text) as CommandTryResultJson;
      expect(result.request).toEqual({
        method: 'POST',
        url: `${upstreamUrl}/echo?key=[redacted]`,
        headers: { accept: 'application/json', 'x-api-key': '[redacted]', 'x-plain': 'visible', 'content-type': 'application/json' },
        body: '{"name":"Ann"}',
      });
      expect(result.response).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
      expect(result.result).toEqual({ status: 200, body: { method: 'POST', type: 'application/json', body: '{"name":"Ann"}', key: '[redacted]' } });
      expect(result.duration_ms).toEqual(expect.any(Number));
      // The upstream got the real value; nobody else sees it.
      expect(seen[0]?.headers['x-api-key']).toBe(SECRET);
      expect(text).not.toContain(SECRET);
      expect(logLines.join('')).not.toContain(SECRET);
    });

    it('redacts env values an upstream error echoes, and shows the result a caller would get', async () => {
      logLines.length = 0;
      const response = await tryCommand({ spec: keyed(`${upstreamUrl}/leaky-error`, { relay: true }), input: { name: 'Ann' } });
      const text = await response.text();
      const result = JSON.parse(text) as CommandTryResultJson;
      expect(result.response).toMatchObject({ status: 500, body: 'trace: key=[redacted]', headers: { 'x-echo-key': '[redacted]' } });
      expect(result.result).toEqual({ status: 500, body: 'trace: key=[redacted]' });
      expect(text).not.toContain(SECRET);
      expect(logLines.join('')).not.toContain(SECRET);
    });

    it('refuses a destination as a real call does (no response, 502 upstream_not_allowed)', async () => {
      const response = await tryCommand({ spec: { kind: 'http-request', app: 'shop', name: 'draft', url: 'http://169.254.169.254/latest/meta-data/' }, input: {} });
      expect(response.status).toBe(200);
      const result = (await response.json()) as CommandTryResultJson;
      expect(result.request).toMatchObject({ method: 'GET', url: 'http://169.254.169.254/latest/meta-data/' });
      expect(result.response).toBeNull();
      expect(result.result).toEqual({ status: 502, body: { error: 'upstream_not_allowed', error_description: 'the upstream address is not one this command may call' } });
    });

    it('checks the sample input against the spec’s schema', async () => {
      seen.length = 0;
      const response = await tryCommand({ spec: keyed(`${upstreamUrl}/echo`, { input: { type: 'object', required: ['name'] } }), input: {} });
      const result = (await response.json()) as CommandTryResultJson;
      expect(result.response).toBeNull();
      expect(result.result).toMatchObject({ status: 400, body: { error: 'invalid_request', field: 'name' } });
      expect(seen).toEqual([]);
    });

    it.each([
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'ftp://example.com/' }, 'spec.url'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', relay: true, relayHeaders: ['Set-Cookie'] }, 'spec.relayHeaders'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', relayHeaders: ['x-request-id'] }, 'spec.relayHeaders'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', bodyFormat: 'xml' }, 'spec.bodyFormat'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', bodyFormat: 'form', body: 'a=b' }, 'spec.body'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', input: { type: 'no-such-type' } }, 'spec.input'],
      [undefined, 'spec'],
      // A try sends what it reads to the URL it names: no more than a stored command may reach.
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/?k={{env.GATEHOUSE_SECRET}}' }, 'spec.url'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', headers: { 'x-key': '{{env.DATABASE_URL}}' } }, 'spec.headers.x-key'],
      [{ kind: 'http-request', app: 'shop', name: 'draft', url: 'https://example.com/', internalNetworks: ['169.254.0.0/16'] }, 'spec.internalNetworks'],
    ])('answers 400 naming the field of a bad spec (%#)', async (spec, field) => {
      const response = await tryCommand({ spec, input: {} });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorJson;
      expect(body).toMatchObject({ error: 'invalid_request', field });
    });

    it('is for administrators only, and audited', async () => {
      const anonymous = await fetch(`${server.url}/admin/api/commands/try`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ spec: keyed(`${upstreamUrl}/echo`), input: {} }),
      });
      expect(anonymous.status).toBe(401);
      const withClientToken = await fetch(`${server.url}/admin/api/commands/try`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ spec: keyed(`${upstreamUrl}/echo`), input: {} }),
      });
      expect(withClientToken.status).toBe(401);
      expect((await tryCommand({ spec: keyed(`${upstreamUrl}/echo`), input: { name: 'x' } })).status).toBe(200);
      const audit = await server.admin('GET', '/audit?action=command.try');
      const { events } = (await audit.json()) as { events: { action: string; target: string | null; outcome: string }[] };
      expect(events[0]).toMatchObject({ action: 'command.try', target: 'shop/draft', outcome: 'success' });
    });
  });
});
