import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { openSqliteConnection } from './sqlite-connection.js';
import { SqliteWriterThread, type BatchFallback, type BatchWriter } from './sqlite-writer-thread.js';
import { StoreTimeoutError, StoreUnavailableError } from '../shared/store-errors.js';

export type StoreEngine = 'sqlite' | 'postgres';

export interface StoreConnection {
  db: Kysely<Database>;
  engine: StoreEngine;
  /** Human-readable location without credentials, for logs. */
  location: string;
  /** Statements executed so far (lets tests prove that a hot path does not touch the database). */
  readonly queryCount: () => number;
  /**
   * Bounds every later wait for a connection, and every statement, to `ms` milliseconds (PostgreSQL;
   * undefined: back to the start-up values). A statement past it fails with StoreTimeoutError and its
   * connection is dropped, so a dead link never blocks the pool.
   */
  setRequestTimeout(ms: number | undefined): void;
  /**
   * Batched writes off the event loop (the embedded database: a worker thread with its own connection);
   * undefined for PostgreSQL, whose driver never holds the event loop.
   */
  readonly batchWriter?: BatchWriter;
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

export interface StoreOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL: milliseconds to wait for a connection (a free pool slot or a new connection). */
  connectTimeoutMs?: number;
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

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 300);
}

export function openStore(options: StoreOptions): StoreConnection {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.connectTimeoutMs ?? 5_000) : openSqlite(join(options.dataDir, 'gatehouse.db'), options.dataDir);
}

/** Opens the store and makes sure it answers; throws StoreUnavailableError when it does not. */
export async function connectStore(options: StoreOptions): Promise<StoreConnection> {
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

/**
 * Transactions on the main connection take SQLite's write lock when they begin (`begin immediate`), waiting
 * for it as busy_timeout allows. A deferred `begin` that read first would fail at once with SQLITE_BUSY
 * when it came to write after the writer thread had committed meanwhile.
 */
class ImmediateTransactionsDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionsDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionsDriver(this.settings);
  }
}

/**
 * Runs a batch in one transaction of a kysely connection (the writer thread's fallback): through kysely, so
 * that the batch waits for a transaction under way on that connection instead of joining it.
 */
export function batchesOnConnection(db: Kysely<Database>): BatchFallback {
  return (statement, parameterLists) =>
    db.transaction().execute(async (trx) => {
      let changes = 0;
      const rows: unknown[] = [];
      for (const parameters of parameterLists) {
        const result = await trx.executeQuery(CompiledQuery.raw(statement, parameters));
        changes += Number(result.numAffectedRows ?? result.rows.length);
        rows.push(...result.rows);
      }
      return { changes, rows };
    });
}

function openSqlite(file: string, dataDir: string): StoreConnection {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = openSqliteConnection(file);
  const counter = queryCounter();
  const db = new Kysely<Database>({ dialect: new ImmediateTransactionsDialect({ database: sqlite }), log: counter.log });
  const batchWriter = new SqliteWriterThread(file, { onBatch: counter.log, fallback: batchesOnConnection(db) });
  return {
    db,
    engine: 'sqlite',
    location: file,
    queryCount: counter.count,
    setRequestTimeout: () => undefined,
    batchWriter,
    close: async () => {
      await batchWriter.close();
      await db.destroy();
    },
  };
}

/** How long after destroying a timed-out connection its query is failed even if pg has not said so. */
const BACKSTOP_MS = 1_000;

/**
 * A pg client whose statements give up after the current timeout. pg's own query_timeout leaves the
 * connection waiting for the lost answer; this one destroys it, so the pool drops it and reconnects.
 */
function boundedClientClass(timeoutMs: () => number | undefined): typeof pg.Client {
  return class BoundedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // pg-pool listens for errors only while a client is idle: a connection lost while a request holds
      // it would otherwise be an uncaught 'error' event (a crash). Its query fails anyway, and the pool
      // drops the client on release because it is no longer queryable.
      this.on('error', () => undefined);
      const query = this.query.bind(this) as (...args: unknown[]) => unknown;
      this.query = ((...args: unknown[]) => {
        const result = query(...args);
        const ms = timeoutMs();
        if (ms === undefined || !(result instanceof Promise)) return result;
        return new Promise((resolve, reject) => {
          let timedOut = false;
          const fail = () => reject(new StoreTimeoutError(`the database did not answer within ${ms} ms`));
          // Past the limit the connection is destroyed; pg then fails the query, and only then (the client
          // no longer queryable) is the error passed on, so that the pool drops this client on release.
          const timer = setTimeout(() => {
            timedOut = true;
            (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
            backstop = setTimeout(fail, BACKSTOP_MS);
          }, ms);
          let backstop: NodeJS.Timeout | undefined;
          const settle = () => {
            clearTimeout(timer);
            clearTimeout(backstop);
          };
          result.then(
            (value: unknown) => {
              settle();
              if (timedOut) fail();
              else resolve(value);
            },
            (error: Error) => {
              settle();
              if (timedOut) fail();
              else reject(error);
            },
          );
        });
      }) as typeof this.query;
    }
  };
}

function openPostgres(url: string, connectTimeoutMs: number): StoreConnection {
  let statementTimeout: number | undefined;
  const options = {
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    Client: boundedClientClass(() => statementTimeout),
  };
  const pool = new pg.Pool(options);
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
    setRequestTimeout: (ms) => {
      statementTimeout = ms;
      // pg-pool reads it on every connect (waiting for a free client counts too).
      (pool as unknown as { options: { connectionTimeoutMillis: number } }).options.connectionTimeoutMillis = ms ?? connectTimeoutMs;
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}
