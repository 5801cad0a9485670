import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isApplicationDefinition, isCommandDefinition, type ApplicationDefinition, type CommandDefinition } from './command.js';
import type { GatehouseConfig } from '../../config/config.js';
import { httpRequestCommand, type OutboundSettings } from './http-request-command.js';
import { HttpRequestSpecError, parseHttpRequestSpec } from './http-request-spec.js';
import { COMMANDS_SCOPE, DEFAULT_SCOPE_NAMES, RESERVED_SCOPES, reservedScopeList, reservedScopeNames, type ReservedScopeNames } from '../reserved-scopes.js';

export { COMMANDS_SCOPE, RESERVED_SCOPES };

/** What a command needs: nothing (unprotected) or a valid token with these scope elements (or `commands`) and roles. */
export interface Protection {
  protected: boolean;
  scope: string[];
  /** Roles the caller must hold (the application's and the command's); `commands` does not stand in for them. */
  roles: string[];
}

export interface LoadedCommand {
  definition: CommandDefinition;
  protection: Protection;
  file: string;
}

export class CommandLoadError extends Error {
  override name = 'CommandLoadError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function scopeList(scope: string | undefined): string[] | undefined {
  return scope === undefined ? undefined : scope.split(' ').filter((element) => element !== '');
}

/**
 * The protection that applies, most specific first: a command's own declaration, then its application's,
 * then the default (the application's name). A declared scope always protects, even in an unprotected group.
 */
export function resolveProtection(command: CommandDefinition, application: ApplicationDefinition | undefined): Protection {
  const roles = [...new Set([...(application?.roles ?? []), ...(command.roles ?? [])])];
  const scoped = scopeProtection(command, application);
  // A role needs a token that carries it: declared roles always protect.
  return { ...(roles.length > 0 ? { protected: true, scope: scoped.scope } : scoped), roles };
}

function scopeProtection(command: CommandDefinition, application: ApplicationDefinition | undefined): Omit<Protection, 'roles'> {
  const commandScope = scopeList(command.scope);
  if (commandScope) return { protected: true, scope: commandScope };
  if (command.protected === false) return { protected: false, scope: [] };
  if (command.protected === true) return { protected: true, scope: scopeList(application?.scope) ?? [command.app] };
  const appScope = scopeList(application?.scope);
  if (appScope) return { protected: true, scope: appScope };
  if (application?.protected === false) return { protected: false, scope: [] };
  return { protected: true, scope: [command.app] };
}

/** Whether a token's scope reaches a command: its own scope, or the all-commands scope under one of its configured names. */
export function scopeReaches(granted: readonly string[], protection: Protection, commandsScopes: readonly string[] = [COMMANDS_SCOPE]): boolean {
  if (!protection.protected) return true;
  if (commandsScopes.some((name) => granted.includes(name))) return true;
  return protection.scope.every((element) => granted.includes(element));
}

/** Refuses a `roles` declaration that is not a list of role names (as the user API takes them). */
function checkRoles(roles: unknown, where: string): void {
  if (roles === undefined) return;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string' && /^[\x21-\x7E]{1,64}$/.test(role))) {
    throw new CommandLoadError(`${where}: "roles" must be a list of role names (1 to 64 printable characters, no spaces)`);
  }
}

let typeScriptLoader: Promise<void> | undefined;

/** Lets Node import TypeScript command modules (tsx's ESM loader), once, only when one exists. */
async function enableTypeScript(): Promise<void> {
  typeScriptLoader ??= import('tsx/esm/api').then((tsx) => {
    tsx.register();
  });
  return typeScriptLoader;
}

/** The defaults of GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES and GATEHOUSE_COMMAND_INTERNAL_NETWORKS. */
const DEFAULT_OUTBOUND: OutboundSettings = { maxResponseBytes: 1_048_576, internalNetworks: [] };

/** Server commands loaded from a folder: `.js`, `.mjs`, `.ts` modules and `.json` http-request definitions. */
export class CommandRegistry {
  private readonly commands = new Map<string, LoadedCommand>();
  private readonly applications = new Map<string, ApplicationDefinition>();

  private readonly reserved: readonly string[];

  private constructor(
    /** The server-wide limits of outbound calls (http-request commands and `context.http`). */
    readonly outbound: OutboundSettings,
    /** The configured names of the user-API and all-commands scopes (reserved; the commands guard accepts the latter). */
    readonly scopeNames: ReservedScopeNames,
  ) {
    this.reserved = reservedScopeList(scopeNames);
  }

  static async fromFolder(folder: string | undefined, outbound: OutboundSettings = DEFAULT_OUTBOUND, scopeNames: ReservedScopeNames = DEFAULT_SCOPE_NAMES): Promise<CommandRegistry> {
    const registry = new CommandRegistry(outbound, scopeNames);
    if (folder) await registry.loadFolder(resolve(folder));
    return registry;
  }

