import { sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../shared/signing-algs.js';
import { WorkerLifecycle } from '../shared/worker-lifecycle.js';
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
  private readonly thread: WorkerLifecycle<Job[], SigningReply>;
  /** Key ids in the current worker; a new worker starts with none. */
  private keyIds = new WeakMap<KeyObject, number>();
  private nextKeyId = 1;
  private queue: Job[] = [];
  private flushScheduled = false;
  private batches = 0;
  private signatures = 0;

  /** `workerModule`: the worker's module beside this one (tests name one that does not exist). */
  constructor(workerModule = 'signing-worker') {
    this.thread = new WorkerLifecycle<Job[], SigningReply>({
      referrer: import.meta.url,
      module: workerModule,
      closeMessage: { kind: 'close' } satisfies SigningRequest,
      // A thread that ended before it answered anything cannot start here: the thread pool signs from then on.
      giveUpWhenStartFails: true,
      idOf: (reply) => reply.batch,
      answered: (jobs, reply) => settle(jobs, reply),
      // The thread ended (a crash, or terminated): what it held is signed on the thread pool.
      unanswered: (batches) => signElsewhere(batches.flat()),
      started: () => (this.keyIds = new WeakMap()),
    });
  }

  /** Batches posted to the thread and signatures they held. */
  get stats(): { batches: number; signatures: number } {
    return { batches: this.batches, signatures: this.signatures };
  }

  /** Resolves with the base64url signature of `input` (a JWS signing input). */
  sign(key: KeyObject, alg: SigningAlg, input: string): Promise<string> {
    if (this.thread.closed || this.thread.unavailable) return signOnThreadPool(alg, key, input);
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
    const closing = this.thread.close();
    // Jobs queued but not yet posted: the thread pool signs them.
    this.flush();
    await closing;
  }

  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    if (this.thread.closed || this.thread.unavailable) return signElsewhere(jobs);
    this.batches += 1;
    this.signatures += jobs.length;
    this.thread.request(jobs, (batch) => {
      const keys: SigningRequest[] = [];
      const keyIds = jobs.map((job) => this.keyIdOf(job, keys));
      return [...keys, { kind: 'sign', batch, keyIds, inputs: jobs.map((job) => job.input) } satisfies SigningRequest];
    });
  }

  /** The job's key id in the current worker; a key new to it is added to `keys` (to be posted first). */
  private keyIdOf(job: Job, keys: SigningRequest[]): number {
    let keyId = this.keyIds.get(job.key);
    if (keyId === undefined) {
      keyId = this.nextKeyId++;
      this.keyIds.set(job.key, keyId);
      keys.push({ kind: 'key', keyId, key: job.key, alg: job.alg });
    }
    return keyId;
  }
}

function settle(jobs: Job[], reply: SigningReply): void {
  jobs.forEach((job, index) => {
    const signature = reply.signatures[index];
    if (typeof signature === 'string') job.resolve(signature);
    else job.reject(new Error(`could not sign an access token: ${signature?.error ?? 'no signature returned'}`));
  });
}

function signElsewhere(jobs: Job[]): void {
  for (const job of jobs) signOnThreadPool(job.alg, job.key, job.input).then(job.resolve, job.reject);
}
