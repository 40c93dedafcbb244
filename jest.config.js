/** Jest runs TypeScript through SWC; type checking is `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  // `stratum` and its entry points resolve to the sources, as in the package's `stratum-source` condition.
  moduleNameMapper: {
    '^stratum$': '<rootDir>/sdk/index.ts',
    '^stratum/client$': '<rootDir>/client/index.ts',
    '^stratum/worker$': '<rootDir>/worker/index.ts',
    '^stratum/workflow$': '<rootDir>/workflows/api.ts',
    '^stratum/testing$': '<rootDir>/worker/testing/index.ts',
  },
  testTimeout: 120_000,
  maxWorkers: 2,
};
