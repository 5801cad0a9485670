import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type StoreEngine = 'sqlite' | 'postgres';

export interface StoreConnection {
  db: Kysely<Database>;
  engine: StoreEngine;
  /** Human-readable location without credentials, for logs. */
  location: string;
  /** Statements executed so far (lets tests prove that a hot path does not touch the database). */
  readonly queryCount: () => number;
  /** Connections of the PostgreSQL pool (for metrics); undefined for the embedded database. */
  readonly poolStats?: () => PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

function queryCounter(): { log: () => void; count: () => number } {
  let count = 0;
  return {
    log: () => {
      count += 1;
    },
    count: () => count,
  };
}

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** The database cannot be opened or does not answer; the message names where it was looked for, without credentials. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 300);
}

export function openStore(options: { databaseUrl: string | undefined; dataDir: string }): StoreConnection {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(join(options.dataDir, 'gatehouse.db'), options.dataDir);
}

/** Opens the store and makes sure it answers; throws StoreUnavailableError when it does not. */
export async function connectStore(options: { databaseUrl: string | undefined; dataDir: string }): Promise<StoreConnection> {
  let store: StoreConnection;
  try {
    store = openStore(options);
  } catch (error) {
    throw new StoreUnavailableError(`cannot open the database in ${options.dataDir}: ${reasonOf(error)}`);
  }
  try {
    await sql`select 1`.execute(store.db);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new StoreUnavailableError(`cannot connect to ${store.location}: ${reasonOf(error)}`);
  }
  return store;
}

function openSqlite(file: string, dataDir: string): StoreConnection {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(file);
  try {
    // WAL with synchronous=FULL: an acknowledged commit survives kill -9 and power loss.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const counter = queryCounter();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log: counter.log });
  return {
    db,
    engine: 'sqlite',
    location: file,
    queryCount: counter.count,
    close: () => db.destroy(),
  };
}

function openPostgres(url: string): StoreConnection {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  const counter = queryCounter();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: counter.log });
  const parsed = new URL(url);
  return {
    db,
    engine: 'postgres',
    location: `postgres://${parsed.host}${parsed.pathname}`,
    queryCount: counter.count,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}

/** True when the database answers a trivial query. */
export async function pingStore(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
