import { readFileSync, realpathSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Loads the modules of an extension folder (GATEHOUSE_COMMANDS_DIR, GATEHOUSE_CHECKS_DIR) from anywhere on disk:
 * with or without a package.json of its own, `.ts` through tsx, and `import ... from 'gatehouse'` (and its
 * subpaths) resolving to the Gatehouse that runs, not to a copy the folder may or may not have. A module that
 * cannot load fails with an `ExtensionModuleError` that names the cause and the fix.
 */

/** A module of an extension folder that cannot be loaded: `message` names the file, the cause and the fix. */
export class ExtensionModuleError extends Error {
  override name = 'ExtensionModuleError';
  constructor(
    readonly file: string,
    /** What went wrong, in words. */
    readonly reason: string,
    /** What to do about it. */
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot load ${file}: ${reason}. Fix: ${fix}`, options);
  }
}

/**
 * The module resolution hooks (node:module `register`), as a data: URL so that the same code runs from the
 * built package and from the TypeScript sources. For modules of `folder` (outside node_modules):
 * `gatehouse` and `gatehouse/...` resolve through `aliases` to the running package, and a module Node would
 * read as CommonJS only because no package.json says `"type": "module"` is read as an ES module (extension
 * modules are ES modules; tsx would otherwise compile a `.ts` one to CommonJS, whose `require` no hook sees).
 * tsx names the formats of TypeScript `commonjs-typescript` and `module-typescript`, and marks a module it means
 * to load as CommonJS with a `tsx-...` query (dropped here). A `.js` module without
 * a declared type has no format yet (Node detects its syntax when it loads it): written as CommonJS, it stays so.
 */
const HOOKS = `
let folder;
let aliases;
export function initialize(data) {
  folder = data.folder;
  aliases = data.aliases;
}
const ours = (url) => typeof url === 'string' && url.startsWith(folder) && !url.includes('/node_modules/');
export async function resolve(specifier, context, nextResolve) {
  if (ours(context.parentURL) && (specifier === 'gatehouse' || specifier.startsWith('gatehouse/'))) {
    const target = aliases[specifier];
    if (target !== undefined) return nextResolve(target, context);
  }
  const resolved = await nextResolve(specifier, context);
  if (!ours(resolved.url) || (resolved.format !== 'commonjs' && resolved.format !== 'commonjs-typescript')) return resolved;
  // Without the query tsx adds to the modules it means to load as CommonJS.
  const url = resolved.url.replace(/(?:%3F|\\?)tsx-[^#]*$/, '');
  if (/\\.c[jt]s$/.test(url)) return resolved;
  return { ...resolved, url, format: /\\.m?tsx?$/.test(url) ? 'module-typescript' : 'module' };
}
`;

/** Where the running Gatehouse's modules are: dist/ (built) or src/ (from the TypeScript sources, under tsx). */
const TREE = new URL('../', import.meta.url);
const FROM_SOURCE = import.meta.url.endsWith('.ts');

let typeScriptRegistered = false;
/** Folders whose hooks were registered after tsx's (hooks registered later run first). */
const preparedFolders = new Set<string>();

/**
 * `gatehouse` and `gatehouse/<subpath>` -> the URL of the running package's module, from package.json
 * "exports" (`./dist/x.js` is `x.js` of the running tree, `x.ts` when running from the sources).
 */
export function packageAliases(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', TREE)), 'utf8')) as { name: string; exports?: Record<string, { default?: string }> };
  const aliases: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const file = target.default?.replace(/^\.\/dist\//, '');
    if (file === undefined) continue;
    const inTree = FROM_SOURCE ? file.replace(/\.js$/, '.ts') : file;
    aliases[`${manifest.name}${subpath.slice(1)}`] = new URL(inTree, TREE).href;
  }
  return aliases;
}

/** Makes the modules of `folder` loadable (once per folder): tsx first when `typeScript`, then the hooks. */
export async function prepareExtensionFolder(folder: string, options: { typeScript: boolean }): Promise<void> {
  if (options.typeScript && !typeScriptRegistered) {
    const tsx = await import('tsx/esm/api');
    tsx.register();
    typeScriptRegistered = true;
    preparedFolders.clear(); // tsx's hooks now run before the folders' ones: register those again, in front
  }
  // Node resolves modules to their real path: a folder named through a symbolic link is compared as it really is.
  const url = pathToFileURL(realpathSync(resolve(folder)) + '/').href;
  if (preparedFolders.has(url)) return;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { folder: url, aliases: packageAliases() } });
  preparedFolders.add(url);
}

/** Imports one module of a prepared folder; an error is an `ExtensionModuleError` naming the cause and the fix. */
export async function importExtensionModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const { reason, fix } = explainLoadFailure(error, file);
    throw new ExtensionModuleError(file, reason, fix, { cause: error });
  }
}

/** Words for why a module did not load, and what to do, from Node's error codes. */
export function explainLoadFailure(error: unknown, file: string): { reason: string; fix: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = oneLine(error instanceof Error ? error.message : String(error));
  const folder = dirname(file);
  const missingPackage = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missingPackage !== undefined) {
    if (/^[./]|^file:/.test(missingPackage)) {
      return {
        reason: `it imports ${missingPackage}, which does not exist`,
        fix: 'correct the import path (an ES module names the file with its extension, e.g. ./helpers.js)',
      };
    }
    const name = packageName(missingPackage);
    if (name === ownName()) return COMMONJS;
    return {
      reason: `it imports the package ${name}, which is not installed where the module can find it`,
      fix: `install it beside the module (cd ${folder} && npm install ${name}); node_modules must be in the folder or one of its parents`,
    };
  }
  if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
    return { reason: `it imports a path its package does not export (${message})`, fix: 'import one of the paths the package.json "exports" of that package lists' };
  }
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return { reason: message, fix: 'use .js, .mjs, .ts or .mts for modules' };
  }
  if (/\b(require|module|exports) is not defined in ES module scope/.test(message) || code === 'ERR_REQUIRE_ESM') return COMMONJS;
  if (error instanceof SyntaxError) {
    return { reason: `it has a syntax error: ${message}`, fix: `correct the syntax of ${file}` };
  }
  const frame = error instanceof Error ? error.stack?.split('\n').find((line) => line.includes(pathToFileURL(file).href) || line.includes(file)) : undefined;
  return {
    reason: `it threw while loading: ${message}`,
    fix: frame ? `correct the code at ${frame.trim().replace(/^at\s+/, '')}` : 'correct what the module does when it is imported',
  };
}

/** A module written as CommonJS: `require('gatehouse')` does not resolve (only imports are mapped), nor does Node mix. */
const COMMONJS = {
  reason: 'it is written as CommonJS (require, module.exports), and extension modules are ES modules',
  fix: "use import and export (import { defineCommand } from 'gatehouse'; export const ... = ...)",
};

/** This package's name (`gatehouse`). */
function ownName(): string {
  return Object.keys(packageAliases()).reduce((shortest, name) => (name.length < shortest.length ? name : shortest));
}

/** The package of a bare specifier: `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').slice(0, 300);
}

/** Whether a folder has modules that need tsx (`.ts`, `.mts`; declaration files are skipped). */
export function needsTypeScript(files: readonly string[]): boolean {
  return files.some((name) => /\.m?ts$/.test(name) && !name.endsWith('.d.ts') && !name.startsWith('.'));
}

/** Files of the folder's own project (it may be one, with its dependencies), never modules or definitions. */
const PROJECT_FILES = new Set(['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'tsconfig.json', 'jsconfig.json']);

/** Whether a file of an extension folder belongs to its project setup (`package.json`, `tsconfig.json`, ...). */
export function isProjectFile(name: string): boolean {
  return PROJECT_FILES.has(name);
}
