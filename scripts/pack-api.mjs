// Which n8n-workflow values the built packages (each one's dist/) use, and whether a given
// n8n-workflow exports them all: catches an export missing on another n8n line even on code paths
// tests do not reach (retries, pacing). Used by the newest-line leg (test-latest.mjs) and, as a command, by the e2e
// tests for the n8n they run:
//   node scripts/pack-api.mjs <folder that resolves n8n-workflow>   (exit code 1 when one is missing)
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ROOT as root, vendorPackageDirs } from './workspace.mjs';

function jsFiles(dir, found = []) {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) jsFiles(path, found);
		else if (entry.name.endsWith('.js')) found.push(path);
	}
	return found;
}

/** The n8n-workflow values the packages' dist/ folders use: name → the files that use it. */
export function workflowValuesUsed(dists = vendorPackageDirs().map((dir) => join(root, dir, 'dist'))) {
	const used = new Map();
	for (const file of dists.flatMap((dist) => jsFiles(dist))) {
		const text = readFileSync(file, 'utf8');
		// esbuild names the module of each import (`var import_n8n_workflow = require("n8n-workflow");`).
		for (const [, binding] of text.matchAll(/(?:const|var|let) (\w+) = require\("n8n-workflow"\);/g)) {
			for (const [, name] of text.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, 'g'))) {
				if (!used.has(name)) used.set(name, new Set());
				used.get(name).add(relative(root, file));
			}
		}
	}
	return used;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const from = process.argv[2];
	if (!from) {
		console.error('usage: node scripts/pack-api.mjs <folder that resolves n8n-workflow>');
		process.exit(2);
	}
	const require = createRequire(join(resolve(from), 'noop.js'));
	const workflowPath = require.resolve('n8n-workflow');
	const exported = Object.keys(require(workflowPath));
	const version = JSON.parse(readFileSync(join(dirname(require.resolve('n8n-workflow/package.json')), 'package.json'), 'utf8')).version;
	const used = workflowValuesUsed();
	const missing = [...used.keys()].filter((name) => !exported.includes(name));
	for (const name of missing) console.error(`n8n-workflow ${version} does not export "${name}", used by ${[...used.get(name)].join(', ')}`);
	console.log(`n8n-workflow ${version}: the packages use ${used.size} exports, ${missing.length} missing`);
	process.exit(missing.length === 0 ? 0 : 1);
}
