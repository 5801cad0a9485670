import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROOT } from '../../src/admin-api/console.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

describe.each(STORES)('web console files and read-only admin routes on %s', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    // npm test builds it (pretest); the console must be there, not skipped.
    expect(existsSync(`${CONSOLE_ROOT}index.html`)).toBe(true);
    server = await startTestServer({ store, config: { commandsDir: 'examples/commands' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the console at /admin/ with a strict Content-Security-Policy and no framing', async () => {
    const response = await fetch(`${server.url}/admin/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    // Every script is a file of this origin: no inline code for the policy to allow.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/admin\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/https?:\/\//);

    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const script = await fetch(`${server.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
  });

  it("answers the app's own paths with index.html, redirects /admin, and keeps API 404s JSON", async () => {
    for (const path of ['/admin/clients', '/admin/clients/some-client', '/admin/audit']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root"></div>');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    const bare = await fetch(`${server.url}/admin`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/admin/');
    const missingAsset = await fetch(`${server.url}/admin/assets/nope.js`);
    expect(missingAsset.status).toBe(404);
    const api = await server.admin('GET', '/no-such-route');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: string }).error).toBe('not_found');
  });

  it('lists the loaded applications and commands with their scope and protection', async () => {
    const response = await server.admin('GET', '/applications');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { applications: { name: string; commands: { name: string; protected: boolean; scope: string[]; path: string }[] }[]; reserved_scopes: string[] };
    const demo = body.applications.find((application) => application.name === 'demo');
    expect(demo?.commands.find((command) => command.name === 'echo')).toMatchObject({ protected: true, scope: ['demo'], roles: [], path: '/api/apps/demo/commands/echo' });
    const publicApp = body.applications.find((application) => application.name === 'public');
    expect(publicApp?.commands.find((command) => command.name === 'ping')).toMatchObject({ protected: false, scope: [] });
    // A command that declares a scope is protected even inside an unprotected application.
    expect(publicApp?.commands.find((command) => command.name === 'report')).toMatchObject({ protected: true, scope: ['reports'] });
    expect(body.reserved_scopes).toEqual(['users', 'commands', 'offline_access', 'roles']);
    expect((await fetch(`${server.url}/admin/api/applications`)).status).toBe(401);
  });

  it('shows the server settings read-only, without secrets', async () => {
    const response = await server.admin('GET', '/settings/server');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ max_token_lifetime: server.config.maxTokenLifetime, default_client_token_lifetime: 7200, store });
    const text = JSON.stringify(body);
    expect(text).not.toContain(server.config.masterSecret!);
    expect(text).not.toContain('test-admin-token');
  });
});
