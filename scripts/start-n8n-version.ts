/**
 * `npm start -- --n8n <version>` picks the n8n that `npm start` runs (as N8N_VERSION does; `latest`
 * is the newest line). Imported first by start.ts, so that the choice is made before the installer
 * reads it.
 */
const index = process.argv.indexOf('--n8n');
if (index >= 0) {
	const version = process.argv[index + 1];
	if (!version || !/^(\d+\.\d+\.\d+|latest)$/.test(version)) {
		process.stderr.write(`--n8n takes an n8n version (e.g. 2.41.1) or "latest", not "${version ?? ''}"\n`);
		process.exit(1);
	}
	process.env.N8N_VERSION = version;
}
