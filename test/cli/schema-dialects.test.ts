import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest, migrationsFor } from '../../src/store/migrate.js';
import { runCli } from '../helpers/cli.js';

/** Tables and indexes of a SQLite database with their definitions, comparable across databases. */
function describeSqlite(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' order by type, name").all();
  } finally {
    db.close();
  }
}

describe('gatehouse schema --dialect', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the PostgreSQL schema with --dialect postgres, the same as without the option', async () => {
    const result = await runCli(['schema', '--dialect', 'postgres'], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(PostgreSQL)');
    expect(result.stdout).toContain('create table "clients"');
    // PostgreSQL-only: identity columns, not SQLite's autoincrement.
    expect(result.stdout).toContain('"seq" bigserial primary key');
    expect(result.stdout).not.toContain('autoincrement');
    const plain = await runCli(['schema'], {});
    const withoutTimestamps = (text: string) => text.replace(/'\d{4}-\d\d-\d\dT[\d:.]+Z'/g, "'T'");
    expect(withoutTimestamps(plain.stdout)).toBe(withoutTimestamps(result.stdout));
  });

  it('prints the SQLite schema with --dialect sqlite, which builds the same database as the migrations', async () => {
    const result = await runCli(['schema', '--dialect', 'sqlite'], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(SQLite)');
    expect(result.stdout).toContain('create table "clients"');
    expect(result.stdout).toContain('"seq" integer primary key autoincrement');
    for (const name of Object.keys(migrationsFor('sqlite'))) {
      expect(result.stdout).toContain(`insert into "gatehouse_migrations" ("name", "timestamp") values ('${name}', `);
    }

    const byHandDir = mkdtempSync(join(tmpdir(), 'gatehouse-schema-'));
    const migratedDir = mkdtempSync(join(tmpdir(), 'gatehouse-schema-'));
    dirs.push(byHandDir, migratedDir);
    const byHand = new Database(join(byHandDir, 'gatehouse.db'));
    byHand.exec(result.stdout);
    byHand.close();
    const store = openStore({ databaseUrl: undefined, dataDir: migratedDir });
    try {
      await migrateToLatest(store);
    } finally {
      await store.close();
    }
    expect(describeSqlite(join(byHandDir, 'gatehouse.db'))).toEqual(describeSqlite(join(migratedDir, 'gatehouse.db')));

    // Gatehouse finds nothing to apply on the hand-made database.
    const handMade = openStore({ databaseUrl: undefined, dataDir: byHandDir });
    try {
      expect(await migrateToLatest(handMade)).toEqual([]);
    } finally {
      await handMade.close();
    }
  });

  it('refuses an unknown dialect', async () => {
    const result = await runCli(['schema', '--dialect', 'mysql'], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/postgres or sqlite/);
    expect(result.stdout).toBe('');
  });
});
