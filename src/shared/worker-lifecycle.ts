import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './module-worker.js';

/** What a WorkerLifecycle needs to know of the thread it runs and of the requests it posts. */
export interface WorkerLifecycleOptions<Job, Reply> {
  /** `import.meta.url` of the module beside the worker's module. */
  referrer: string;
  /** The worker's module beside `referrer`, without its extension. */
  module: string;
  workerData?: unknown;
  /** The message that asks the worker to end (it answers what it holds first: messages are taken in order). */
  closeMessage: unknown;
  /**
   * When a thread ends before it answered anything (it cannot start here): true, no thread is started
   * again (`unavailable` from then on); false, the next request starts a new one.
   */
  giveUpWhenStartFails: boolean;
  /** The id of the request a reply answers (the id `request` gave it). */
  idOf(reply: Reply): number;
  /** A reply came for `job`. */
  answered(job: Job, reply: Reply): void;
  /** The thread ended with `jobs` unanswered (`reason`: its error, or its exit code); `unavailable` is already up to date. */
  unanswered(jobs: Job[], reason: string): void;
  /** A new thread was started: what the owner keeps about the old one (keys sent to it, ...) is stale. */
  started?(): void;
}

/**
 * The life of one worker thread that answers requests, shared by the signing thread and the SQLite
 * writer thread. The thread starts with the first request; each request gets an id and is held until the
 * reply with that id comes. The thread keeps the process alive while it holds requests, and only then.
 * If the thread ends (a crash, an error, terminated), the requests it held go to `unanswered` and the next
 * request starts a new thread, unless it ended before answering anything and `giveUpWhenStartFails` is
 * set. `close` refuses new requests, lets the thread answer those it holds, then ends it.
 */
export class WorkerLifecycle<Job, Reply> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Job>();
  /** Whether the current thread has answered anything yet. */
  private answeredAny = false;
  /** Called once nothing is pending, or the thread is gone (close waits for it). */
  private idle: (() => void)[] = [];
  private closing: Promise<void> | undefined;
  private gaveUp = false;

  constructor(private readonly options: WorkerLifecycleOptions<Job, Reply>) {}

  /** `close` was called: no request may be posted any more. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** A thread ended before it answered anything and `giveUpWhenStartFails` is set: none is started again. */
  get unavailable(): boolean {
    return this.gaveUp;
  }

  /** Requests posted and not yet answered. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Whether a thread is running (started and not yet ended). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Posts a request, starting a thread if none is running: `messages(id)` gives what to post, in order
   * (the request itself last, carrying `id`). Throws once closed or unavailable: the owner checks first.
   */
  request(job: Job, messages: (id: number) => unknown[]): void {
    if (this.closed) throw new Error('the worker thread is closed');
    if (this.gaveUp) throw new Error('the worker thread cannot start here');
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const posts = messages(id);
    if (this.pending.size === 0) worker.ref();
    this.pending.set(id, job);
    for (const message of posts) worker.postMessage(message);
  }

  /** Refuses new requests, waits for the thread to answer those it holds, then ends it. Safe to call again. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    // The thread may have ended meanwhile (its requests went to `unanswered`).
    if (this.worker !== worker) return;
    // Held until the thread has ended: nothing else may keep a closing process alive.
    worker.ref();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage(this.options.closeMessage);
    // The exit listener of `start` runs first: anything still unanswered has gone to `unanswered`.
    await exited;
  }

  private start(): Worker {
    const worker = startModuleWorker(this.options.referrer, this.options.module, this.options.workerData);
    this.answeredAny = false;
    this.worker = worker;
    this.options.started?.();
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error: Error) => this.lost(worker, error.message));
    worker.on('exit', (code: number) => this.lost(worker, `exit code ${code}`));
    worker.unref();
    return worker;
  }

  private settle(reply: Reply): void {
    this.answeredAny = true;
    const id = this.options.idOf(reply);
    const job = this.pending.get(id);
    if (job === undefined) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    this.options.answered(job, reply);
    if (this.pending.size === 0) this.wakeClose();
  }

  /** The thread ended: what it held goes to `unanswered`. */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.answeredAny && this.options.giveUpWhenStartFails) this.gaveUp = true;
    const held = [...this.pending.values()];
    this.pending.clear();
    if (held.length > 0) this.options.unanswered(held, reason);
    this.wakeClose();
  }

  private wakeClose(): void {
    const idle = this.idle;
    this.idle = [];
    for (const wake of idle) wake();
  }
}
