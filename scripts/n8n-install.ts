/**
 * The n8n every test and `npm start` run, installed into an ignored cache folder,
 * `.cache/n8n-<version>`: 2.8.4 unless the environment variable N8N_VERSION names another (`latest`
 * is the newest line, pinned as "n8n" in scripts/latest/versions.json). What differs between the
 * lines (the Node that runs n8n, its install, its environment, what its editor shows) is decided
 * here, once.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

import { type Log, npmCommand, run, succeeds } from './processes';
import { ROOT } from './project';

const LATEST_PINS = join(ROOT, 'scripts', 'latest', 'versions.json');

/** The newest line's n8n, as pinned beside the engine tests' newest line. */
function latestN8nVersion(): string {
	const { versions } = JSON.parse(readFileSync(LATEST_PINS, 'utf8')) as { versions: { n8n: string } };
	return versions.n8n;
}

/** The n8n tests and `npm start` run unless told: it runs on this checkout's Node 20. */
export const DEFAULT_N8N_VERSION = '2.8.4';

/** `N8N_VERSION` as given: a version, `latest`, or nothing (the default). */
function chosenVersion(): string {
	const chosen = process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
	return chosen === 'latest' ? latestN8nVersion() : chosen;
}

function atLeast(version: string, minimum: string): boolean {
	const [a, b] = [version, minimum].map((v) => v.split('.').map(Number));
	for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
	return true;
}

/** The n8n every test and `npm start` run. */
export const N8N_VERSION = chosenVersion();
/** True on the n8n 1.x line, whose CLI and REST API differ in a few places. */
export const N8N_1X = N8N_VERSION.startsWith('1.');
/** n8n 2.36 and later need Node 24 (n8n's package.json `engines`); this checkout runs on Node 20. */
export const N8N_ON_NODE_24 = atLeast(N8N_VERSION, '2.36.0');
export const N8N_HOME = join(ROOT, '.cache', `n8n-${N8N_VERSION}`);
export const N8N_BIN = join(N8N_HOME, 'node_modules', 'n8n', 'bin', 'n8n');
const INSTALLED_MARKER = join(N8N_HOME, '.installed');

/**
 * Whether n8n's credential dialog shows a credential test rule's message for a refused secret (the
 * answer's status reaches credentials-tester.service.js's rules on 2.41.1); 2.8.4 and 1.123.50 show
 * their own "Authorization failed - please check your credentials".
 */
export const N8N_SHOWS_CREDENTIAL_TEST_RULES = N8N_ON_NODE_24;

/** Node 24, installed by scripts/latest/node.mjs (shared with test:latest). */
const NODE_24_DIR = join(ROOT, '.cache', 'latest', 'node', 'node_modules', 'node');
/** The Node binary that runs n8n. */
export const N8N_NODE = N8N_ON_NODE_24 ? join(NODE_24_DIR, 'bin', 'node') : process.execPath;

/**
 * The environment that n8n, and the npm it runs to install community packages, needs on this line:
 * Node 24 first on PATH where n8n runs on it, and n8n's modules that would call out to the internet
 * switched off (2.41's MCP registry module fetches n8n's registry at start and logs an error offline).
 */
export function n8nLineEnv(path = process.env.PATH ?? ''): NodeJS.ProcessEnv {
	if (!N8N_ON_NODE_24) return {};
	return { PATH: `${dirname(N8N_NODE)}${delimiter}${path}`, N8N_DISABLED_MODULES: 'mcp-registry' };
}

/**
 * The install folder's package.json. Up to 2.8, xlsx is overridden (n8n's default xlsx tarball URL is
 * unreachable offline). From 2.36 on, the install script of @confluentinc/kafka-javascript (under
 * n8n-nodes-base) downloads sources and fails offline, which would roll back the whole install:
 * npm 11's `allowScripts` skips it (only n8n's Kafka nodes are lost).
 */
function installManifest(): Record<string, unknown> {
	const base = { name: 'n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION } };
	return N8N_ON_NODE_24 ? { ...base, allowScripts: { '@confluentinc/kafka-javascript': false } } : { ...base, overrides: { xlsx: '0.18.5' } };
}

function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Installs n8n into `.cache/n8n-<version>` unless it is already there (and Node 24 first, where it runs on it). */
export async function ensureN8n(log: Log = console.log): Promise<void> {
	// Node 24 first (installed only when missing), so that an n8n already installed finds it too.
	if (N8N_ON_NODE_24) await run(process.execPath, [join(ROOT, 'scripts', 'latest', 'node.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
	if (existsSync(INSTALLED_MARKER) && existsSync(N8N_BIN)) return;
	const started = Date.now();
	const env: NodeJS.ProcessEnv = { ...process.env, ...n8nLineEnv() };
	// Native add-ons (sqlite3 builds from source) must build against Node 24's headers.
	if (N8N_ON_NODE_24) env.npm_config_nodedir = join(NODE_24_DIR, 'node_modules', `node-${process.platform}-${process.arch}`);
	log(`Installing n8n ${N8N_VERSION} into ${N8N_HOME} (first run only: about 5 minutes and 2.3 to 2.9 GB)…`);
	mkdirSync(N8N_HOME, { recursive: true });
	writeFileSync(join(N8N_HOME, 'package.json'), `${JSON.stringify(installManifest(), null, 2)}\n`);
	const modules = join(N8N_HOME, 'node_modules');
	const heartbeat = setInterval(() => {
		const phase = existsSync(modules) ? 'fetching and unpacking packages, building native addons' : 'resolving dependencies';
		log(`  … still installing n8n (${formatDuration(Date.now() - started)} so far): ${phase}`);
	}, 20_000);
	try {
		await run(npmCommand(), ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: N8N_HOME, env });
		// sqlite3 needs its native addon; build it if its install script did not run.
		if (!(await succeeds(N8N_NODE, ['-e', 'require("sqlite3")'], N8N_HOME))) {
			log('  Building sqlite3 for this Node version…');
			await run(npmCommand(), ['rebuild', 'sqlite3'], { cwd: N8N_HOME, env });
		}
		await run(N8N_NODE, [N8N_BIN, '--version'], { cwd: N8N_HOME, stdio: 'ignore' });
	} finally {
		clearInterval(heartbeat);
	}
	writeFileSync(INSTALLED_MARKER, `${new Date().toISOString()}\n`);
	log(`Installed n8n ${N8N_VERSION} in ${formatDuration(Date.now() - started)}.`);
}

// `N8N_VERSION=<version> tsx scripts/n8n-install.ts` installs that line alone (npm run test:all
// installs every line this way, beside the engine tests).
if (require.main === module) {
	ensureN8n().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
