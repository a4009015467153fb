/**
 * Queue-mode tests: the pack on n8n 2.8.4's distributed engine (main + two workers, Redis,
 * PostgreSQL), `npm run test:queue`. The same global setup as the e2e tests (build, pack, n8n).
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	maxWorkers: 1,
	verbose: true,
	testTimeout: 900_000,
};
