import { sign, type KeyObject } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { SigningAlg } from '../shared/signing-algs.js';
import { startModuleWorker } from '../shared/module-worker.js';
import { signArguments } from './signature-algorithms.js';
import type { SigningReply, SigningRequest } from './signing-protocol.js';

interface Job {
  key: KeyObject;
  alg: SigningAlg;
  input: string;
  resolve: (signature: string) => void;
  reject: (error: Error) => void;
}

/** Signs with node:crypto's `sign` on libuv's thread pool: what a job falls back to when the signing thread is gone. */
export function signOnThreadPool(alg: SigningAlg, key: KeyObject, input: string): Promise<string> {
  const args = signArguments(alg, key);
  return new Promise((resolve, reject) => sign(args.digest, Buffer.from(input), args.key, (error, signature) => (error ? reject(error) : resolve(signature.toString('base64url')))));
}

/**
 * A worker thread that makes the signatures of access tokens, off the event loop. The inputs asked for in one
 * turn of the event loop go to it as one message and come back as one: on this kind of machine a message
 * or a thread-pool job per token costs the event loop more in wake-ups than the signature it moves away
 * (measured: 1.16x the client_credentials requests/s of one libuv job per token). Each key is cloned into
 * the worker once. Started with the first signature; if the thread dies, the jobs it held are signed on
 * libuv's thread pool instead and the next batch starts a new thread; if it cannot start at all, the thread
 * pool signs from then on.
 */
export class SigningThread {
  private worker: Worker | undefined;
  /** Key ids in the current worker; a new worker starts with none. */
  private keyIds = new WeakMap<KeyObject, number>();
  private nextKeyId = 1;
  private nextBatch = 1;
  private queue: Job[] = [];
  private flushScheduled = false;
  private readonly inFlight = new Map<number, Job[]>();
  private closed = false;
  /** A thread ended before it answered anything (it cannot start here): the thread pool signs from then on. */
  private unavailable = false;
  private answered = false;
  private batches = 0;
  private signatures = 0;

  /** `workerModule`: the worker's module beside this one (tests name one that does not exist). */
  constructor(private readonly workerModule = 'signing-worker') {}

  /** Batches posted to the thread and signatures they held. */
  get stats(): { batches: number; signatures: number } {
    return { batches: this.batches, signatures: this.signatures };
  }

  /** Resolves with the base64url signature of `input` (a JWS signing input). */
  sign(key: KeyObject, alg: SigningAlg, input: string): Promise<string> {
    if (this.closed || this.unavailable) return signOnThreadPool(alg, key, input);
    return new Promise((resolve, reject) => {
      this.queue.push({ key, alg, input, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Waits for the batches under way and stops the thread; later signatures use libuv's thread pool. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    // Held until the thread has ended: nothing else may keep a closing process alive.
    worker.ref();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ kind: 'close' } satisfies SigningRequest);
    await exited;
    // A reply that did not come before the thread ended: sign those jobs here.
    for (const jobs of this.inFlight.values()) this.signElsewhere(jobs);
    this.inFlight.clear();
  }

  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    if (this.closed || this.unavailable) return this.signElsewhere(jobs);
    const worker = this.worker ?? this.start();
    const keyIds = jobs.map((job) => this.keyIdOf(worker, job));
    const batch = this.nextBatch++;
    // The thread keeps the process alive while it holds signatures, and only then.
    if (this.inFlight.size === 0) worker.ref();
    this.inFlight.set(batch, jobs);
    this.batches += 1;
    this.signatures += jobs.length;
    worker.postMessage({ kind: 'sign', batch, keyIds, inputs: jobs.map((job) => job.input) } satisfies SigningRequest);
  }

  private keyIdOf(worker: Worker, job: Job): number {
    let keyId = this.keyIds.get(job.key);
    if (keyId === undefined) {
      keyId = this.nextKeyId++;
      this.keyIds.set(job.key, keyId);
      worker.postMessage({ kind: 'key', keyId, key: job.key, alg: job.alg } satisfies SigningRequest);
    }
    return keyId;
  }

  private start(): Worker {
    const worker = startModuleWorker(import.meta.url, this.workerModule, undefined);
    this.keyIds = new WeakMap();
    this.answered = false;
    worker.on('message', (reply: SigningReply) => this.settle(reply));
    worker.on('error', () => this.lost(worker));
    worker.on('exit', () => this.lost(worker));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: SigningReply): void {
    this.answered = true;
    const jobs = this.inFlight.get(reply.batch);
    if (!jobs) return;
    this.inFlight.delete(reply.batch);
    if (this.inFlight.size === 0) this.worker?.unref();
    jobs.forEach((job, index) => {
      const signature = reply.signatures[index];
      if (typeof signature === 'string') job.resolve(signature);
      else job.reject(new Error(`could not sign an access token: ${signature?.error ?? 'no signature returned'}`));
    });
  }

  /** The thread ended (a crash, or terminated): what it held is signed on the thread pool. */
  private lost(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.answered) this.unavailable = true;
    const held = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    this.signElsewhere(held);
  }

  private signElsewhere(jobs: Job[]): void {
    for (const job of jobs) signOnThreadPool(job.alg, job.key, job.input).then(job.resolve, job.reject);
  }
}
