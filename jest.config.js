// ESM TypeScript under jest 30: ts-jest in ESM mode, `.js` suffixes in imports mapped back to the
// `.ts` sources, and undici (octokit's fetch) mapped to a stand-in so nock sees GitHub calls too.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/tools/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/tools/'],
  clearMocks: true
}
