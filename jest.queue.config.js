/**
 * Queue-mode tests: the pack on n8n 2.8.4's distributed engine (main + two workers, Redis,
 * PostgreSQL), `npm run test:queue`. The same global setup as the e2e tests (build, pack, n8n).
 */
/** @type {import('jest').Config} */
module.exports = {
	// The e2e tests' setup: build, pack, n8n installed; one file at a time.
	...require('./jest.e2e.config.js'),
	roots: ['<rootDir>/test/queue'],
	testTimeout: 900_000,
};
