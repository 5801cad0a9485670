import { isRecord } from '../../shared/is-record.js';
import { checkFields, ConflictError, FieldValidationError, NotFoundError } from '../../shared/errors.js';
import { FolderCommandConflictError, type CommandRegistry, type LoadedCommand } from './command-registry.js';
import type { StoredCommandsStore } from './stored-commands-store.js';

/** No command of this app and name (stored, or for reads, in the folder either). */
export class StoredCommandNotFoundError extends NotFoundError {
  constructor(app: string, name: string) {
    super(`no command ${app}/${name}`);
    this.name = 'StoredCommandNotFoundError';
  }
}

export class StoredCommandExistsError extends ConflictError {
  constructor(app: string, name: string) {
    super(`the command ${app}/${name} exists already`, 'name');
    this.name = 'StoredCommandExistsError';
  }
}

/**
 * Declarative commands that administrators author (admin API): each save is checked as a command file is,
 * written with its change event in one transaction, and applied here before the answer (every other instance
 * applies it from the change feed). Commands of the folder are read-only.
 */
export class StoredCommands {
  constructor(
    private readonly registry: CommandRegistry,
    private readonly store: StoredCommandsStore,
    /** Reads the change feed, so that this instance serves what it just saved before it answers. */
    private readonly afterWrite: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(value: unknown, actor: string): Promise<LoadedCommand> {
    const now = this.now();
    const command = this.registry.prepareStored(value, { updatedAt: now, updatedBy: actor });
    const { app, name } = command.definition;
    if (!(await this.store.insert({ app, name, spec: command.spec, createdAt: now, updatedAt: now, updatedBy: actor }))) throw new StoredCommandExistsError(app, name);
    await this.afterWrite();
    return command;
  }

  /** Replaces the spec of a stored command; the body's app and name must be the path's. */
  async update(app: string, name: string, value: unknown, actor: string): Promise<LoadedCommand> {
    if (this.registry.isFolderCommand(app, name)) throw new FolderCommandConflictError(app, name);
    const now = this.now();
    // Every field at fault at once: a moved or renamed command, and what the spec's own rules refuse.
    const { command } = checkFields({
      app: () => {
        if (isRecord(value) && value.app !== app) throw new FieldValidationError('app', `must be '${app}', as in the path (a command cannot move; create a new one)`);
      },
      name: () => {
        if (isRecord(value) && value.name !== name) throw new FieldValidationError('name', `must be '${name}', as in the path (a command cannot be renamed; create a new one)`);
      },
      command: () => this.registry.prepareStored(value, { updatedAt: now, updatedBy: actor }),
    });
    if (!(await this.store.update({ app, name, spec: command.spec, createdAt: now, updatedAt: now, updatedBy: actor }))) throw new StoredCommandNotFoundError(app, name);
    await this.afterWrite();
    return command;
  }

  async delete(app: string, name: string): Promise<void> {
    if (this.registry.isFolderCommand(app, name)) throw new FolderCommandConflictError(app, name);
    if (!(await this.store.delete(app, name))) throw new StoredCommandNotFoundError(app, name);
    await this.afterWrite();
  }
}
