const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
	process.env.RECORD_LINKS_LEAK_DIR = mkdtempSync(join(tmpdir(), 'record-links-leaks-'));
};
