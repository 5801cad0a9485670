import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: CLI tests start several tsx processes, each a few seconds on a loaded 2-core machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // expect.poll waits for a condition and returns as soon as it holds: a long deadline costs nothing when
    // things go well, and the default (1 s) is within reach of a busy 2-core machine's hiccups.
    expect: { poll: { timeout: 15_000 } },
  },
});
