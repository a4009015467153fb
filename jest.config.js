/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end, browser and queue-mode tests run real n8n: `npm run test:e2e` (jest.e2e.config.js),
	// `npm run test:ui` (jest.ui.config.js) and `npm run test:queue` (jest.queue.config.js).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/ui/', '<rootDir>/test/queue/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	setupFiles: ['<rootDir>/test/harness/setup-env.js'],
	globalSetup: '<rootDir>/test/harness/global-setup.js',
	globalTeardown: '<rootDir>/test/harness/global-teardown.js',
	testTimeout: 60_000,
	// Two workers even on two cores: the soak and the fault tests spend most of their time waiting out
	// retry back-offs and pacing, and the other files run meanwhile.
	maxWorkers: 2,
};
