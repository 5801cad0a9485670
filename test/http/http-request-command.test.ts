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
  const logLines: string[] = [];
  let endlessHungUp: () => void = () => undefined;
  const endlessClosed = new Promise<void>((resolve) => (endlessHungUp = resolve));

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        if (request.url?.startsWith('/hang')) return; // never answers
        const bytes = Number(new URL(request.url ?? '/', 'http://upstream').searchParams.get('bytes'));
        if (request.url?.startsWith('/big-chunked')) {
          // No Content-Length: the size shows only while reading.
          response.writeHead(200, { 'content-type': 'application/json' });
          const chunk = 'x'.repeat(65_536);
          response.write('{"pad":"');
          for (let sent = 0; sent < bytes; sent += chunk.length) response.write(chunk);
          response.end('"}');
          return;
        }
        if (request.url?.startsWith('/big')) {
          const text = JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) });
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
          return;
        }
        if (request.url?.startsWith('/endless')) {
          // Sends as fast as it is read, until the caller hangs up.
          response.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(65_536, 'x');
          const pump = () => {
            while (!response.destroyed && response.write(chunk));
            if (!response.destroyed) response.once('drain', pump);
          };
          response.on('close', () => endlessHungUp());
          pump();
          return;
        }
        if (request.url?.startsWith('/status/')) {
          response.writeHead(Number(request.url.split('/')[2]?.split('?')[0]), { 'content-type': 'text/plain' }).end('upstream trace: token=s3cr3t-from-env');
          return;
        }
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
    const spec = (name: string, extra: Record<string, unknown>) => writeFileSync(join(commandsDir, `${name}.json`), JSON.stringify({ kind: 'http-request', app: 'crm', name, ...extra }));
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
    // Credentials from the environment in the URL's user part and query: never in an answer or a log line.
    process.env.GATEHOUSE_TEST_UPSTREAM_SECRET = 's3cr3t-from-env';
    spec('down-with-secrets', { url: 'http://svc:{{env.GATEHOUSE_TEST_UPSTREAM_SECRET}}@127.0.0.1:9/x?api_key={{env.GATEHOUSE_TEST_UPSTREAM_SECRET}}&q={{input.q}}' });
    spec('failing-with-secrets', { url: `${upstreamUrl}/status/500?token={{env.GATEHOUSE_TEST_UPSTREAM_SECRET}}` });
    spec('big', { url: `${upstreamUrl}/big?bytes=2097152` });
    spec('big-chunked', { url: `${upstreamUrl}/big-chunked?bytes=2097152` });
    spec('endless', { url: `${upstreamUrl}/endless` });
    spec('capped', { url: `${upstreamUrl}/big?bytes={{input.bytes}}`, maxResponseBytes: 1000 });
    spec('capped-chunked', { url: `${upstreamUrl}/big-chunked?bytes={{input.bytes}}`, maxResponseBytes: 1000 });
    spec('echo-input', { method: 'POST', url: `${upstreamUrl}/echo`, body: { value: '{{input.value}}' } });
    // A code command answering a bare string (branded as defineCommand does, without importing the package).
    writeFileSync(join(commandsDir, 'text.mjs'), "export const text = { app: 'crm', name: 'text', handler: () => 'plain words', [Symbol.for('gatehouse.command')]: true };\n");
    // The server-wide limit bounds every command that answers too: seconds, far above a stub's answer on a
    // loaded machine. Only the commands whose upstream never answers run into their limits.
    server = await startTestServer({
      store: 'sqlite',
      config: { commandsDir, commandTimeoutMs: 3_000, commandInternalNetworks: ['127.0.0.1/32'], logLevel: 'info' },
      logDestination: { write: (line) => logLines.push(line) },
    });
    client = await server.createClient({ scope: 'crm' });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'crm' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(commandsDir, { recursive: true, force: true });
    delete process.env.GATEHOUSE_TEST_UPSTREAM_SECRET;
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
    expect(seen[0]?.headers).toMatchObject({ 'x-api-key': 'key-1', 'content-type': 'application/json', 'x-caller': `client_id="${client.client_id}", sub="${client.client_id}"` });
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

  it('answers a fixed description for upstream errors and logs them without credentials or query secrets', async () => {
    logLines.length = 0;
    const unreachable = await run('down-with-secrets', { q: 'plain' });
    expect(unreachable.status).toBe(502);
    expect(await unreachable.json()).toEqual({ error: 'upstream_unreachable', error_description: 'the upstream system cannot be reached' });
    const failing = await run('failing-with-secrets');
    expect(failing.status).toBe(502);
    expect(await failing.json()).toEqual({ error: 'upstream_error', error_description: 'the upstream system answered HTTP 500' });
    const logged = logLines.join('');
    expect(logged).not.toContain('s3cr3t-from-env');
    // The details are logged for the operator: where the call went (without the secrets) and why it failed.
    const unreachableLine = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.command === 'crm/down-with-secrets' && line.upstream);
    expect(unreachableLine).toMatchObject({ upstream: { method: 'GET', host: '127.0.0.1:9' } });
    expect(JSON.stringify(unreachableLine)).toContain('q=plain');
    expect(unreachableLine?.reason).toEqual(expect.stringMatching(/\w+/));
  });

  it('sends the caller identity as an RFC 8941 dictionary that a client id cannot forge', async () => {
    const forger = await server.createClient({ client_id: 'partner;sub=admin,sub="root"\\', scope: 'crm' });
    const issued = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'crm' }, { authorization: basicAuth(forger.client_id, forger.client_secret) });
    const forgerToken = ((await issued.json()) as { access_token: string }).access_token;
    seen = [];
    const response = await fetch(`${server.url}/api/apps/crm/commands/note`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forgerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: '1', text: 't' }),
    });
    expect(response.status).toBe(200);
    const encoded = '"partner;sub=admin,sub=\\"root\\"\\\\"';
    expect(seen[0]?.headers?.['x-caller']).toBe(`client_id=${encoded}, sub=${encoded}`);
  });

  it('answers 400, not 500, to very deeply nested input and to a lone surrogate bound for the URL', async () => {
    seen = [];
    const depth = 100_000;
    for (const name of ['echo-input', 'path']) {
      const deep = await fetch(`${server.url}/api/apps/crm/commands/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: `{"value":${'['.repeat(depth)}${']'.repeat(depth)},"id":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      });
      expect(deep.status).toBe(400);
      expect(((await deep.json()) as { error: string }).error).toBe('invalid_request');
    }
    const surrogate = await fetch(`${server.url}/api/apps/crm/commands/path`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"id":"\\ud800"}',
    });
    expect(surrogate.status).toBe(400);
    expect(await surrogate.json()).toMatchObject({ error: 'invalid_request' });
    expect(seen).toEqual([]);
    // Nesting within the limit still works.
    const nested = await run('echo-input', { value: [[[{ a: [1] }]]] });
    expect(nested.status).toBe(200);
  });

  it('answers 502 upstream_too_large beyond the server-wide limit (1 MiB), with and without Content-Length', async () => {
    for (const name of ['big', 'big-chunked']) {
      const response = await run(name);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ error: 'upstream_too_large', error_description: 'the upstream system answered more than the command accepts' });
    }
  });

  it('applies a command’s own maxResponseBytes', async () => {
    expect((await run('capped', { bytes: 900 })).status).toBe(200);
    expect((await run('capped-chunked', { bytes: 1 })).status).toBe(502);
    const over = await run('capped', { bytes: 1001 });
    expect(over.status).toBe(502);
    expect(((await over.json()) as { error: string }).error).toBe('upstream_too_large');
  });

  it('stops reading and hangs up on an upstream that never stops sending', async () => {
    // The command's time limit is 300 ms: without the cap this answers 504 after buffering what arrived.
    const response = await run('endless');
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toBe('upstream_too_large');
    await endlessClosed;
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

/** Where http-request commands may connect: public addresses, and internal ones only when a setting allows them. */
describe('http-request command destinations', () => {
  let server: TestServer;
  let upstream4: Server;
  let upstream6: Server;
  let commandsDir: string;
  let token: string;
  const reached: string[] = [];

  beforeAll(async () => {
    const answer = (request: { url?: string }, response: { writeHead(status: number, headers: Record<string, string>): { end(text: string): void } }) => {
      reached.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"reached":true}');
    };
    upstream4 = createServer(answer);
    upstream6 = createServer(answer);
    await new Promise<void>((resolve) => upstream4.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => upstream6.listen(0, '::1', resolve));
    const port4 = (upstream4.address() as AddressInfo).port;
    const port6 = (upstream6.address() as AddressInfo).port;
    commandsDir = mkdtempSync(join(tmpdir(), 'gatehouse-http-destinations-'));
    const spec = (name: string, url: string, extra: Record<string, unknown> = {}) =>
      writeFileSync(join(commandsDir, `${name}.json`), JSON.stringify({ kind: 'http-request', app: 'net', name, url, ...extra }));
    spec('loopback', `http://127.0.0.1:${port4}/loopback`);
    spec('loopback-decimal', `http://2130706433:${port4}/loopback-decimal`);
    spec('loopback6', `http://[::1]:${port6}/loopback6`);
    spec('mapped', `http://[::ffff:127.0.0.1]:${port4}/mapped`);
    spec('localhost', `http://localhost:${port4}/localhost`);
    spec('unspecified', `http://0.0.0.0:${port4}/unspecified`);
    spec('metadata', 'http://169.254.169.254/latest/meta-data/');
    spec('private', 'http://10.1.2.3/private');
    spec('unique-local', 'http://[fd00:ec2::254]/unique-local');
    spec('allowed', `http://127.0.0.1:${port4}/allowed`, { internalNetworks: ['127.0.0.1'] });
    spec('allowed-localhost', `http://localhost:${port4}/allowed-localhost`, { internalNetworks: ['127.0.0.0/8', '::1'] });
    spec('allowed6', `http://[::1]:${port6}/allowed6`, { internalNetworks: ['::1/128'] });
    // The server's own allowance (GATEHOUSE_COMMAND_INTERNAL_NETWORKS) is not given here: every internal address is refused.
    server = await startTestServer({ store: 'sqlite', config: { commandsDir, commandTimeoutMs: 5_000 } });
    const client = await server.createClient({ scope: 'net' });
    const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'net' }, { authorization: basicAuth(client.client_id, client.client_secret) });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => upstream4.close(resolve));
    await new Promise((resolve) => upstream6.close(resolve));
    rmSync(commandsDir, { recursive: true, force: true });
  });

  const run = (name: string) => fetch(`${server.url}/api/apps/net/commands/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });

  it.each(['loopback', 'loopback-decimal', 'loopback6', 'mapped', 'localhost', 'unspecified', 'metadata', 'private', 'unique-local'])(
    'refuses the internal destination of %s by default, before connecting',
    async (name) => {
      reached.length = 0;
      const response = await run(name);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ error: 'upstream_not_allowed', error_description: 'the upstream address is not one this command may call' });
      expect(reached).toEqual([]);
    },
  );

  it('calls an internal address that the command allows explicitly (after resolving the name, too)', async () => {
    reached.length = 0;
    for (const name of ['allowed', 'allowed-localhost', 'allowed6']) {
      const response = await run(name);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ reached: true });
    }
    expect(reached).toEqual(['/allowed', '/allowed-localhost', '/allowed6']);
  });
});

describe('http-request command destinations allowed by the server configuration', () => {
  it('calls an internal address listed in GATEHOUSE_COMMAND_INTERNAL_NETWORKS', async () => {
    const upstream = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const commandsDir = mkdtempSync(join(tmpdir(), 'gatehouse-http-destinations-'));
    writeFileSync(
      join(commandsDir, 'call.json'),
      JSON.stringify({ kind: 'http-request', app: 'net', name: 'call', protected: false, url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/x` }),
    );
    const refusing = await startTestServer({ store: 'sqlite', config: { commandsDir } });
    const allowing = await startTestServer({ store: 'sqlite', config: { commandsDir, commandInternalNetworks: ['127.0.0.0/8'] } });
    try {
      const call = (base: string) => fetch(`${base}/api/apps/net/commands/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect((await call(refusing.url)).status).toBe(502);
      const allowed = await call(allowing.url);
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toEqual({ ok: true });
    } finally {
      await refusing.close();
      await allowing.close();
      await new Promise((resolve) => upstream.close(resolve));
      rmSync(commandsDir, { recursive: true, force: true });
    }
  });
});
