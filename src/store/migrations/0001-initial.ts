import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreEngine } from '../database.js';

export function initialMigration(engine: StoreEngine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('clients')
        .addColumn('client_id', 'text', (col) => col.primaryKey())
        .addColumn('client_name', 'text', (col) => col.notNull())
        .addColumn('secret_digest', 'text')
        .addColumn('previous_secret_digest', 'text')
        .addColumn('previous_secret_expires_at', 'bigint')
        .addColumn('grant_types', 'text', (col) => col.notNull())
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('token_endpoint_auth_method', 'text', (col) => col.notNull())
        .addColumn('access_token_lifetime', 'integer', (col) => col.notNull())
        .addColumn('refresh_tokens', 'integer', (col) => col.notNull())
        .addColumn('enabled', 'integer', (col) => col.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('allowed_origins', 'text', (col) => col.notNull())
        .addColumn('jwks', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (col) => col.primaryKey())
        .addColumn('alg', 'text', (col) => col.notNull())
        .addColumn('public_jwk', 'text', (col) => col.notNull())
        .addColumn('private_jwk_encrypted', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('activates_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('revoked_tokens')
        .addColumn('jti', 'text', (col) => col.primaryKey())
        .addColumn('client_id', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('revoked_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('revoked_tokens_expires_at').on('revoked_tokens').column('expires_at').execute();

      await db.schema
        .createTable('settings')
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('change_events')
        .addColumn('seq', engine === 'postgres' ? 'bigserial' : 'integer', (col) => (engine === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('ref', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('change_events_created_at').on('change_events').column('created_at').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['change_events', 'settings', 'revoked_tokens', 'signing_keys', 'clients']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  };
}
