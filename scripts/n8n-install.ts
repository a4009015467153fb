/**
 * The n8n every test and `npm start` run: installed into an ignored cache folder, `.cache/n8n-<version>`
 * (2.8.4, or the version in the environment variable N8N_VERSION).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Log, npmCommand, run, succeeds } from './processes';
import { ROOT } from './project';

/** The n8n every test and `npm start` run: 2.8.4 unless N8N_VERSION names another (the 1.x leg). */
export const N8N_VERSION = process.env.N8N_VERSION || '2.8.4';
/** True on the n8n 1.x line, whose CLI and REST API differ in a few places. */
export const N8N_1X = N8N_VERSION.startsWith('1.');
export const N8N_HOME = join(ROOT, '.cache', `n8n-${N8N_VERSION}`);
export const N8N_BIN = join(N8N_HOME, 'node_modules', 'n8n', 'bin', 'n8n');
const INSTALLED_MARKER = join(N8N_HOME, '.installed');

function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * Installs n8n into `.cache/n8n-<version>` unless it is already there. The xlsx override replaces
 * n8n's default xlsx tarball URL, which is unreachable offline.
 */
export async function ensureN8n(log: Log = console.log): Promise<void> {
	if (existsSync(INSTALLED_MARKER) && existsSync(N8N_BIN)) return;
	const started = Date.now();
	log(`Installing n8n ${N8N_VERSION} into ${N8N_HOME} (first run only: about 5 minutes and 2.3 GB)…`);
	mkdirSync(N8N_HOME, { recursive: true });
	writeFileSync(
		join(N8N_HOME, 'package.json'),
		`${JSON.stringify(
			{ name: 'n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { xlsx: '0.18.5' } },
			null,
			2,
		)}\n`,
	);
	const modules = join(N8N_HOME, 'node_modules');
	const heartbeat = setInterval(() => {
		const phase = existsSync(modules) ? 'fetching and unpacking packages, building native addons' : 'resolving dependencies';
		log(`  … still installing n8n (${formatDuration(Date.now() - started)} so far): ${phase}`);
	}, 20_000);
	try {
		await run(npmCommand(), ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: N8N_HOME });
		// sqlite3 needs its native addon; build it if its install script did not run.
		if (!(await succeeds(process.execPath, ['-e', 'require("sqlite3")'], N8N_HOME))) {
			log('  Building sqlite3 for this Node version…');
			await run(npmCommand(), ['rebuild', 'sqlite3'], { cwd: N8N_HOME });
		}
		await run(process.execPath, [N8N_BIN, '--version'], { cwd: N8N_HOME, stdio: 'ignore' });
	} finally {
		clearInterval(heartbeat);
	}
	writeFileSync(INSTALLED_MARKER, `${new Date().toISOString()}\n`);
	log(`Installed n8n ${N8N_VERSION} in ${formatDuration(Date.now() - started)}.`);
}
