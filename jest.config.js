// Jest runs the TypeScript sources as ESM through ts-jest (node --experimental-vm-modules).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // The fault matrix (issue 10, 152 trials, several minutes) runs on its own: npm run test:faults.
  testPathIgnorePatterns: process.env.SLIPWAY_FAULTS ? ['/node_modules/'] : ['/node_modules/', '/__tests__/faults/'],
  // The runner's hash cache (~/.cache/slipway) goes to a directory of the test run's, not the user's home.
  setupFiles: ['<rootDir>/__tests__/support/cache-home.ts'],
  testTimeout: 60000,
  maxWorkers: 2
}
