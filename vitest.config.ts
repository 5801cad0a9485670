import { defineConfig } from 'vitest/config';

// CI (`CI=true npm test`, as `.ci/run` runs it) measures coverage of src/ and fails under the floor below.
const ci = process.env.CI === 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: CLI tests start several tsx processes, each a few seconds on a loaded 2-core machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // PostgreSQL for the store tests: the machine's (GATEHOUSE_TEST_PG_ADMIN_URL, default 127.0.0.1:5432), or an embedded one started for the run when none answers.
    globalSetup: ['test/setup/postgres-global-setup.ts'],
    // expect.poll waits for a condition and returns as soon as it holds: a long deadline costs nothing when
    // things go well, and the default (1 s) is within reach of a busy 2-core machine's hiccups.
    expect: { poll: { timeout: 15_000 } },
    // Type tests of the package entry points, run by `npm run typecheck` (vitest run --typecheck.only).
    typecheck: { include: ['test/types/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
    coverage: {
      enabled: ci,
      provider: 'v8',
      // In-process only: code run by the servers and CLIs the tests spawn (dist/cli/main.js in child
      // processes) and by worker threads is not counted.
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // The floor: the whole suite's figures on a clean clone (CI=true bash .ci/run, 2026-12-05 at issue 19/20:
      // statements 84.39%, branches 80.07%, functions 86.5%, lines 86.81%), each lowered one point below its integer so
      // that code reached only on some runs (a retry, a race's losing side) does not fail CI. Raise the floor
      // as coverage rises; never lower it.
      thresholds: { statements: 83, branches: 79, functions: 85, lines: 85 },
    },
  },
});
