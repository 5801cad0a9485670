import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('configuration', () => {
  it('has defaults that run on a fresh machine', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', issuer: 'http://127.0.0.1:8080', signingAlg: 'ES256', databaseUrl: undefined, maxTokenLifetime: 86_400 });
    expect(config.dataDir).toBe(resolve('./data'));
  });

  it('reads environment variables', () => {
    const config = loadConfig({
      env: {
        PORT: '9000',
        GATEHOUSE_ISSUER: 'https://auth.example.com/',
        DATABASE_URL: 'postgres://u@db/g',
        GATEHOUSE_SIGNING_ALG: 'EdDSA',
        GATEHOUSE_RESOURCES: 'https://a.example, https://b.example',
      },
    });
    expect(config.port).toBe(9000);
    expect(config.issuer).toBe('https://auth.example.com');
    expect(config.databaseUrl).toBe('postgres://u@db/g');
    expect(config.signingAlg).toBe('EdDSA');
    expect(config.resources).toEqual(['https://a.example', 'https://b.example']);
    expect(loadConfig({ env: { PORT: '9000' } }).issuer).toBe('http://127.0.0.1:9000');
  });

  it('refuses bad values with one line naming the variable and what is allowed', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'abc' }, /^PORT: must be an integer from 0 to 65535/],
      [{ PORT: '70000' }, /^PORT: /],
      [{ GATEHOUSE_SIGNING_ALG: 'HS256' }, /^GATEHOUSE_SIGNING_ALG: must be one of ES256, EdDSA, RS256, PS256/],
      [{ GATEHOUSE_ISSUER: 'ftp://x' }, /^GATEHOUSE_ISSUER: must be an absolute http\(s\) URL/],
      [{ GATEHOUSE_ISSUER: 'https://x.example/?a=1' }, /^GATEHOUSE_ISSUER: must not have a query/],
      [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres:\/\//],
      [{ GATEHOUSE_SECRET: 'short' }, /^GATEHOUSE_SECRET: /],
      [{ GATEHOUSE_ADMIN_TOKEN: 'short' }, /^GATEHOUSE_ADMIN_TOKEN: must be at least 16 characters/],
      [{ GATEHOUSE_MAX_TOKEN_LIFETIME: '0' }, /^GATEHOUSE_MAX_TOKEN_LIFETIME: /],
      [{ HOST: 'not a host!' }, /^HOST: must be an IP address .* or a host name/],
      [{ HOST: '-bad-.example' }, /^HOST: /],
      [{ GATEHOUSE_ADMIN_TOKEN: 'an admin token with spaces' }, /^GATEHOUSE_ADMIN_TOKEN: must be visible ASCII characters without spaces/],
    ];
    for (const [env, message] of cases) {
      let caught: unknown;
      try {
        loadConfig({ env });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('\n');
    }
  });

  it('accepts IP addresses and host names as HOST', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'gatehouse.internal.example']) {
      expect(loadConfig({ env: { HOST: host } }).host).toBe(host);
    }
  });

  it('never repeats a secret or credentials in an error', () => {
    const secrets: Record<string, string> = {
      GATEHOUSE_SECRET: 'too-short-master-secret',
      GATEHOUSE_ADMIN_TOKEN: 'sh0rtpw',
      DATABASE_URL: 'mysql://admin:hunter2-db-password@db/gatehouse',
    };
    for (const [name, value] of Object.entries(secrets)) {
      let message = '';
      try {
        loadConfig({ env: { [name]: value } });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(new RegExp(`^${name}: `));
      expect(message).not.toContain(value);
      expect(message).not.toContain('hunter2');
    }
    // Settings that are not secret still show what was given, which helps to spot a typo.
    expect(() => loadConfig({ env: { GATEHOUSE_SIGNING_ALG: 'ES265' } })).toThrow("(got 'ES265')");
  });

  it('reads a JSON file, with environment variables winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
    try {
      const file = join(dir, 'gatehouse.json');
      writeFileSync(file, JSON.stringify({ port: 7000, signingAlg: 'RS256', resources: ['https://r.example'] }));
      expect(loadConfig({ env: {}, configFile: file })).toMatchObject({ port: 7000, signingAlg: 'RS256', resources: ['https://r.example'] });
      expect(loadConfig({ env: { PORT: '7100' }, configFile: file }).port).toBe(7100);
      writeFileSync(file, JSON.stringify({ prot: 1 }));
      expect(() => loadConfig({ env: {}, configFile: file })).toThrow(/unknown setting 'prot'/);
      writeFileSync(file, '{ not json');
      expect(() => loadConfig({ env: {}, configFile: file })).toThrow(/not valid JSON/);
      expect(() => loadConfig({ env: {}, configFile: join(dir, 'missing.json') })).toThrow(ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
