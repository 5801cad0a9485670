import { describe, expect, it } from 'vitest';
import { WorkerLifecycle } from '../../src/shared/worker-lifecycle.js';
import type { LifecycleReply, LifecycleRequest } from '../fixtures/workers/lifecycle-worker.js';

interface Job {
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

/** A lifecycle on the fixture worker, with what it reported: every request is a promise of its reply's value. */
function lifecycle(options: { module?: string; giveUpWhenStartFails?: boolean } = {}) {
  const seen = { starts: 0, reasons: [] as string[] };
  const thread = new WorkerLifecycle<Job, LifecycleReply>({
    referrer: import.meta.url,
    module: options.module ?? '../fixtures/workers/lifecycle-worker',
    closeMessage: { kind: 'close' } satisfies LifecycleRequest,
    giveUpWhenStartFails: options.giveUpWhenStartFails ?? true,
    idOf: (reply) => reply.id,
    answered: (job, reply) => job.resolve(reply.value),
    unanswered: (jobs, reason) => {
      seen.reasons.push(reason);
      for (const job of jobs) job.reject(new Error(`unanswered: ${reason}`));
    },
    started: () => (seen.starts += 1),
  });
  const ask = (kind: 'echo' | 'later' | 'crash', value: string, ms?: number): Promise<string> =>
    new Promise((resolve, reject) => thread.request({ resolve, reject }, (id) => [{ kind, id, value, ms } satisfies LifecycleRequest]));
  return { thread, seen, ask };
}

describe('WorkerLifecycle', () => {
  it('starts its thread with the first request, matches each reply to its request, and reuses the thread', async () => {
    const { thread, seen, ask } = lifecycle();
    expect(thread.running).toBe(false);
    const answers = await Promise.all([ask('later', 'slow', 40), ask('echo', 'fast')]);
    expect(answers).toEqual(['slow', 'fast']);
    expect(await ask('echo', 'again')).toBe('again');
    expect(seen.starts).toBe(1);
    expect(thread.pendingCount).toBe(0);
    await thread.close();
    expect(thread.running).toBe(false);
  });

  it('lets the thread answer every pending request before it ends it on close, then refuses new requests', async () => {
    const { thread, seen, ask } = lifecycle();
    const pending = [ask('later', 'one', 30), ask('later', 'two', 60), ask('echo', 'three')];
    expect(thread.pendingCount).toBe(3);
    const closing = thread.close();
    expect(thread.closed).toBe(true);
    // Closing again is the same close.
    expect(thread.close()).toBe(closing);
    await closing;
    await expect(Promise.all(pending)).resolves.toEqual(['one', 'two', 'three']);
    expect(seen.reasons).toEqual([]);
    expect(thread.running).toBe(false);
    expect(() => thread.request({ resolve: () => undefined, reject: () => undefined }, (id) => [{ kind: 'echo', id, value: 'late' }])).toThrow(/closed/);
  });

  it('closes at once when no thread was ever started', async () => {
    const { thread, seen } = lifecycle();
    await thread.close();
    expect(thread.closed).toBe(true);
    expect(seen.starts).toBe(0);
  });

  it('hands what a thread held to `unanswered` when it exits, and starts a new thread for the next request', async () => {
    const { thread, seen, ask } = lifecycle();
    expect(await ask('echo', 'before')).toBe('before');
    const held = ask('later', 'held', 10_000);
    const crash = ask('crash', 'boom');
    await expect(crash).rejects.toThrow('unanswered: exit code 3');
    await expect(held).rejects.toThrow('unanswered: exit code 3');
    expect(seen.reasons).toEqual(['exit code 3']);
    expect(thread.pendingCount).toBe(0);
    expect(thread.unavailable).toBe(false);
    expect(await ask('echo', 'after')).toBe('after');
    expect(seen.starts).toBe(2);
    await thread.close();
  });

  it('ends a close whose thread exits with requests pending; they go to `unanswered`', async () => {
    const { thread, seen, ask } = lifecycle();
    expect(await ask('echo', 'before')).toBe('before');
    const held = ask('later', 'held', 10_000);
    const crash = ask('crash', 'boom');
    await thread.close();
    await expect(held).rejects.toThrow('unanswered: exit code 3');
    await expect(crash).rejects.toThrow('unanswered: exit code 3');
    expect(seen.reasons).toEqual(['exit code 3']);
  });

  it('gives up when its thread cannot start, if told to: unavailable, and no new thread is started', async () => {
    const { thread, seen, ask } = lifecycle({ module: 'no-such-lifecycle-worker', giveUpWhenStartFails: true });
    await expect(ask('echo', 'first')).rejects.toThrow(/^unanswered: /);
    expect(thread.unavailable).toBe(true);
    expect(() => thread.request({ resolve: () => undefined, reject: () => undefined }, (id) => [{ kind: 'echo', id, value: 'again' }])).toThrow(/cannot start/);
    expect(seen.starts).toBe(1);
    await thread.close();
  });

  it('tries a new thread for the next request when its thread cannot start, if not told to give up', async () => {
    const { thread, seen, ask } = lifecycle({ module: 'no-such-lifecycle-worker', giveUpWhenStartFails: false });
    await expect(ask('echo', 'first')).rejects.toThrow(/^unanswered: /);
    expect(thread.unavailable).toBe(false);
    await expect(ask('echo', 'second')).rejects.toThrow(/^unanswered: /);
    expect(seen.starts).toBe(2);
    await thread.close();
  });
});
