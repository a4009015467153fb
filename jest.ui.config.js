/**
 * Browser tests: the n8n editor in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against real n8n 2.8.4 with the pack and the vendor sandbox (`npm run test:ui`).
 * They also write the README's screenshots (docs/screenshots/).
 */
/** @type {import('jest').Config} */
module.exports = {
	// The e2e tests' setup: build, pack, n8n installed; one file at a time.
	...require('./jest.e2e.config.js'),
	roots: ['<rootDir>/test/ui'],
};
