import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { forbidden } = require('../../.dependency-cruiser.cjs') as { forbidden: IForbiddenRuleType[] };

/** Cruises a small tree laid out like src/ with the project's own rules; answers the names of the rules broken. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const previous = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(['src'], { validate: true, ruleSet: { forbidden }, tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' } });
    const output = result.output as ICruiseResult;
    return [...new Set(output.summary.violations.map((violation) => violation.rule.name))].sort();
  } finally {
    process.chdir(previous);
  }
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('the layer rules of npm run lint (.dependency-cruiser.cjs)', () => {
  it('allow imports that point down the layers', async () => {
    expect(
      await violations({
        'src/store/clients-repository.ts': "import type { Client } from '../clients/client.js';\nexport const x: Client | undefined = undefined;\n",
        'src/clients/client.ts': "import { scope } from '../shared/scope.js';\nexport interface Client { s: typeof scope }\n",
        'src/shared/scope.ts': 'export const scope = 1;\n',
      }),
    ).toEqual([]);
  });

  it('refuse an import that points up, even a type-only one', async () => {
    expect(
      await violations({
        'src/clients/client.ts': "import type { Row } from '../store/row.js';\nexport type Client = Row;\n",
        'src/store/row.ts': 'export interface Row { id: string }\n',
      }),
    ).toEqual(['layer:clients']);
  });

  it('refuse two folders that import each other', async () => {
    expect(
      await violations({
        'src/users/user.ts': "import { key } from '../clients/key.js';\nexport const user = key;\n",
        'src/clients/key.ts': "export const key = 1;\nexport { user } from '../users/user.js';\n",
      }),
    ).toContain('layer:clients');
  });

  it('refuse a file cycle inside one folder', async () => {
    expect(
      await violations({
        'src/store/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'src/store/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      }),
    ).toEqual(['no-circular']);
  });

  it('keep the SDK apart from the server', async () => {
    expect(
      await violations({
        'src/client-sdk/index.ts': "import type { Client } from '../clients/client.js';\nexport type C = Client;\n",
        'src/clients/client.ts': 'export interface Client { id: string }\n',
      }),
    ).toEqual(['sdk-stands-alone']);
  });
});
