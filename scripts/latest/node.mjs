// Node 24, from npm's "node" package (the binary and its headers), at the version that
// scripts/latest/versions.json pins, installed into .cache/latest/node/. test:latest runs the engine
// tests on it, and the n8n installer runs the n8n lines that need Node 24 on it.
//
//   node scripts/latest/node.mjs    installs it when missing, then prints the binary's path
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VERSIONS_FILE = join(root, 'scripts', 'latest', 'versions.json');
const nodeDir = join(root, '.cache', 'latest', 'node');
export const NODE_24_BIN = join(nodeDir, 'node_modules', 'node', 'bin', 'node');
/** Native add-ons built for Node 24 (sqlite3, isolated-vm) need these headers as npm's `nodedir`. */
export const NODE_24_HEADERS = join(nodeDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);

/**
 * Installs packages into a staging folder and moves it into place only when complete, so that a
 * broken install never looks ready.
 */
export function installInto(target, packageJson, specs, env = process.env) {
	const staging = `${target}.staging-${process.pid}`;
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	writeFileSync(join(staging, 'package.json'), `${JSON.stringify(packageJson, null, '\t')}\n`);
	const result = spawnSync('npm', ['install', '--save-exact', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
		cwd: staging,
		env,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	if (result.status !== 0) {
		rmSync(staging, { recursive: true, force: true });
		throw new Error(`npm install ${specs.join(' ')} failed`);
	}
	rmSync(target, { recursive: true, force: true });
	renameSync(staging, target);
}

function installedVersion() {
	if (!existsSync(NODE_24_BIN)) return undefined;
	const result = spawnSync(NODE_24_BIN, ['-v'], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim().replace(/^v/, '') : undefined;
}

/** Installs the pinned Node 24 unless it is there already; returns its binary's path. */
export function ensureNode24(version, log = console.error) {
	if (installedVersion() === version) return NODE_24_BIN;
	log(`installing Node ${version} into .cache/latest/node …`);
	installInto(nodeDir, { name: 'latest-leg-node', private: true }, [`node@${version}`]);
	const installed = installedVersion();
	if (installed !== version) throw new Error(`Node ${version} did not install (got ${installed ?? 'nothing'})`);
	return NODE_24_BIN;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const { versions } = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8'));
	console.log(ensureNode24(versions.node));
}
