/**
 * Imported first by every bench process: n8n-core reads its user folder when first loaded, so point
 * it at a temp dir (never ~/.n8n; removed at exit) and keep its logger quiet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	const folder = mkdtempSync(join(tmpdir(), 'record-links-bench-'));
	process.env.N8N_USER_FOLDER = folder;
	process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
}
process.env.N8N_LOG_LEVEL ??= 'warn';
// A throwaway key: n8n-core then neither generates one into the temp user folder nor logs about it.
process.env.N8N_ENCRYPTION_KEY ??= 'record-links-bench-throwaway-key';
