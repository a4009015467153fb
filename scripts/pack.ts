/** This pack as n8n gets it: compiled, packed as `npm publish` would, and installed as a community package. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { npmCommand, run } from './processes';
import { PACKAGE_NAME, type PackageJson, ROOT } from './project';

/** Compiles the pack into dist/. */
export async function buildPack(): Promise<void> {
	await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
}

/** Packs the pack (as `npm publish` would) into `.cache/pack/` and returns the tarball's path. */
export async function packPack(): Promise<string> {
	const destination = join(ROOT, '.cache', 'pack');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	await run(npmCommand(), ['pack', '--silent', '--pack-destination', destination], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack did not produce a tarball');
	return join(destination, tarball);
}

/**
 * Installs a packed tarball the way n8n installs a community package: unpacked into
 * `<userFolder>/.n8n/nodes/node_modules/<name>` with dev, peer and optional dependencies stripped
 * from its package.json, and listed in `.n8n/nodes/package.json`. The pack has no runtime
 * dependencies, so n8n's `npm install` in the package folder would install nothing; it runs only
 * if some appear.
 */
export async function installPack(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const packageJsonPath = join(packageDir, 'package.json');
	const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as PackageJson;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(packageJsonPath, JSON.stringify(manifest, null, 2));
	const missing = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(file) => !existsSync(join(packageDir, file)),
	);
	if (missing.length > 0) {
		throw new Error(`The packed package lacks ${missing.join(', ')}: was dist/ rebuilt while packing? Build and try again.`);
	}
	if (Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {}).length > 0) {
		await run(npmCommand(), ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: packageDir });
	}
	const listPath = join(nodesDir, 'package.json');
	const list = existsSync(listPath)
		? (JSON.parse(readFileSync(listPath, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [PACKAGE_NAME]: manifest.version };
	writeFileSync(listPath, JSON.stringify(list, null, 2));
}
