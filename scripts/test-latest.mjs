// The second test leg: the engine test suite on Node 24 with the newest n8n-core and n8n-workflow.
//
//   npm run test:latest                 prepare the leg (cached in .cache/latest/), build if needed, test
//   npm run test:latest -- --refresh    re-resolve the newest versions first and update the pins
//   npm run test:latest -- <jest args>  e.g. -t 'smoke' or test/devrev.test.ts
//   npm run test:latest -- --prepare    install the leg (Node 24 and its packages) and stop there
//
// The same file pins the real n8n of that line ("n8n"), which test:e2e:latest and test:ui:latest run.
//
// The versions are pinned in scripts/latest/versions.json (committed), so every run and every clone
// tests the same thing; --refresh (or a missing file) resolves them again: the newest Node 24, the newest
// n8n-core, and the n8n-workflow, @n8n/di and zod that this n8n-core is published with. The leg's
// node_modules live in .cache/latest/n8n/ and are reused while they match the pins. Jest then runs
// every test/*.test.ts on Node 24 against the same built dist/ and sandbox as the first leg, with
// n8n-core, n8n-workflow, @n8n/di and zod resolved from the leg for the tests, the harness AND the
// built nodes (scripts/latest/resolver.cjs), exactly one copy of each.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureNode24, installInto, NODE_24_HEADERS, VERSIONS_FILE } from './latest/node.mjs';
import { workflowValuesUsed } from './pack-api.mjs';
import { vendorPackageDirs } from './workspace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'latest');
const versionsFile = VERSIONS_FILE;
const legDir = join(cache, 'n8n');
const PACKAGES = ['n8n-core', 'n8n-workflow', '@n8n/di', 'zod'];

const started = Date.now();
const args = process.argv.slice(2);
const refresh = args.includes('--refresh');
const prepareOnly = args.includes('--prepare');
const jestArgs = args.filter((arg) => arg !== '--refresh' && arg !== '--prepare');

function log(message) {
	console.log(`[test:latest] ${message}`);
}

function fail(message) {
	console.error(`[test:latest] ${message}`);
	process.exit(1);
}

function run(command, commandArgs, options = {}) {
	const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
	if (result.error) throw result.error;
	return result.status ?? 1;
}

function npmView(spec, field) {
	const result = spawnSync('npm', ['view', spec, field, '--json'], { encoding: 'utf8' });
	if (result.status !== 0) fail(`npm view ${spec} ${field} failed:\n${result.stderr}`);
	return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
}

