// n8n-core reads its user folder when first loaded: keep it in a temp dir, never ~/.n8n.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'record-links-n8n-'));
process.env.N8N_LOG_LEVEL ??= 'warn';
