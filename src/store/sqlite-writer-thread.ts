import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../shared/module-worker.js';
import { StoreUnavailableError } from './store-errors.js';
import type { WriterReply } from './sqlite-writer-protocol.js';

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
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idle: (() => void) | undefined;
  private closed = false;
  /** A thread ended before it answered anything: batches run on the main connection from then on. */
  private unavailable = false;
  private answered = false;

  constructor(
    private readonly file: string,
    private readonly options: SqliteWriterThreadOptions = {},
  ) {}

  async runBatch(sql: string, parameterLists: unknown[][]): Promise<number> {
    return (await this.run(sql, parameterLists)).changes;
  }

  async runReturning(sql: string, parameters: unknown[]): Promise<unknown[]> {
    return (await this.run(sql, [parameters])).rows;
  }

  private run(sql: string, parameterLists: unknown[][]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the embedded database is closed'));
    this.options.onBatch?.();
    if (this.unavailable) return this.runElsewhere(sql, parameterLists);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<BatchResult>((resolve, reject) => {
      // The thread keeps the process alive while it holds batches, and only then.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { sql, parameterLists, resolve, reject });
      worker.postMessage({ kind: 'batch', id, sql, parameterLists });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    if (this.pending.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    // The thread may have ended meanwhile.
    if (this.worker !== worker) return;
    // Held until the thread has ended: nothing else may keep a closing process alive.
    worker.ref();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ kind: 'close' });
    await exited;
  }

  private start(): Worker {
    const worker = startModuleWorker(import.meta.url, this.options.workerModule ?? 'sqlite-writer-worker', { file: this.file });
    this.answered = false;
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    worker.on('error', (error) => this.lost(worker, error.message));
    worker.on('exit', (code) => this.lost(worker, `exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: WriterReply): void {
    this.answered = true;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('error' in reply) waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    else waiting.resolve({ changes: reply.changes, rows: reply.rows });
    if (this.pending.size === 0) {
      this.worker?.unref();
      this.wakeClose();
    }
  }

  /** The thread is gone: its batches fail as "store unavailable" (their callers retry), or run on the fallback when it never started. */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.answered && this.options.fallback) this.unavailable = true;
    for (const waiting of this.pending.values()) {
      if (this.unavailable) this.runElsewhere(waiting.sql, waiting.parameterLists).then(waiting.resolve, waiting.reject);
      else waiting.reject(new StoreUnavailableError(`the embedded database's writer thread stopped (${reason})`));
    }
    this.pending.clear();
    this.wakeClose();
  }

  private runElsewhere(sql: string, parameterLists: unknown[][]): Promise<BatchResult> {
    const fallback = this.options.fallback;
    return fallback ? fallback(sql, parameterLists) : Promise.reject(new StoreUnavailableError("the embedded database's writer thread cannot start"));
  }

  private wakeClose(): void {
    const idle = this.idle;
    this.idle = undefined;
    idle?.();
  }
}
