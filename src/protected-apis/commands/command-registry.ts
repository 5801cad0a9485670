import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { isApplicationDefinition, isCommandDefinition, type ApplicationDefinition, type CommandDefinition } from './command.js';
import type { GatehouseConfig } from '../../config/config.js';
import { ExtensionModuleError, importExtensionModule, isProjectFile, needsTypeScript, prepareExtensionFolder } from '../../shared/extension-modules.js';
import { httpRequestCommand, type OutboundSettings } from './http-request-command.js';
import { HttpRequestSpecError, parseHttpRequestSpec, type HttpRequestCommandSpec } from './http-request-spec.js';
import { checkInputDepth, compileInputValidator, MAX_INPUT_DEPTH } from './input-validator.js';
import { isRecord } from '../../shared/is-record.js';
import { checkStoredReach } from './stored-command-reach.js';
import type { StoredCommandRecord, StoredCommandsStore } from './stored-commands-store.js';
import { checkFields, ConflictError, FieldValidationError } from '../../shared/errors.js';
import { COMMAND_NAME, COMMAND_NAME_RULE, ROLES_RULE, validRoles } from './command-field-rules.js';
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
  /** The file it came from; for a stored command, `stored command app/name`. */
  file: string;
  /** The http-request spec it was made from (folder `.json` files and stored commands); undefined for a module. */
  spec?: HttpRequestCommandSpec;
  /** Stored commands only (authored through the admin API): when and by whom last saved. */
  stored?: { updatedAt: number; updatedBy: string };
}

/** A stored command that would take the app and name of a command from the folder (read-only there). */
export class FolderCommandConflictError extends ConflictError {
  constructor(app: string, name: string) {
    super(`the command ${app}/${name} comes from the commands folder (GATEHOUSE_COMMANDS_DIR) and is read-only`, 'name');
    this.name = 'FolderCommandConflictError';
  }
}

/** Where a stored command that cannot load (a folder command took its name, a rule changed) is reported. */
export interface StoredCommandWarnings {
  warn(details: Record<string, unknown>, message: string): void;
}

export class CommandLoadError extends Error {
  override name = 'CommandLoadError';
}

const NAME = COMMAND_NAME;

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
  if (!validRoles(roles)) throw new CommandLoadError(`${where}: "roles" ${ROLES_RULE}`);
}

/** The defaults of GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES and GATEHOUSE_COMMAND_INTERNAL_NETWORKS. */
const DEFAULT_OUTBOUND: OutboundSettings = { maxResponseBytes: 1_048_576, internalNetworks: [] };

/** Whether a JSON value nests at most MAX_INPUT_DEPTH levels. */
function withinDepth(value: unknown): boolean {
  try {
    checkInputDepth(value);
    return true;
  } catch {
    return false;
  }
}

/** The ref of a command in the change feed and the key of the registry's maps: `app/name`. */
function keyOf(app: string, name: string): string {
  return `${app}/${name}`;
}

/**
 * Server commands: those of a folder (`.js`, `.mjs`, `.ts` modules and `.json` http-request definitions),
 * loaded once and read-only, and the http-request commands stored in the database through the admin API,
 * held in memory and reloaded when the change feed reports a `command` change (the hot path never reads
 * the database).
 */
export class CommandRegistry {
  private readonly commands = new Map<string, LoadedCommand>();
  private readonly applications = new Map<string, ApplicationDefinition>();
  /** Stored commands by `app/name`; never one that the folder has. */
  private readonly stored = new Map<string, LoadedCommand>();
  /** all(), made again after a stored command changes. */
  private everything: LoadedCommand[] | undefined;

  private readonly reserved: readonly string[];

  private constructor(
    /** The server-wide limits of outbound calls (http-request commands and `context.http`). */
    readonly outbound: OutboundSettings,
    /** The configured names of the user-API and all-commands scopes (reserved; the commands guard accepts the latter). */
    readonly scopeNames: ReservedScopeNames,
    /** GATEHOUSE_COMMAND_ENV: the environment variables (names, `PREFIX*`) stored commands may read. */
    private readonly storedEnv: readonly string[],
  ) {
    this.reserved = reservedScopeList(scopeNames);
  }

  static async fromFolder(
    folder: string | undefined,
    outbound: OutboundSettings = DEFAULT_OUTBOUND,
    scopeNames: ReservedScopeNames = DEFAULT_SCOPE_NAMES,
    storedEnv: readonly string[] = [],
  ): Promise<CommandRegistry> {
    const registry = new CommandRegistry(outbound, scopeNames, storedEnv);
    if (folder) await registry.loadFolder(resolve(folder));
    return registry;
  }

