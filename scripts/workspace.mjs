// The workspace's packages: one npm package per vendor under packages/n8n-nodes-<vendor>/, and the
// shared link engine (packages/engine/, private, bundled into each package by scripts/build.mjs).
// Every package's name comes from SCOPE and its folder; author, homepage, repository, bugs, license
// and engines are set once, in the root package.json. A package's manifest is written from these
// (`node scripts/workspace.mjs --write`) and checked by `npm test` (`node scripts/workspace.mjs`).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The npm scope of every published package: `@record-links/n8n-nodes-<vendor>`. */
export const SCOPE = '@record-links';
/** The shared link engine's workspace name: a devDependency of each package, bundled, never published. */
export const ENGINE_PACKAGE = `${SCOPE}/engine`;

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');
const SHARED_FIELDS = ['author', 'homepage', 'bugs', 'license', 'engines'];

function readJson(path) {
	return JSON.parse(readFileSync(path, 'utf8'));
}

/** The folders (relative to the root) of the published packages, one per vendor. */
export function vendorPackageDirs() {
	return readdirSync(PACKAGES)
		.filter((name) => name.startsWith('n8n-nodes-') && existsSync(join(PACKAGES, name, 'package.json')))
		.sort()
		.map((name) => `packages/${name}`);
}

function filesEndingWith(dir, suffix) {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true })
		.map(String)
		.filter((path) => path.endsWith(suffix))
		.sort();
}

/** A package's manifest as the workspace rules make it: its own description, keywords and version are kept. */
export function expectedManifest(dir) {
	const root = readJson(join(ROOT, 'package.json'));
	const current = readJson(join(ROOT, dir, 'package.json'));
	const folder = dir.split('/').pop();
	const nodes = filesEndingWith(join(ROOT, dir, 'nodes'), '.node.ts').map((path) => `dist/nodes/${path.replace(/\.ts$/, '.js')}`);
	const credentials = filesEndingWith(join(ROOT, dir, 'credentials'), '.credentials.ts').map(
		(path) => `dist/credentials/${path.replace(/\.ts$/, '.js')}`,
	);
	const keywords = ['n8n-community-node-package', ...(current.keywords ?? []).filter((word) => word !== 'n8n-community-node-package')];
	return {
		name: `${SCOPE}/${folder}`,
		version: current.version,
		description: current.description,
		keywords,
		...Object.fromEntries(SHARED_FIELDS.map((field) => [field, root[field]])),
		repository: { ...root.repository, directory: dir },
		files: ['dist', 'CHANGELOG.md'],
		n8n: { n8nNodesApiVersion: 1, strict: true, credentials, nodes },
		peerDependencies: { 'n8n-workflow': '*' },
		devDependencies: { [ENGINE_PACKAGE]: readJson(join(PACKAGES, 'engine', 'package.json')).version },
	};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const write = process.argv.includes('--write');
	let stale = 0;
	for (const dir of vendorPackageDirs()) {
		const path = join(ROOT, dir, 'package.json');
		const expected = `${JSON.stringify(expectedManifest(dir), null, '\t')}\n`;
		if (readFileSync(path, 'utf8') === expected) continue;
		if (write) {
			writeFileSync(path, expected);
			console.log(`wrote ${dir}/package.json`);
		} else {
			stale += 1;
			console.error(`✖ ${dir}/package.json differs from the workspace's rules: run node scripts/workspace.mjs --write`);
		}
	}
	if (stale === 0) console.log(`${vendorPackageDirs().length} package manifests follow the workspace's rules (${SCOPE})`);
	process.exitCode = stale === 0 ? 0 : 1;
}
