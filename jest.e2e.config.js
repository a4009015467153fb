/**
 * End-to-end tests: every node inside real n8n 2.8.4 (`npm run test:e2e`), or the n8n that
 * N8N_VERSION names (`npm run test:e2e:1x`: 1.123.50). The global setup builds and packs the pack
 * and installs that n8n into .cache/ on first run.
 */
const onOneX = (process.env.N8N_VERSION ?? '').startsWith('1.');

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	// On the 1.x line the suite runs every vendor's workflows and the package checks. Three files drive
	// what only n8n 2.x has: the agent example's AI Agent node version 3.1 (1.123 ships up to 2.2), and
	// 2.8.4's REST API for workflows and package updates (1.x wants `active` on a new workflow and
	// reports updates differently), which the DevRev Trigger's file activates and deactivates with.
	testPathIgnorePatterns: [
		'/node_modules/',
		...(onOneX ? ['/test/e2e/agent\\.test\\.ts$', '/test/e2e/registry-install\\.test\\.ts$', '/test/e2e/trigger\\.test\\.ts$'] : []),
	],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	// Each test boots n8n at least once: CPU heavy, so one file at a time.
	maxWorkers: 1,
	verbose: true,
	testTimeout: 180_000,
};
