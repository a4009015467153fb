// n8n's community-package scan, offline: the analyzer of @n8n/scan-community-package (the code n8n's
// verification runs) on each vendor package's source folder and on its packed tarball, as its CLI
// does for a published package (which it must download, with its provenance, from npm: not possible
// before a release). The source leg is the folder the scanner finds for the package name in the
// attested commit (`findPackageRoot`): packages/n8n-nodes-<vendor>/. Prints the rules each leg runs;
// fails on any finding. Needs built packages (`npm run build`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT, vendorPackageDirs } from './workspace.mjs';

const work = mkdtempSync(join(tmpdir(), 'record-links-scan-'));
// The scanner makes a temp folder when it is loaded and never removes it: make it inside ours.
process.env.TMPDIR = work;
const { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
const { ESLint } = await import('eslint');

// The tarball leg's patterns, as the scanner's analyzePackageByName uses them.
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** The rules the scan config turns on for a file, counted by plugin. */
async function rulesFor(cwd, file) {
	const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const config = await eslint.calculateConfigForFile(join(cwd, file));
	const active = Object.entries(config.rules ?? {}).filter(([, setting]) => {
		const level = Array.isArray(setting) ? setting[0] : setting;
		return level !== 0 && level !== 'off';
	});
	const byPlugin = {};
	for (const [name] of active) {
		const plugin = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : 'eslint';
		byPlugin[plugin] = (byPlugin[plugin] ?? 0) + 1;
	}
	return { total: active.length, byPlugin };
}

function describe(rules) {
	const parts = Object.entries(rules.byPlugin)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([plugin, count]) => `${plugin} ${count}`);
	return `${rules.total} rules (${parts.join(', ')})`;
}

async function scan(label, dir, patterns, samples) {
	const started = Date.now();
	const result = await analyzePackage(dir, patterns);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	for (const [kind, file] of samples) console.log(`  ${label}, ${kind} (${file}): ${describe(await rulesFor(dir, file))}`);
	if (!result.passed || result.message) {
		// "No files found to analyze" passes in the scanner; here it means the scan saw nothing.
		console.error(`✖ ${label}: ${result.message ?? 'failed'} (${seconds} s)`);
		if (result.details) console.error(result.details);
		return false;
	}
	console.log(`✔ ${label}: no findings (${seconds} s)`);
	return true;
}

/** The scan must be able to fail: a node parameter without a default is a finding. */
async function canaryFails() {
	const canary = join(work, 'canary');
	mkdirSync(join(canary, 'nodes', 'Canary'), { recursive: true });
	writeFileSync(
		join(canary, 'nodes', 'Canary', 'Canary.node.ts'),
		"export const properties = [{ displayName: 'Record ID', name: 'recordId', type: 'string' }];\n",
	);
	const result = await analyzePackage(canary, SOURCE_FILE_PATTERNS);
	return !result.passed && /n8n-nodes-base\/node-param-default-missing/.test(result.details ?? '');
}

/** Scans one package: its source folder, then its tarball as `npm pack` makes it. */
async function scanPackage(dir) {
	const packageDir = join(ROOT, dir);
	const name = dir.split('/').pop();
	const pack = join(work, name, 'pack');
	const unpacked = join(work, name, 'package');
	mkdirSync(pack, { recursive: true });
	mkdirSync(unpacked, { recursive: true });
	execFileSync('npm', ['pack', '--silent', '--pack-destination', pack], { cwd: packageDir, stdio: ['ignore', 'ignore', 'inherit'] });
	const [tarball] = readdirSync(pack);
	execFileSync('tar', ['-xzf', join(pack, tarball), '-C', unpacked, '--strip-components=1']);
	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const [node] = manifest.n8n.nodes;
	const [credential] = manifest.n8n.credentials;
	console.log(`${manifest.name} (${tarball}):`);
	const sourcePassed = await scan('source', packageDir, SOURCE_FILE_PATTERNS, [
		['package.json', 'package.json'],
		['node', node.replace(/^dist\//, '').replace(/\.js$/, '.ts')],
		['credential', credential.replace(/^dist\//, '').replace(/\.js$/, '.ts')],
	]);
	const tarballPassed = await scan('tarball', unpacked, TARBALL_FILE_PATTERNS, [
		['package.json', 'package.json'],
		['node', node],
	]);
	return sourcePassed && tarballPassed;
}

try {
	if (!(await canaryFails())) throw new Error('The scanner did not report a parameter without a default: are its rules loaded?');
	console.log('n8n community-package scan (@n8n/scan-community-package analyzer), each package on its source and its tarball:');
	let passed = true;
	// One at a time: each leg is an ESLint run on both cores.
	for (const dir of vendorPackageDirs()) passed = (await scanPackage(dir)) && passed;
	process.exitCode = passed ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
