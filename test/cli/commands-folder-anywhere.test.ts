import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitOf, ROOT, startCliServer } from '../helpers/cli.js';

/**
 * GATEHOUSE_COMMANDS_DIR and GATEHOUSE_CHECKS_DIR outside the clone, with the real `gatehouse serve` built in
 * dist/ (`npm run build` first): `import ... from 'gatehouse'` resolves to the running Gatehouse, with or
 * without a package.json in the folder, from `.ts` and `.mjs`/`.js` modules; a module that cannot load names
 * the cause and the fix.
 */
const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

const TS_COMMAND = `import { defineApplication, defineCommand, type CommandContext } from 'gatehouse';
import { metadataUrlOf } from 'gatehouse/resource-server';
import { suffix } from './greeting-suffix.ts';

export const app = defineApplication({ name: 'outside', protected: false });

const greet = ({ input }: CommandContext): { greeting: string; gatehouse: string; metadata: string | undefined } => ({
  greeting: 'hello ' + String((input as { name?: string }).name) + suffix,
  gatehouse: import.meta.resolve('gatehouse'),
  metadata: metadataUrlOf('https://api.example'),
});
export const hello = defineCommand({ app: 'outside', name: 'hello', handler: greet });
`;
const TS_HELPER = `export const suffix: string = '!';\n`;
const MJS_COMMAND = `import { defineCommand } from 'gatehouse';
export const echo = defineCommand({ app: 'outside', name: 'echo', protected: false, handler: ({ input }) => ({ echoed: input, gatehouse: import.meta.resolve('gatehouse') }) });
`;

describe('command modules outside the clone (gatehouse serve from dist/)', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'gatehouse-outside-'));
  });
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
  });

  /** A folder of `files` under the temporary base. */
  const folder = (name: string, files: Record<string, string>) => {
    const path = join(base, name);
    mkdirSync(path, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
    return path;
  };
  const serve = (env: Record<string, string>) => startCliServer({ GATEHOUSE_DATA_DIR: mkdtempSync(join(base, 'data-')), GATEHOUSE_SECRET: SECRET, ...env }, { built: true });
  const command = async (url: string, name: string, input: unknown) => {
    const response = await fetch(`${url}/api/apps/outside/commands/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const runningGatehouse = pathToFileURL(join(ROOT, 'dist/index.js')).href;

  it.each([
    ['without a package.json', {}],
    ['with a package.json as `npm init -y` writes it ("type": "commonjs")', { 'package.json': JSON.stringify({ name: 'my-commands', version: '1.0.0', type: 'commonjs', main: 'index.js' }) }],
    ['with a package.json without "type"', { 'package.json': JSON.stringify({ name: 'my-commands', version: '1.0.0' }) }],
  ])('loads .ts and .mjs modules %s, resolving gatehouse to the running package', async (label, extra) => {
    const commands = folder(`commands-${label.length}`, {
      'hello.ts': TS_COMMAND,
      'greeting-suffix.ts': TS_HELPER,
      'echo.mjs': MJS_COMMAND,
      'plain.js': MJS_COMMAND.replace("'echo'", "'plain'"),
      ...extra,
    });
    const server = await serve({ GATEHOUSE_COMMANDS_DIR: commands });
    try {
      const hello = await command(server.url, 'hello', { name: 'ada' });
      expect(hello).toEqual({ status: 200, body: { greeting: 'hello ada!', gatehouse: runningGatehouse, metadata: 'https://api.example/.well-known/oauth-protected-resource' } });
      expect(await command(server.url, 'echo', { n: 1 })).toEqual({ status: 200, body: { echoed: { n: 1 }, gatehouse: runningGatehouse } });
      expect((await command(server.url, 'plain', { n: 2 })).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  });

  it('loads a custom security check from a folder outside the clone', async () => {
    const checks = folder('checks', {});
    copyFileSync(join(ROOT, 'test/fixtures/checks/device-tag.mjs'), join(checks, 'device-tag.mjs'));
    const server = await serve({ GATEHOUSE_CHECKS_DIR: checks });
    try {
      expect(server.output()).toMatch(/"checks":\["DeviceTag"\][^\n]*security checks loaded/);
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  });

  it.each([
    [
      'a package that is not installed',
      { 'needs-package.mjs': "import pad from 'left-pad-never-installed';\nexport const x = pad;\n" },
      /the package left-pad-never-installed, which is not installed[^\n]*Fix: install it beside the module \(cd [^\n]* && npm install left-pad-never-installed\)/,
    ],
    [
      'a CommonJS module',
      { 'old-style.js': "const { defineCommand } = require('gatehouse');\nmodule.exports = { x: defineCommand };\n" },
      /it is written as CommonJS \(require, module\.exports\), and extension modules are ES modules\. Fix: use import and export/,
    ],
    [
      'a file it imports that does not exist',
      { 'relative.ts': "import { x } from './missing-helper.js';\nexport const y = x;\n" },
      /it imports [^\n]*missing-helper\.js, which does not exist\. Fix: correct the import path/,
    ],
    ['a syntax error', { 'typo.mjs': 'export const = 1;\n' }, /it has a syntax error: [^\n]*Fix: correct the syntax of/],
  ])('a module with %s stops start-up with one line naming the file, the cause and the fix', async (label, files, expected) => {
    const commands = folder(`broken-${label.replace(/\W+/g, '-')}`, files);
    const [file] = Object.keys(files);
    const failure = await serve({ GATEHOUSE_COMMANDS_DIR: commands }).then(
      async (server) => {
        server.child.kill('SIGKILL');
        await exitOf(server.child);
        return expect.unreachable('the server started');
      },
      (error: unknown) => String(error),
    );
    expect(failure).toContain(`GATEHOUSE_COMMANDS_DIR: cannot load ${join(commands, file ?? '')}`);
    expect(failure).toMatch(expected);
    expect(failure).not.toContain('in a cycle');
  });
});
