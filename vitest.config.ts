import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One file at a time, on every machine: agents under test act on the whole machine's processes (a kill policy
    // stops any claude, another test's included) and some tests write system paths such as /etc/claude-code.
    fileParallelism: false,
  },
});
