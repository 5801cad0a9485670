import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const SRC_DIR = fileURLToPath(new URL('../../../src', import.meta.url));
const CLIENT_DIR = join(SRC_DIR, 'client-sdk');
/** The Node.js-only entry gatehouse/client/native (a loopback HTTP server) and its module: not part of the browser SDK. */
const NODE_ONLY = ['native.ts', 'native-sign-in.ts'];
const clientFiles = () => readdirSync(CLIENT_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !NODE_ONLY.includes(file));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
/** Folders of src/ whose files the SDK may reach: its own, and src/shared (modules free of Node.js). */
const ALLOWED_FOLDERS = ['client-sdk', 'shared'];

describe('gatehouse/client runs in browsers', () => {
  it('imports no Node.js modules and uses no Node.js globals', () => {
    const files = clientFiles();
    expect(files.length).toBeGreaterThan(5);
    // Every file the SDK reaches, following relative imports (src/client-sdk, and what it uses of src/shared).
    const seen = new Set(files.map((file) => join(CLIENT_DIR, file)));
    const queue = [...seen];
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const file = relative(SRC_DIR, path);
      const source = readFileSync(path, 'utf8');
      const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
      for (const specifier of specifiers) {
        expect(specifier.startsWith('node:') || BUILTINS.has(specifier), `${file} imports ${specifier}`).toBe(false);
        // Only files of the SDK and of src/shared, and jose (universal: WebCrypto).
        if (specifier === 'jose') continue;
        expect(specifier.startsWith('./') || specifier.startsWith('../'), `${file} imports ${specifier}`).toBe(true);
        const target = resolve(dirname(path), specifier.replace(/\.js$/, '.ts'));
        expect(ALLOWED_FOLDERS, `${file} imports ${specifier}`).toContain(relative(SRC_DIR, target).split(sep)[0]);
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
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
    // The browser sign-in is in it; the native (loopback server) one is not.
    expect(code).toMatch(/class BrowserSignIn|BrowserSignIn = class/);
    expect(code).not.toContain('startNativeSignIn');
  });

  it('keeps the Node.js-only files apart: only gatehouse/client/native reaches them', () => {
    const sources = clientFiles().map((file) => readFileSync(join(CLIENT_DIR, file), 'utf8'));
    for (const nodeOnly of NODE_ONLY) for (const source of sources) expect(source).not.toContain(`'./${nodeOnly.replace(/\.ts$/, '.js')}'`);
    expect(readFileSync(join(CLIENT_DIR, 'native.ts'), 'utf8')).toContain("from './native-sign-in.js'");
  });
});
