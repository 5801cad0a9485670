/**
 * A declarative command as the database keeps it (authored through the admin API). `spec` is the saved
 * http-request spec as JSON; the registry checks it again when it loads it.
 */
export interface StoredCommandRecord {
  app: string;
  name: string;
  spec: unknown;
  createdAt: number;
  updatedAt: number;
  /** The admin actor who saved it last (as the audit log names it). */
  updatedBy: string;
}

/**
 * What the command registry needs of the database (src/store/stored-commands-repository.ts implements it).
 * Every write records a `command` change (ref `app/name`) in its transaction, so every instance reloads it.
 */
export interface StoredCommandsStore {
  list(): Promise<StoredCommandRecord[]>;
  get(app: string, name: string): Promise<StoredCommandRecord | undefined>;
  /** false when a command of this app and name is stored already (nothing written). */
  insert(record: StoredCommandRecord): Promise<boolean>;
  /** Replaces the spec, keeping created_at; false when none is stored (nothing written). */
  update(record: StoredCommandRecord): Promise<boolean>;
  /** false when none was stored. */
  delete(app: string, name: string): Promise<boolean>;
}
