/**
 * Browser tests: the n8n editor in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against real n8n 2.8.4 with the pack and the vendor sandbox (`npm run test:ui`).
 * They also write the README's screenshots (docs/screenshots/).
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/ui'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	// Builds and packs the pack and makes sure n8n is installed, as for the e2e tests.
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	maxWorkers: 1,
	verbose: true,
	testTimeout: 180_000,
};
