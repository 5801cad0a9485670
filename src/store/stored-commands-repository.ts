import type { Kysely } from 'kysely';
import { recordChange } from './change-events-repository.js';
import type { Database, StoredCommandsTable } from './schema.js';

/**
 * A stored command's row as the registry sees it (the StoredCommandRecord of
 * src/protected-apis/commands/stored-commands-store.ts, which this repository implements structurally: the
 * store sits below the commands' layer and does not import it).
 */
export interface StoredCommandRow {
  app: string;
  name: string;
  spec: unknown;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

function fromRow(row: StoredCommandsTable): StoredCommandRow {
  return {
    app: row.app,
    name: row.name,
    spec: JSON.parse(row.spec) as unknown,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
  };
}

/** The change-feed reference of a command: `app/name`. */
function refOf(app: string, name: string): string {
  return `${app}/${name}`;
}

/** SQL for the stored_commands table. Every write records a `command` change in the same transaction. */
export class StoredCommandsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<StoredCommandRow[]> {
    const rows = await this.db.selectFrom('stored_commands').selectAll().orderBy('app').orderBy('name').execute();
    return rows.map(fromRow);
  }

  async get(app: string, name: string): Promise<StoredCommandRow | undefined> {
    const row = await this.db.selectFrom('stored_commands').selectAll().where('app', '=', app).where('name', '=', name).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async insert(record: StoredCommandRow): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Under concurrent inserts of one name, the primary key lets one through; the other rolls back here.
      const result = await trx
        .insertInto('stored_commands')
        .values({
          app: record.app,
          name: record.name,
          spec: JSON.stringify(record.spec),
          created_at: record.createdAt,
          updated_at: record.updatedAt,
          updated_by: record.updatedBy,
        })
        .onConflict((oc) => oc.columns(['app', 'name']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await recordChange(trx, 'command', refOf(record.app, record.name));
      return true;
    });
  }

  async update(record: StoredCommandRow): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('stored_commands')
        .set({ spec: JSON.stringify(record.spec), updated_at: record.updatedAt, updated_by: record.updatedBy })
        .where('app', '=', record.app)
        .where('name', '=', record.name)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await recordChange(trx, 'command', refOf(record.app, record.name));
      return true;
    });
  }

  async delete(app: string, name: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('stored_commands').where('app', '=', app).where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await recordChange(trx, 'command', refOf(app, name));
      return true;
    });
  }
}
