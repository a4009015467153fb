/**
 * The vendor packages as n8n gets them: built, packed as `npm publish` would, and installed as
 * community packages.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { npmCommand, run } from './processes';
import { type PackageJson, ROOT } from './project';
import { VENDORS } from './vendors';

/** Builds every vendor package into its dist/. */
export async function buildPackages(): Promise<void> {
	await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
}

/** Packs every vendor package (as `npm publish` would) into `.cache/pack/` and returns that folder. */
export async function packPackages(): Promise<string> {
	const destination = join(ROOT, '.cache', 'pack');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	await Promise.all(
		VENDORS.map(async (vendor) => {
			await run(npmCommand(), ['pack', '--silent', '--pack-destination', destination], {
				cwd: join(ROOT, vendor.packageDir),
				stdio: ['ignore', 'ignore', 'inherit'],
			});
		}),
	);
	const tarballs = packedTarballs(destination);
	if (tarballs.length !== VENDORS.length) throw new Error(`npm pack made ${tarballs.length} tarballs for ${VENDORS.length} packages`);
	return destination;
}

/**
 * The tarballs in a folder that `packPackages()` filled: by default the one `npm run test:all` (or
 * the e2e setup) packed, named by RECORD_LINKS_PACKAGES_DIR.
 */
export function packedTarballs(folder = process.env.RECORD_LINKS_PACKAGES_DIR): string[] {
	if (!folder) throw new Error('RECORD_LINKS_PACKAGES_DIR is not set: pack the packages first (packPackages)');
	return readdirSync(folder)
		.filter((name) => name.endsWith('.tgz'))
		.sort()
		.map((name) => join(folder, name));
}

/** The packed tarball of one vendor's package (`@record-links/n8n-nodes-devrev` → record-links-n8n-nodes-devrev-<version>.tgz). */
export function packedTarballOf(packageName: string, folder?: string): string {
	const prefix = `${packageName.replace(/^@/, '').replace('/', '-')}-`;
	const tarball = packedTarballs(folder).find((path) => path.split('/').pop()!.startsWith(prefix));
	if (!tarball) throw new Error(`No packed tarball of ${packageName}`);
	return tarball;
}

/**
 * Installs a packed tarball the way n8n installs a community package: unpacked into
 * `<userFolder>/.n8n/nodes/node_modules/<name>` with dev, peer and optional dependencies stripped
 * from its package.json, and listed in `.n8n/nodes/package.json`. A package has no runtime
 * dependencies, so n8n's `npm install` in the package folder would install nothing; it runs only
 * if some appear. Returns the package's name.
 */
export async function installPackage(userFolder: string, tarball: string): Promise<string> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const unpacked = join(nodesDir, '.unpacking');
	rmSync(unpacked, { recursive: true, force: true });
	mkdirSync(unpacked, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as PackageJson;
	const packageDir = join(nodesDir, 'node_modules', manifest.name);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(join(packageDir, '..'), { recursive: true });
	await run('mv', [unpacked, packageDir]);
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(join(packageDir, 'package.json'), JSON.stringify(manifest, null, 2));
	const missing = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(file) => !existsSync(join(packageDir, file)),
	);
	if (missing.length > 0) {
		throw new Error(`The packed ${manifest.name} lacks ${missing.join(', ')}: was dist/ rebuilt while packing? Build and try again.`);
	}
	if (Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {}).length > 0) {
		await run(npmCommand(), ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: packageDir });
	}
	const listPath = join(nodesDir, 'package.json');
	const list = existsSync(listPath)
		? (JSON.parse(readFileSync(listPath, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [manifest.name]: manifest.version };
	writeFileSync(listPath, JSON.stringify(list, null, 2));
	return manifest.name;
}

/** Installs every packed vendor package (by default RECORD_LINKS_PACKAGES_DIR's) into n8n's user folder. */
export async function installPackages(userFolder: string, folder?: string): Promise<string[]> {
	const names: string[] = [];
	for (const tarball of packedTarballs(folder)) names.push(await installPackage(userFolder, tarball));
	return names;
}