  /** The commands of GATEHOUSE_COMMANDS_DIR, with the server-wide limits of http-request commands. */
  static async fromConfig(
    config: Pick<GatehouseConfig, 'commandsDir' | 'commandMaxResponseBytes' | 'commandInternalNetworks' | 'usersScope' | 'usersScopeAliases' | 'commandsScope' | 'commandsScopeAliases'>,
  ): Promise<CommandRegistry> {
    const outbound = { maxResponseBytes: config.commandMaxResponseBytes, internalNetworks: config.commandInternalNetworks };
    return CommandRegistry.fromFolder(config.commandsDir, outbound, reservedScopeNames(config));
  }

  private async loadFolder(folder: string): Promise<void> {
    let files: string[];
    try {
      files = readdirSync(folder).sort();
    } catch (error) {
      throw new CommandLoadError(`GATEHOUSE_COMMANDS_DIR: cannot read ${folder} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const commands: { definition: CommandDefinition; file: string }[] = [];
    for (const name of files) {
      const file = join(folder, name);
      const extension = extname(name);
      if (name.endsWith('.d.ts') || name.startsWith('.')) continue;
      if (extension === '.json') {
        commands.push({ definition: this.readHttpRequestSpec(file), file });
        continue;
      }
      if (!['.js', '.mjs', '.ts', '.mts'].includes(extension)) continue;
      if (extension === '.ts' || extension === '.mts') await enableTypeScript();
      let module: Record<string, unknown>;
      try {
        module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      } catch (error) {
        throw new CommandLoadError(`cannot load command module ${file}: ${(error as Error).message}`);
      }
      for (const exported of Object.values(module).flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]))) {
        if (isApplicationDefinition(exported)) this.addApplication(exported, file);
        else if (isCommandDefinition(exported)) commands.push({ definition: exported, file });
      }
    }
    for (const { definition, file } of commands) this.addCommand(definition, file);
  }

  private readHttpRequestSpec(file: string): CommandDefinition {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new CommandLoadError(`cannot read command ${file}: ${(error as Error).message}`);
    }
    try {
      return httpRequestCommand(parseHttpRequestSpec(value), this.outbound);
    } catch (error) {
      if (error instanceof HttpRequestSpecError) throw new CommandLoadError(`${file}: ${error.message}`);
      throw error;
    }
  }

  private addApplication(application: ApplicationDefinition, file: string): void {
    checkRoles(application.roles, `${file}: application ${application.name}`);
    if (!NAME.test(application.name)) throw new CommandLoadError(`${file}: application name ${JSON.stringify(application.name)} is not valid`);
    if (this.reserved.includes(application.name)) throw new CommandLoadError(`${file}: application name ${application.name} is a reserved scope`);
    if (this.applications.has(application.name)) throw new CommandLoadError(`${file}: application ${application.name} is defined twice`);
    this.applications.set(application.name, application);
  }

  private addCommand(definition: CommandDefinition, file: string): void {
    if (!NAME.test(definition.app) || !NAME.test(definition.name)) {
      throw new CommandLoadError(`${file}: app and name must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    if (this.reserved.includes(definition.app)) throw new CommandLoadError(`${file}: application name ${definition.app} is a reserved scope`);
    checkRoles(definition.roles, `${file}: command ${definition.app}/${definition.name}`);
    if (typeof definition.handler !== 'function') throw new CommandLoadError(`${file}: command ${definition.app}/${definition.name} has no handler`);
    const key = `${definition.app}/${definition.name}`;
    if (this.commands.has(key)) throw new CommandLoadError(`${file}: command ${key} is defined twice`);
    this.commands.set(key, { definition, protection: resolveProtection(definition, this.applications.get(definition.app)), file });
  }

  /** Every reserved scope name under the settings (no application may take one). */
  reservedScopes(): readonly string[] {
    return this.reserved;
  }

  get(app: string, name: string): LoadedCommand | undefined {
    return this.commands.get(`${app}/${name}`);
  }

  all(): LoadedCommand[] {
    return [...this.commands.values()];
  }

  /** Every scope element some command needs, sorted (the reserved `commands` reaches them all). */
  scopes(): string[] {
    return [...new Set(this.all().flatMap((command) => command.protection.scope))].sort();
  }

  /**
   * What the scopes of applications and commands mean, from their declarations' `description` (the consent page
   * shows it): an application's scope first, then a command's own scope.
   */
  scopeDescription(scope: string): string | undefined {
    for (const application of this.applications.values()) {
      if ((application.scope ?? application.name) === scope && application.description !== undefined) return application.description;
    }
    return this.all().find((command) => command.definition.scope === scope && command.definition.description !== undefined)?.definition.description;
  }

  /** Application names (each is a scope), sorted. */
  applicationNames(): string[] {
    return [...new Set([...this.applications.keys(), ...this.all().map((command) => command.definition.app)])].sort();
  }
}
