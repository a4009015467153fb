// Builds each vendor package into its own dist/: every node and credential is one CommonJS file with
// the shared link engine bundled in, so a published package imports nothing of ours from outside
// itself. n8n-workflow (the peer dependency) and zod (n8n-workflow's own dependency, on n8n's
// resolution path at run time) stay imports, the only ones a bundle may keep. Icons and codex files
// are copied beside the code, as n8n loads them.
//   node scripts/build.mjs [packages/n8n-nodes-<vendor> ...]   (default: every vendor package)
//
// n8n's own `n8n-node build` is `tsc` plus a copy of icons: it compiles each file on its own and would
// leave `require('@record-links/engine')` in the output, a package that is never published. Type
// checking is `npm run typecheck`; esbuild only strips types and bundles.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

import { ROOT, vendorPackageDirs } from './workspace.mjs';

/** What a bundle may import at run time: what n8n provides to every community package. */
const RUNTIME_IMPORTS = ['n8n-workflow', 'zod'];

async function buildPackage(dir) {
	const packageDir = join(ROOT, dir);
	const dist = join(packageDir, 'dist');
	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
	rmSync(dist, { recursive: true, force: true });
	await build({
		absWorkingDir: packageDir,
		entryPoints: entries.map((file) => ({ in: file.replace(/^dist\//, '').replace(/\.js$/, '.ts'), out: file.replace(/^dist\//, '').replace(/\.js$/, '') })),
		outdir: dist,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: RUNTIME_IMPORTS,
		// Class names are what n8n loads a node and a credential by.
		keepNames: true,
		legalComments: 'none',
		logLevel: 'warning',
	});
	cpSync(join(packageDir, 'icons'), join(dist, 'icons'), { recursive: true });
	for (const file of manifest.n8n.nodes) {
		const codex = file.replace(/^dist\//, '').replace(/\.js$/, '.json');
		mkdirSync(dirname(join(dist, codex)), { recursive: true });
		cpSync(join(packageDir, codex), join(dist, codex));
	}
	return entries.length;
}

const requested = process.argv.slice(2).map((dir) => dir.replace(/\/$/, ''));
const dirs = requested.length > 0 ? requested : vendorPackageDirs();
const unknown = dirs.filter((dir) => !vendorPackageDirs().includes(dir));
if (unknown.length > 0) {
	console.error(`Not a vendor package: ${unknown.join(', ')} (one of ${vendorPackageDirs().join(', ')})`);
	process.exit(2);
}
try {
	const counts = await Promise.all(dirs.map(buildPackage));
	console.log(`built ${dirs.length} packages (${counts.reduce((sum, count) => sum + count, 0)} bundles): ${dirs.map((dir) => readdirSync(join(ROOT, dir, 'dist')).length && dir.split('/').pop()).join(', ')}`);
} catch {
	process.exit(1); // esbuild has printed the errors
}
