import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest, migrationsFor } from '../../src/store/migrate.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, startTestServer } from '../helpers/test-server.js';

const SECRET = 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY';

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Tables, columns, constraints and indexes of a database's public schema, comparable across databases. */
async function describeSchema(url: string): Promise<unknown> {
  const columns = await query(
    url,
    `select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
     where table_schema = 'public' order by table_name, column_name`,
  );
  const indexes = await query(url, `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`);
  const constraints = await query(
    url,
    `select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition from pg_constraint
     where connamespace = 'public'::regnamespace order by conname`,
  );
  return { columns, indexes, constraints };
}

describe('gatehouse schema and migrate --dry-run', () => {
  const databases: TestDatabase[] = [];
  let byHand: TestDatabase;
  let migrated: TestDatabase;
  let schema: string;

  beforeAll(async () => {
    byHand = await createTestDatabase();
    migrated = await createTestDatabase();
    databases.push(byHand, migrated);
    const result = await runCli(['schema'], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    schema = result.stdout;
    await query(byHand.url, schema);
    const store = openStore({ databaseUrl: migrated.url, dataDir: '/nonexistent' });
    try {
      await migrateToLatest(store);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('prints one transaction with every table, index and a bookkeeping row per migration', () => {
    expect(schema.split('\n').filter((line) => !line.startsWith('--'))[0]).toBe('begin;');
    expect(schema.trimEnd().endsWith('commit;')).toBe(true);
    for (const table of ['clients', 'signing_keys', 'revoked_tokens', 'settings', 'change_events', 'users', 'refresh_tokens', 'used_assertions']) {
      expect(schema).toContain(`create table "${table}"`);
    }
    expect(schema).toContain('create index "used_assertions_expires_at"');
    for (const name of Object.keys(migrationsFor('postgres'))) {
      expect(schema).toContain(`insert into "gatehouse_migrations" ("name", "timestamp") values ('${name}', `);
    }
  });

  it('creates the same tables, columns, constraints and indexes as the migrations', async () => {
    expect(await describeSchema(byHand.url)).toEqual(await describeSchema(migrated.url));
    const recorded = await query<{ name: string }>(byHand.url, 'select name from gatehouse_migrations order by name');
    expect(recorded.map((row) => row.name)).toEqual(Object.keys(migrationsFor('postgres')));
  });

  it('leaves nothing for migrate --dry-run, and the server starts and issues tokens on it', async () => {
    const dryRun = await runCli(['migrate', '--dry-run', '--sql'], { DATABASE_URL: byHand.url, GATEHOUSE_SECRET: SECRET });
    expect(dryRun.stderr).toBe('');
    expect(dryRun.stdout).toBe('no pending migrations\n');

    const server = await startTestServer({ store: 'postgres', database: byHand });
    try {
      const client = await server.createClient({ scope: 'read' });
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'read' }, { authorization: basicAuth(client.client_id, client.client_secret) });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { access_token: string }).access_token).toMatch(/^ey/);
    } finally {
      await server.close();
    }
  });

  it('runs on a hand-made database with a user that may only read and write rows, not create tables', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    await query(database.url, schema);
    const role = `gatehouse_dml_${randomBytes(4).toString('hex')}`;
    await query(PG_ADMIN_URL, `create role ${role} login`);
    try {
      await query(
        database.url,
        `revoke create on schema public from public;
         grant usage on schema public to ${role};
         grant select, insert, update, delete on all tables in schema public to ${role};
         grant usage, select on all sequences in schema public to ${role};`,
      );
      const url = new URL(database.url);
      url.username = role;
      const restricted = { ...database, url: url.toString(), drop: () => Promise.resolve() };
      const server = await startTestServer({ store: 'postgres', database: restricted });
      try {
        const client = await server.createClient({ scope: 'read' });
        const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.client_id, client.client_secret) });
        expect(response.status).toBe(200);
        expect((await server.gatehouse.housekeeping.runOnce()).skipped).toBe(false);
      } finally {
        await server.close();
      }
      // The restricted user really cannot create tables.
      const attempt = new pg.Client({ connectionString: url.toString() });
      await attempt.connect();
      try {
        await expect(attempt.query('create table intruder (id int)')).rejects.toThrow(/permission denied/);
      } finally {
        await attempt.end();
      }
    } finally {
      await database.drop();
      await query(PG_ADMIN_URL, `drop role if exists ${role}`);
    }
  });

  it('migrate --dry-run --sql lists pending migrations with their SQL and changes nothing', async () => {
    const empty = await createTestDatabase();
    databases.push(empty);
    const result = await runCli(['migrate', '--dry-run', '--sql'], { DATABASE_URL: empty.url, GATEHOUSE_SECRET: SECRET });
    expect(result.code).toBe(0);
    const names = Object.keys(migrationsFor('postgres'));
    expect(result.stdout.split('\n')[0]).toBe(`would apply: ${names.join(', ')}`);
    for (const name of names) expect(result.stdout).toContain(`\n-- ${name}\n`);
    expect(result.stdout).toContain('create table "clients"');
    expect(result.stdout).toContain('alter table "clients" add column "may_act_for_users" integer default 0 not null;');
    const tables = await query(empty.url, "select tablename from pg_tables where schemaname = 'public'");
    expect(tables).toEqual([]);
  });
});
