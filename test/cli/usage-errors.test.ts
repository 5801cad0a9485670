import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-usage-'));
const env = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'error' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('gatehouse usage errors', () => {
  it('prints the version of package.json with --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], env);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('answers an unknown option with the error, a suggestion and where the usage is, not the whole help', async () => {
    const result = await runCli(['clients', 'create', '--nme', 'x'], env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe("error: unknown option '--nme'");
    expect(lines).toContain("Run 'gatehouse clients create --help' for usage.");
    expect(result.stderr).not.toContain('Options:');
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it('names the command group of an unknown subcommand', async () => {
    const result = await runCli(['users', 'bogus'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: unknown command 'bogus'");
    expect(result.stderr).toContain("Run 'gatehouse users --help' for usage.");
    expect(result.stderr).not.toContain('Commands:');
  });

  it('refuses conflicting or meaningless flag combinations before touching the store', async () => {
    const rotate = await runCli(['keys', 'rotate', '--delay', '5', '--now'], env);
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain("option '--now' cannot be used with option '--delay <seconds>'");
    expect(rotate.stderr).toContain("Run 'gatehouse keys rotate --help' for usage.");

    const sqlAlone = await runCli(['migrate', '--sql'], env);
    expect(sqlAlone.code).toBe(1);
    expect(sqlAlone.stderr.trim()).toBe('gatehouse: --sql prints what --dry-run would apply; use it with --dry-run');
  });
});