function compareVersions(a, b) {
	const [pa, pb] = [a, b].map((v) => v.split(/[.-]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		if (pa[i] === pb[i]) continue;
		if (pa[i] === undefined) return -1;
		if (pb[i] === undefined) return 1;
		return pa[i] < pb[i] ? -1 : 1;
	}
	return 0;
}

/** The newest published version matching a range (or dist-tag). */
function newest(name, range) {
	const found = npmView(`${name}@${range}`, 'version');
	const list = (Array.isArray(found) ? found : [found]).filter((v) => typeof v === 'string' && !v.includes('-'));
	if (list.length === 0) fail(`No published version of ${name}@${range}`);
	return list.sort(compareVersions).at(-1);
}

/** Resolves the newest line: Node 24, n8n-core@latest and what that n8n-core is published with. */
function resolveNewest() {
	log('resolving the newest Node 24 and n8n-core …');
	const core = newest('n8n-core', 'latest');
	const coreDeps = npmView(`n8n-core@${core}`, 'dependencies') ?? {};
	const workflow = newest('n8n-workflow', coreDeps['n8n-workflow']);
	const workflowLatest = newest('n8n-workflow', 'latest');
	if (workflowLatest !== workflow) {
		log(`note: n8n-workflow@latest is ${workflowLatest}, but n8n-core ${core} is built on ${workflow}; using ${workflow} (one copy)`);
	}
	const workflowPeers = npmView(`n8n-workflow@${workflow}`, 'peerDependencies') ?? {};
	const workflowDeps = npmView(`n8n-workflow@${workflow}`, 'dependencies') ?? {};
	const zodRange = workflowPeers.zod ?? workflowDeps.zod;
	if (!zodRange) fail(`n8n-workflow ${workflow} names no zod version`);
	return {
		node: newest('node', '24'),
		'n8n-core': core,
		'n8n-workflow': workflow,
		'@n8n/di': newest('@n8n/di', coreDeps['@n8n/di']),
		zod: newest('zod', zodRange),
	};
}

function readJson(path) {
	return JSON.parse(readFileSync(path, 'utf8'));
}

// 1. The pins.
let pins;
if (!refresh && existsSync(versionsFile)) {
	pins = readJson(versionsFile).versions;
} else {
	const previous = existsSync(versionsFile) ? readJson(versionsFile).versions : undefined;
	// n8n itself (the line test:e2e:latest and test:ui:latest run) is pinned by hand: the newest n8n
	// often does not resolve whole from the registry yet.
	pins = { ...resolveNewest(), ...(previous?.n8n ? { n8n: previous.n8n } : {}) };
	mkdirSync(dirname(versionsFile), { recursive: true });
	writeFileSync(
		versionsFile,
		`${JSON.stringify(
			{
				comment:
					'Pinned newest line: the engine test leg (npm run test:latest; update with: npm run test:latest -- --refresh) and the real n8n that test:e2e:latest and test:ui:latest run (n8n, set by hand)',
				resolved: new Date().toISOString().slice(0, 10),
				versions: pins,
			},
			null,
			'\t',
		)}\n`,
	);
	for (const [name, version] of Object.entries(pins)) {
		if (previous && previous[name] !== version) log(`${name}: ${previous[name]} → ${version}`);
	}
	log(`pinned in ${relative(root, versionsFile)}`);
}
for (const name of ['node', ...PACKAGES]) if (!pins[name]) fail(`${relative(root, versionsFile)} has no "${name}"`);
log(`leg: Node ${pins.node}, n8n-core ${pins['n8n-core']}, n8n-workflow ${pins['n8n-workflow']}, @n8n/di ${pins['@n8n/di']}, zod ${pins.zod}`);

// 2. Node 24 (npm's "node" package brings the binary and its headers).
let node24;
try {
	node24 = ensureNode24(pins.node, log);
} catch (error) {
	fail(error.message);
}
const legEnv = {
	...process.env,
	PATH: `${dirname(node24)}${delimiter}${process.env.PATH}`,
	// Native add-ons (isolated-vm, ssh2's optional parts) must build against Node 24's headers.
	npm_config_nodedir: NODE_24_HEADERS,
};

// 3. n8n-core, n8n-workflow, @n8n/di and zod, installed by Node 24.
const stampFile = join(legDir, 'leg.json');
const wanted = JSON.stringify({ node: pins.node, ...Object.fromEntries(PACKAGES.map((name) => [name, pins[name]])) });
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== wanted) {
	log(`installing ${PACKAGES.map((name) => `${name}@${pins[name]}`).join(' ')} into ${relative(root, legDir)} (about a minute) …`);
	try {
		installInto(legDir, { name: 'latest-leg', private: true }, PACKAGES.map((name) => `${name}@${pins[name]}`), legEnv);
	} catch (error) {
		fail(error.message);
	}
	writeFileSync(stampFile, wanted);
} else {
	log(`reusing ${relative(root, legDir)}`);
}

// 4. Exactly one copy of n8n-workflow, n8n-core and @n8n/di in the leg, and the zod the pack gets is
//    the one n8n-workflow uses.
function findCopies(dir, name, found = []) {
	if (!existsSync(dir)) return found;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (!entry.isDirectory()) continue;
		const path = join(dir, entry.name);
		if (entry.name.startsWith('@')) {
			findCopies(path, name, found);
			continue;
		}
		const manifest = join(path, 'package.json');
		if (existsSync(manifest) && readJson(manifest).name === name) found.push(path);
		findCopies(join(path, 'node_modules'), name, found);
	}
	return found;
}
const layoutProblems = [];
for (const name of PACKAGES) {
	const top = join(legDir, 'node_modules', name);
	if (!existsSync(join(top, 'package.json')) || readJson(join(top, 'package.json')).version !== pins[name]) {
		layoutProblems.push(`${name} ${pins[name]} is not at the top of ${relative(root, legDir)}/node_modules`);
	}
	if (name === 'zod') continue; // other zod copies (nested under unrelated packages) never meet the pack
	const copies = findCopies(join(legDir, 'node_modules'), name);
	if (copies.length !== 1) layoutProblems.push(`${copies.length} copies of ${name}: ${copies.map((c) => relative(root, c)).join(', ')}`);
}
const zodCheck = spawnSync(
	node24,
	[
		'-e',
		`const path = require('node:path');
		 const fromWorkflow = require.resolve('zod', { paths: [path.dirname(require.resolve('n8n-workflow'))] });
		 const fromPack = require.resolve('zod', { paths: [process.cwd()] });
		 if (fromWorkflow !== fromPack) { console.log(fromWorkflow + ' != ' + fromPack); process.exit(1); }`,
	],
	{ cwd: legDir, encoding: 'utf8' },
);
if (zodCheck.status !== 0) layoutProblems.push(`n8n-workflow and the pack would load different zod copies: ${zodCheck.stdout}${zodCheck.stderr}`);
if (layoutProblems.length) {
	fail(`the leg's install is not usable (delete ${relative(root, legDir)} and rerun):\n  ${layoutProblems.join('\n  ')}`);
}
if (prepareOnly) {
	log(`prepared in ${((Date.now() - started) / 1000).toFixed(1)}s`);
	process.exit(0);
}