  /** The commands of GATEHOUSE_COMMANDS_DIR, with the server-wide limits of http-request commands. */
  static async fromConfig(
    config: Pick<GatehouseConfig, 'commandsDir' | 'commandMaxResponseBytes' | 'commandInternalNetworks' | 'usersScope' | 'usersScopeAliases' | 'commandsScope' | 'commandsScopeAliases' | 'commandEnv'>,
  ): Promise<CommandRegistry> {
    const outbound = { maxResponseBytes: config.commandMaxResponseBytes, internalNetworks: config.commandInternalNetworks };
    return CommandRegistry.fromFolder(config.commandsDir, outbound, reservedScopeNames(config), config.commandEnv);
  }

  private async loadFolder(folder: string): Promise<void> {
    let files: string[];
    try {
      files = readdirSync(folder).sort();
    } catch (error) {
      throw new CommandLoadError(`GATEHOUSE_COMMANDS_DIR: cannot read ${folder} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const commands: { definition: CommandDefinition; file: string; spec?: HttpRequestCommandSpec }[] = [];
    await prepareExtensionFolder(folder, { typeScript: needsTypeScript(files) });
    for (const name of files) {
      const file = join(folder, name);
      const extension = extname(name);
      if (name.endsWith('.d.ts') || name.startsWith('.') || isProjectFile(name)) continue;
      if (extension === '.json') {
        const spec = this.readHttpRequestSpec(file);
        commands.push({ definition: httpRequestCommand(spec, this.outbound), file, spec });
        continue;
      }
      if (!['.js', '.mjs', '.ts', '.mts'].includes(extension)) continue;
      let module: Record<string, unknown>;
      try {
        module = await importExtensionModule(file);
      } catch (error) {
        if (error instanceof ExtensionModuleError) throw new CommandLoadError(`GATEHOUSE_COMMANDS_DIR: ${error.message}`, { cause: error.cause });
        throw error;
      }
      for (const exported of Object.values(module).flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]))) {
        if (isApplicationDefinition(exported)) this.addApplication(exported, file);
        else if (isCommandDefinition(exported)) commands.push({ definition: exported, file });
      }
    }
    for (const { definition, file, spec } of commands) this.addCommand(definition, file, spec);
  }

  private readHttpRequestSpec(file: string): HttpRequestCommandSpec {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new CommandLoadError(`cannot read command ${file}: ${(error as Error).message}`);
    }
    try {
      return parseHttpRequestSpec(value);
    } catch (error) {
      if (error instanceof HttpRequestSpecError) throw new CommandLoadError(`${file}: ${error.message}`);
      throw error;
    }
  }

  private addApplication(application: ApplicationDefinition, file: string): void {
    checkRoles(application.roles, `${file}: application ${application.name}`);
    if (!NAME.test(application.name)) throw new CommandLoadError(`${file}: application name '${application.name}' is not valid`);
    if (this.reserved.includes(application.name)) throw new CommandLoadError(`${file}: application name ${application.name} is a reserved scope`);
    if (this.applications.has(application.name)) throw new CommandLoadError(`${file}: application ${application.name} is defined twice`);
    this.applications.set(application.name, application);
  }

  private addCommand(definition: CommandDefinition, file: string, spec?: HttpRequestCommandSpec): void {
    if (!NAME.test(definition.app) || !NAME.test(definition.name)) {
      throw new CommandLoadError(`${file}: app and name must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    if (this.reserved.includes(definition.app)) throw new CommandLoadError(`${file}: application name ${definition.app} is a reserved scope`);
    checkRoles(definition.roles, `${file}: command ${definition.app}/${definition.name}`);
    if (typeof definition.handler !== 'function') throw new CommandLoadError(`${file}: command ${definition.app}/${definition.name} has no handler`);
    const key = keyOf(definition.app, definition.name);
    if (this.commands.has(key)) throw new CommandLoadError(`${file}: command ${key} is defined twice`);
    this.commands.set(key, { definition, protection: resolveProtection(definition, this.applications.get(definition.app)), file, ...(spec ? { spec } : {}) });
  }

  /**
   * Checks a spec to store as the rules check a command file (its shape, the app and name, reserved scopes,
   * roles, the input's JSON Schema) and returns the command it makes, not yet registered. Throws a
   * FieldValidationError naming the field, or a FolderCommandConflictError when the folder has this app/name.
   */
  prepareStored(value: unknown, saved: { updatedAt: number; updatedBy: string }): LoadedCommand {
    const fields = isRecord(value) ? value : {};
    // Recursive checks (and the body template at each call) never meet JSON nested without bound.
    const shallow = (field: string) => fields[field] === undefined || withinDepth(fields[field]);
    let parsed: HttpRequestCommandSpec | undefined;
    // Every field at fault at once: the shape, then the rules the registry adds where the shape lets them apply.
    checkFields({
      spec: () => {
        try {
          const deep = Object.keys(fields).find((field) => !shallow(field));
          if (deep !== undefined) throw HttpRequestSpecError.of(deep, `is nested more than ${MAX_INPUT_DEPTH} levels deep`);
          parsed = parseHttpRequestSpec(value);
        } catch (error) {
          if (error instanceof HttpRequestSpecError) throw error.toFieldError();
          throw error;
        }
      },
      app: () => {
        if (typeof fields.app !== 'string') return;
        if (!COMMAND_NAME.test(fields.app)) throw new FieldValidationError('app', COMMAND_NAME_RULE);
        if (this.reserved.includes(fields.app)) throw new FieldValidationError('app', `may not be ${fields.app}: it is a reserved scope`);
      },
      name: () => {
        if (typeof fields.name === 'string' && !COMMAND_NAME.test(fields.name)) throw new FieldValidationError('name', COMMAND_NAME_RULE);
      },
      roles: () => {
        if (!validRoles(fields.roles)) throw new FieldValidationError('roles', ROLES_RULE);
      },
      reach: () => parsed && this.checkAuthoredReach(parsed),
      input: () => {
        if (!isRecord(fields.input) || !shallow('input')) return;
        try {
          compileInputValidator(fields.input, `${String(fields.app)}/${String(fields.name)}`);
        } catch (error) {
          throw new FieldValidationError('input', `is not a valid JSON Schema: ${(error as Error).message.replace(/^[^:]*: the input schema is not valid: /, '')}`);
        }
      },
    });
    const spec = parsed!;
    if (this.commands.has(keyOf(spec.app, spec.name))) throw new FolderCommandConflictError(spec.app, spec.name);
    const definition = httpRequestCommand(spec, this.outbound);
    return { definition, protection: resolveProtection(definition, this.applications.get(spec.app)), file: `stored command ${keyOf(spec.app, spec.name)}`, spec, stored: saved };
  }

  /**
   * Refuses what a spec authored through the admin API may not reach (saved or tried): environment variables
   * GATEHOUSE_COMMAND_ENV does not list, networks of its own. Throws a FieldValidationError naming the field.
   */
  checkAuthoredReach(spec: HttpRequestCommandSpec): void {
    checkStoredReach(spec, this.storedEnv);
  }

  /** Whether the folder (read-only) has this command. */
  isFolderCommand(app: string, name: string): boolean {
    return this.commands.has(keyOf(app, name));
  }

  /** Replaces the stored commands with these (at start, and when changes may have been missed). */
  replaceStored(records: readonly StoredCommandRecord[], warnings?: StoredCommandWarnings): void {
    const loaded = new Map<string, LoadedCommand>();
    for (const record of records) {
      const command = this.loadRecord(record, warnings);
      if (command) loaded.set(keyOf(record.app, record.name), command);
    }
    this.stored.clear();
    for (const [key, command] of loaded) this.stored.set(key, command);
    this.everything = undefined;
  }

  /** Sets (or, with undefined, removes) one stored command, as the store now has it. */
  putStored(app: string, name: string, record: StoredCommandRecord | undefined, warnings?: StoredCommandWarnings): void {
    const command = record && this.loadRecord(record, warnings);
    if (command) this.stored.set(keyOf(app, name), command);
    else this.stored.delete(keyOf(app, name));
    this.everything = undefined;
  }

  /** Loads every stored command; on a `command` change, the one named (`app/name`). Never per request. */
  async loadStored(store: Pick<StoredCommandsStore, 'list'>, warnings?: StoredCommandWarnings): Promise<void> {
    this.replaceStored(await store.list(), warnings);
  }

  async refreshStored(store: Pick<StoredCommandsStore, 'get'>, ref: string, warnings?: StoredCommandWarnings): Promise<void> {
    const slash = ref.indexOf('/');
    if (slash < 0) return;
    const [app, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
    this.putStored(app, name, await store.get(app, name), warnings);
  }

  /** A stored record as a command, or undefined (reported) when it no longer passes the rules. */
  private loadRecord(record: StoredCommandRecord, warnings?: StoredCommandWarnings): LoadedCommand | undefined {
    try {
      const command = this.prepareStored(record.spec, { updatedAt: record.updatedAt, updatedBy: record.updatedBy });
      if (command.definition.app === record.app && command.definition.name === record.name) return command;
      throw new FieldValidationError('name', 'does not match the stored app and name');
    } catch (error) {
      warnings?.warn({ command: keyOf(record.app, record.name), reason: (error as Error).message }, 'stored command not loaded');
      return undefined;
    }
  }

  /** Every reserved scope name under the settings (no application may take one). */
  reservedScopes(): readonly string[] {
    return this.reserved;
  }

  get(app: string, name: string): LoadedCommand | undefined {
    const key = keyOf(app, name);
    return this.commands.get(key) ?? this.stored.get(key);
  }

  /** The folder's commands, then the stored ones (the same array until a stored command changes). */
  all(): readonly LoadedCommand[] {
    return (this.everything ??= [...this.commands.values(), ...this.stored.values()]);
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
