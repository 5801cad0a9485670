import { WorkerLifecycle } from '../shared/worker-lifecycle.js';
import { StoreUnavailableError } from '../shared/store-errors.js';
import type { WriterReply, WriterRequest } from './sqlite-writer-protocol.js';

/** Writes that may run off the event loop. */
export interface BatchWriter {
  /** Runs `sql` once per parameter list, all in one transaction (all or nothing); resolves with the rows changed. */
  runBatch(sql: string, parameterLists: unknown[][]): Promise<number>;
  /** Runs one write with a RETURNING clause in its own transaction; resolves with the rows it returned. */
  runReturning(sql: string, parameters: unknown[]): Promise<unknown[]>;
  /** Lets the batches under way finish, then closes. */
  close(): Promise<void>;
}

/** What a batch did: the rows changed, and the rows a RETURNING clause gave. */
export interface BatchResult {
  changes: number;
  rows: unknown[];
}

interface Pending {
  sql: string;
  parameterLists: unknown[][];
  resolve: (result: BatchResult) => void;
  reject: (error: Error) => void;
}

/** Runs a batch on the main connection: what a SqliteWriterThread does when its thread cannot start. */
export type BatchFallback = (sql: string, parameterLists: unknown[][]) => Promise<BatchResult>;

export interface SqliteWriterThreadOptions {
  /** Called for every batch posted (the store's statement count). */
  onBatch?: () => void;
  /** Where batches go when the thread cannot start here; without one they fail as "store unavailable". */
  fallback?: BatchFallback;
  /** The worker's module beside this one (tests name one that does not exist). */
  workerModule?: string;
}

/**
 * A worker thread with its own connection to the embedded database, for batched writes that need not hold
 * the event loop (better-sqlite3 is synchronous: on the main connection a write runs on the event loop, its
 * fsync included). Started with the first batch. WAL lets the main connection read meanwhile; a write on the
 * main connection waits for a batch's transaction (busy_timeout), so batches are kept small. If the thread
 * ends after it worked, its batches fail as "store unavailable" (the audit writer retries them) and the next
 * batch starts a new one; if it cannot start at all, every batch runs on the main connection (the fallback).
 */
export class SqliteWriterThread implements BatchWriter {
  private readonly thread: WorkerLifecycle<Pending, WriterReply>;

  constructor(
    file: string,
    private readonly options: SqliteWriterThreadOptions = {},
  ) {
    this.thread = new WorkerLifecycle<Pending, WriterReply>({
      referrer: import.meta.url,
      module: options.workerModule ?? 'sqlite-writer-worker',
      workerData: { file },
      closeMessage: { kind: 'close' } satisfies WriterRequest,
      // A thread that ended before it answered anything cannot start here: batches run on the fallback from then on.
      giveUpWhenStartFails: options.fallback !== undefined,
      idOf: (reply) => reply.id,
      answered: (waiting, reply) => {
        if ('error' in reply) waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
        else waiting.resolve({ changes: reply.changes, rows: reply.rows });
      },
      // The thread is gone: its batches fail as "store unavailable" (their callers retry), or run on the fallback when it never started.
      unanswered: (held, reason) => {
        for (const waiting of held) {
          if (this.thread.unavailable) this.runElsewhere(waiting.sql, waiting.parameterLists).then(waiting.resolve, waiting.reject);
          else waiting.reject(new StoreUnavailableError(`the embedded database's writer thread stopped (${reason})`));
        }
      },
    });
  }

  async runBatch(sql: string, parameterLists: unknown[][]): Promise<number> {
    return (await this.run(sql, parameterLists)).changes;
  }

  async runReturning(sql: string, parameters: unknown[]): Promise<unknown[]> {
    return (await this.run(sql, [parameters])).rows;
  }

  private run(sql: string, parameterLists: unknown[][]): Promise<BatchResult> {
    if (this.thread.closed) return Promise.reject(new StoreUnavailableError('the embedded database is closed'));
    this.options.onBatch?.();
    if (this.thread.unavailable) return this.runElsewhere(sql, parameterLists);
    return new Promise<BatchResult>((resolve, reject) => {
      this.thread.request({ sql, parameterLists, resolve, reject }, (id) => [{ kind: 'batch', id, sql, parameterLists } satisfies WriterRequest]);
    });
  }

  async close(): Promise<void> {
    await this.thread.close();
  }

  private runElsewhere(sql: string, parameterLists: unknown[][]): Promise<BatchResult> {
    const fallback = this.options.fallback;
    return fallback ? fallback(sql, parameterLists) : Promise.reject(new StoreUnavailableError("the embedded database's writer thread cannot start"));
  }
}
