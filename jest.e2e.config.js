/**
 * End-to-end tests: every node inside real n8n 2.8.4 (`npm run test:e2e`), or the n8n that
 * N8N_VERSION names (`npm run test:e2e:1x`: 1.123.50). The global setup builds and packs the pack
 * and installs that n8n into .cache/ on first run.
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	// Each test boots n8n at least once: CPU heavy, so one file at a time.
	maxWorkers: 1,
	verbose: true,
	testTimeout: 180_000,
};
