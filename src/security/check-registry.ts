import { readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ConfigError } from '../config/config-schema.js';
import { ExtensionModuleError, importExtensionModule, prepareExtensionFolder } from '../shared/extension-modules.js';
import { isSecurityCheck, SecurityCheckDefinitionError, type SecurityCheck } from './security-check.js';

/** The security checks a server knows: the built-in ones and those loaded from GATEHOUSE_CHECKS_DIR. */
export class CheckRegistry {
  private readonly checks = new Map<string, SecurityCheck>();
  private namesCache: ReadonlySet<string> | undefined;

  constructor(checks: readonly SecurityCheck[] = []) {
    for (const check of checks) this.add(check, 'built-in');
  }

  add(check: SecurityCheck, source: string): void {
    if (this.checks.has(check.name)) throw new ConfigError('GATEHOUSE_CHECKS_DIR', `${source}: a security check named ${check.name} already exists`);
    this.checks.set(check.name, check);
    this.namesCache = undefined;
  }

  get(name: string): SecurityCheck | undefined {
    return this.checks.get(name);
  }

  names(): ReadonlySet<string> {
    this.namesCache ??= new Set(this.checks.keys());
    return this.namesCache;
  }

  /**
   * Loads every `.js`/`.mjs` module of a folder; each default-exports a check made with `defineSecurityCheck`.
   * A module that cannot load, or exports something else, stops start-up with one line naming the file.
   */
  async loadFolder(folder: string): Promise<string[]> {
    const path = resolve(folder);
    let files: string[];
    try {
      files = readdirSync(path).sort();
    } catch (error) {
      throw new ConfigError('GATEHOUSE_CHECKS_DIR', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const loaded: string[] = [];
    await prepareExtensionFolder(path, { typeScript: false });
    for (const name of files) {
      if (name.startsWith('.') || !['.js', '.mjs'].includes(extname(name))) continue;
      const file = join(path, name);
      let module: { default?: unknown };
      try {
        module = await importExtensionModule(file);
      } catch (error) {
        const cause = error instanceof ExtensionModuleError ? error.cause : error;
        if (cause instanceof SecurityCheckDefinitionError) throw new ConfigError('GATEHOUSE_CHECKS_DIR', `${file}: ${cause.message.replace(/[\r\n]+/g, ' ').slice(0, 300)}`);
        throw new ConfigError('GATEHOUSE_CHECKS_DIR', error instanceof Error ? error.message : String(error));
      }
      if (!isSecurityCheck(module.default)) {
        throw new ConfigError('GATEHOUSE_CHECKS_DIR', `${file}: the default export must be a security check made with defineSecurityCheck (from "gatehouse")`);
      }
      this.add(module.default, file);
      loaded.push(module.default.name);
    }
    return loaded;
  }
}
