import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer, type TestServer } from '../helpers/test-server.js';

/** http-request commands defined in JSON, run by a real Gatehouse against a stub upstream system. */
describe('http-request commands', () => {
  let server: TestServer;
  let upstream: Server;
  let upstreamUrl: string;
  let commandsDir: string;
  let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string }[] = [];
  let client: { client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        if (request.url?.startsWith('/hang')) return; // never answers
        if (request.url?.startsWith('/moved')) {
          response.writeHead(302, { location: `${upstreamUrl}/secret-sink` }).end();
          return;
        }
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ received: body === '' ? null : (JSON.parse(body) as unknown) }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    commandsDir = mkdtempSync(join(tmpdir(), 'gatehouse-http-commands-'));
    const spec = (name: string, extra: Record<string, unknown>) =>
      writeFileSync(join(commandsDir, `${name}.json`), JSON.stringify({ kind: 'http-request', app: 'crm', name, ...extra }));
    spec('note', {
      method: 'POST',
      url: `${upstreamUrl}/customers/{{input.id}}/notes`,
      headers: { 'x-api-key': 'key-1' },
      body: { text: '{{input.text}}', tags: ['{{input.tag}}', 'fixed'], summary: 'note for {{input.id}}', count: '{{input.count}}' },
      forwardIdentityHeader: 'X-Caller',
    });
    spec('hang', { url: `${upstreamUrl}/hang`, timeoutMs: 150 });
    spec('hang-default', { url: `${upstreamUrl}/hang` });
    spec('moved', { url: `${upstreamUrl}/moved`, headers: { 'x-api-key': 'key-1' } });
    spec('path', { url: `${upstreamUrl}/customers/{{input.id}}/profile` });
    spec('down', { url: 'http://127.0.0.1:9/unreachable' });
    // A code command answering a bare string (branded as defineCommand does, without importing the package).
    writeFileSync(
      join(commandsDir, 'text.mjs'),
      "export const text = { app: 'crm', name: 'text', handler: () => 'plain words', [Symbol.for('gatehouse.command')]: true };\n",
    );
    // The server-wide limit bounds every command that answers too: seconds, far above a stub's answer on a
    // loaded machine. Only the commands whose upstream never answers run into their limits.
    server = await startTestServer({ store: 'sqlite', config: { commandsDir, commandTimeoutMs: 3_000 } });
    client = await server.createClient({ scope: 'crm' });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'crm' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(commandsDir, { recursive: true, force: true });
  });

  const run = (name: string, body: unknown = {}) =>
    fetch(`${server.url}/api/apps/crm/commands/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('sends the method, URL, headers and body template filled from the input, with the caller identity', async () => {
    seen = [];
    const response = await run('note', { id: 'a/b', text: 'hello "there"', tag: 'vip', count: 3 });
    expect(response.status).toBe(200);
    const sent = { text: 'hello "there"', tags: ['vip', 'fixed'], summary: 'note for a/b', count: 3 };
    expect(await response.json()).toEqual({ received: sent });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/customers/a%2Fb/notes' });
    expect(seen[0]?.headers).toMatchObject({ 'x-api-key': 'key-1', 'content-type': 'application/json', 'x-caller': `client_id=${client.client_id}; sub=${client.client_id}` });
  });

  it('answers 504 when the other system does not answer within the time limit', async () => {
    const response = await run('hang');
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ error: 'timeout', error_description: 'the command ran past its time limit' });
  });

  it('applies the server time limit (GATEHOUSE_COMMAND_TIMEOUT_MS) to a command without its own', async () => {
    const response = await run('hang-default');
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: string }).error).toBe('timeout');
  });

  it('answers 502 upstream_unreachable when the other system cannot be reached', async () => {
    const response = await run('down');
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toBe('upstream_unreachable');
  });

  it('does not follow redirects, so configured headers never travel elsewhere', async () => {
    seen = [];
    const response = await run('moved');
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'upstream_error', error_description: 'the upstream system answered HTTP 302' });
    expect(seen.map((request) => request.url)).toEqual(['/moved']);
  });

  it('refuses input that would climb the URL path with dot segments', async () => {
    seen = [];
    for (const id of ['..', '.']) {
      const response = await run('path', { id });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    }
    expect(seen).toEqual([]);
    expect((await run('path', { id: '..x' })).status).toBe(200);
    expect(seen.map((request) => request.url)).toEqual(['/customers/..x/profile']);
  });

  it('answers JSON even when a command handler returns a bare string', async () => {
    const response = await run('text');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toBe('plain words');
  });
});