// 5. The built packages (the same dist/ folders as the first leg); built only when one is missing or
//    older than the sources (a rebuild under another leg's running tests would pull files from under it).
function newestMtime(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}
function oldestMtime(path) {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.min(Infinity, ...readdirSync(path).map((entry) => oldestMtime(join(path, entry))));
}
const packageDirs = vendorPackageDirs().map((dir) => join(root, dir));
const sources = [
	...packageDirs.flatMap((dir) => ['nodes', 'credentials', 'icons', 'package.json'].map((part) => join(dir, part))),
	join(root, 'packages', 'engine', 'src'),
	join(root, 'scripts', 'build.mjs'),
];
const dists = packageDirs.map((dir) => join(dir, 'dist'));
// Infinity when a dist/ is empty
const builtAt = Math.min(...dists.map((dist) => (existsSync(dist) ? oldestMtime(dist) : 0)));
if (!Number.isFinite(builtAt) || Math.max(...sources.map(newestMtime)) > builtAt) {
	log('building the packages (a dist/ is missing or older than its sources) …');
	if (run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root }) !== 0) fail('build failed');
} else {
	log('every dist/ is up to date');
}

// 6. Every n8n-workflow value the built pack uses exists in the leg's n8n-workflow (catches removed
//    exports even on code paths the tests do not reach, e.g. retries and pacing).
const used = workflowValuesUsed(dists);
const listing = spawnSync(node24, ['-e', 'console.log(JSON.stringify(Object.keys(require("n8n-workflow"))))'], {
	cwd: legDir,
	encoding: 'utf8',
	env: { ...legEnv, N8N_LOG_LEVEL: 'silent' },
});
if (listing.status !== 0) fail(`cannot load the leg's n8n-workflow on Node ${pins.node}:\n${listing.stderr}`);
const exported = JSON.parse(listing.stdout.trim().split('\n').at(-1));
const missing = [...used.keys()].filter((name) => !exported.includes(name));
for (const name of missing) {
	console.error(`[test:latest] n8n-workflow ${pins['n8n-workflow']} does not export "${name}", used by ${[...used.get(name)].join(', ')}`);
}
log(`API check: the packages use ${used.size} n8n-workflow exports, ${missing.length} missing on this line`);

// 7. Type-check the shipped code (nodes/, credentials/) against the leg's type definitions. (Tests and
//    harness are type-checked on the first leg; on this one they are run.)
const legModules = relative(cache, join(legDir, 'node_modules')).split('\\').join('/');
const tsconfig = {
	extends: '../../tsconfig.json',
	compilerOptions: {
		noEmit: true,
		paths: Object.fromEntries(
			PACKAGES.flatMap((name) => [
				[name, [`./${legModules}/${name}`]],
				[`${name}/*`, [`./${legModules}/${name}/*`]],
			]),
		),
	},
	include: ['../../packages/*/credentials/**/*.ts', '../../packages/*/nodes/**/*.ts', '../../packages/engine/src/**/*.ts'],
};
writeFileSync(join(cache, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, '\t')}\n`);
log(`type-checking the packages' sources against n8n-workflow ${pins['n8n-workflow']} types …`);
const typecheck = run(node24, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(cache, 'tsconfig.json')], {
	cwd: root,
});

// 8. The engine test suite on Node 24.
log(`running the engine tests on Node ${pins.node} …`);
const jest = run(node24, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', join(root, 'jest.latest.config.js'), ...jestArgs], {
	cwd: root,
	env: { ...legEnv, LATEST_LEG_DIR: legDir, LATEST_LEG_VERSIONS: JSON.stringify(pins) },
});

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const results = [
	['API check', missing.length === 0],
	['type-check', typecheck === 0],
	['tests', jest === 0],
];
log(
	`Node ${pins.node} + n8n-core ${pins['n8n-core']} + n8n-workflow ${pins['n8n-workflow']} (zod ${pins.zod}): ` +
		`${results.map(([step, ok]) => `${step} ${ok ? 'ok' : 'FAILED'}`).join(', ')} in ${seconds}s`,
);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
