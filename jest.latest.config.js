// Jest config of the second test leg: Node 24 + the newest n8n-core / n8n-workflow.
// Run it through `npm run test:latest` (scripts/test-latest.mjs), which prepares .cache/latest/.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	// Every engine test, never the real-n8n end-to-end tests (those run on n8n 2.8.4 only).
	testMatch: ['<rootDir>/test/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	resolver: '<rootDir>/scripts/latest/resolver.cjs',
	setupFiles: [...(base.setupFiles ?? []), '<rootDir>/scripts/latest/setup.cjs'],
	cacheDirectory: '<rootDir>/.cache/latest/jest',
};
