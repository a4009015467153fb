/**
 * A local npm registry for the end-to-end tests: Verdaccio on loopback, with its storage in a temp
 * folder and no uplink (it serves only what the tests publish, and never reaches the internet).
 * Verdaccio is installed into .cache/verdaccio from test/e2e/registry/ (its own package.json and
 * lockfile: it needs an npm `overrides` entry, which a community package's own package.json must
 * not have).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { hashOf } from '../../scripts/examples';
import { type Log, run, stopGroup } from '../../scripts/processes';
import { ROOT } from '../../scripts/project';

const SOURCE_DIR = join(ROOT, 'test', 'e2e', 'registry');
const INSTALL_DIR = join(ROOT, '.cache', 'verdaccio');
const VERDACCIO_BIN = join(INSTALL_DIR, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
/** Holds the hash of the lockfile it was installed from. */
const INSTALLED_MARKER = join(INSTALL_DIR, '.installed');

/** Installs Verdaccio into .cache/verdaccio unless that install matches test/e2e/registry's lockfile. */
export async function ensureVerdaccio(log: Log): Promise<void> {
	const lockHash = hashOf(readFileSync(join(SOURCE_DIR, 'package-lock.json'), 'utf8'));
	if (existsSync(VERDACCIO_BIN) && existsSync(INSTALLED_MARKER) && readFileSync(INSTALLED_MARKER, 'utf8').trim() === lockHash) return;
	log(`[e2e] Installing Verdaccio (the local registry) into ${INSTALL_DIR}…`);
	rmSync(INSTALL_DIR, { recursive: true, force: true });
	mkdirSync(INSTALL_DIR, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(SOURCE_DIR, file), join(INSTALL_DIR, file));
	await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: INSTALL_DIR });
	writeFileSync(INSTALLED_MARKER, `${lockHash}\n`);
}

export interface LocalRegistry {
	/** The registry's address, e.g. http://127.0.0.1:4873 (no trailing slash). */
	url: string;
	/** Publishes a packed tarball or an unpacked package folder (its own dist-tag, default `latest`). */
	publish(packageSpec: string, tag?: string): Promise<void>;
	/** An npm cache of its own, so that nothing from this registry lands in the user's npm cache. */
	npmCache: string;
	stop(): Promise<void>;
}

/** Starts Verdaccio on `port` (127.0.0.1) and adds a user to publish with. */
export async function startRegistry(port: number): Promise<LocalRegistry> {
	const dir = mkdtempSync(join(tmpdir(), 'record-links-registry-'));
	const url = `http://127.0.0.1:${port}`;
	const config = join(dir, 'config.yaml');
	writeFileSync(
		config,
		[
			`storage: ${JSON.stringify(join(dir, 'storage'))}`,
			'auth:',
			'  htpasswd:',
			`    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
			'    max_users: 1',
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'    unpublish: $authenticated',
			'web:',
			'  enable: false',
			'middlewares:',
			'  audit:',
			'    enabled: false',
			'log: { type: stdout, format: pretty, level: warn }',
			'',
		].join('\n'),
	);
	const logFile = createWriteStream(join(dir, 'verdaccio.log'));
	const child = spawn(process.execPath, [VERDACCIO_BIN, '--config', config, '--listen', `127.0.0.1:${port}`], {
		cwd: dir,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout?.pipe(logFile);
	child.stderr?.pipe(logFile);
	const stop = async () => {
		await stopGroup(child, 5_000);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForRegistry(url, child, () => readFileSync(join(dir, 'verdaccio.log'), 'utf8'));
		const npmrc = join(dir, 'npmrc');
		writeFileSync(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${await addUser(url)}\n`);
		const npmCache = join(dir, 'npm-cache');
		return {
			url,
			npmCache,
			async publish(packageSpec, tag = 'latest') {
				// From the temp folder, so that no project .npmrc applies; scripts never run.
				await run(
					'npm',
					['publish', packageSpec, '--tag', tag, '--ignore-scripts', '--userconfig', npmrc, '--registry', `${url}/`, '--cache', npmCache, '--loglevel=warn'],
					{ cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
				);
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

async function waitForRegistry(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Verdaccio exited before it was ready:\n${log()}`);
		try {
			if ((await fetch(`${url}/-/ping`)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`Verdaccio was not ready within ${timeoutMs / 1000}s:\n${log()}`);
}

/** Adds the publishing user as `npm adduser` does; returns its token. */
async function addUser(url: string): Promise<string> {
	const name = 'e2e-publisher';
	const response = await fetch(`${url}/-/user/org.couchdb.user:${name}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'e2e-publisher-password', email: 'e2e@example.invalid' }),
	});
	const body = (await response.json()) as { token?: string; error?: string };
	if (!response.ok || !body.token) throw new Error(`Could not add a registry user: ${response.status} ${body.error ?? ''}`);
	return body.token;
}
