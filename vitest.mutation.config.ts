// The unit tests of the decision core: what a mutation run of agent/core measures (no processes, sockets or daemons).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/core/**/*.test.ts',
      'test/detect/**/*.test.ts',
      'test/catalog/**/*.test.ts',
      'test/policy/evaluate.test.ts',
      'test/policy/schema.test.ts',
      'test/policy/signature.test.ts',
    ],
    testTimeout: 30_000,
    pool: 'threads',
  },
});
