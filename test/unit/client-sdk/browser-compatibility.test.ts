import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const CLIENT_DIR = fileURLToPath(new URL('../../../src/client-sdk', import.meta.url));
const clientFiles = () => readdirSync(CLIENT_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe('gatehouse/client runs in browsers', () => {
  it('imports no Node.js modules and uses no Node.js globals', () => {
    const files = clientFiles();
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = readFileSync(join(CLIENT_DIR, file), 'utf8');
      const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
      for (const specifier of specifiers) {
        expect(specifier.startsWith('node:') || BUILTINS.has(specifier), `${file} imports ${specifier}`).toBe(false);
        // Only its own files and jose (universal: WebCrypto).
        expect(specifier.startsWith('./') || specifier === 'jose', `${file} imports ${specifier}`).toBe(true);
      }
      expect(source, `${file} uses Buffer`).not.toMatch(/\bBuffer\b/);
      expect(source, `${file} uses process`).not.toMatch(/\bprocess\./);
      expect(source, `${file} uses require`).not.toMatch(/\brequire\(/);
    }
  });

  it('bundles for the browser with vite without any Node.js built-in', async () => {
    const resolved: string[] = [];
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      root: CLIENT_DIR,
      plugins: [
        {
          name: 'refuse-node-builtins',
          enforce: 'pre',
          resolveId(source) {
            resolved.push(source);
            if (source.startsWith('node:') || BUILTINS.has(source)) throw new Error(`the browser bundle imports ${source}`);
            return null;
          },
        },
      ],
      build: {
        write: false,
        minify: false,
        lib: { entry: join(CLIENT_DIR, 'index.ts'), formats: ['es'], fileName: 'gatehouse-client' },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
    const chunks = outputs.flatMap((output) => output.output).filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(0);
    const code = chunks.map((chunk) => chunk.code).join('\n');
    expect(resolved).toContain('jose');
    // jose is bundled in; the SDK's exports are there; nothing is left to import.
    expect(code).toMatch(/class GatehouseClient|GatehouseClient = class/);
    expect(code).toContain('challenge_response');
    expect(code).toContain('SignJWT');
    // jose's WebCrypto build, not its Node.js one.
    expect(code).toContain('jose/dist/webapi');
    expect(code).not.toMatch(/\bimport\s*[^;]*from\s*['"]/);
    expect(code).not.toMatch(/['"]node:/);
  });
});
