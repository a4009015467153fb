/**
 * The five vendor packages as they are published: what `npm pack` puts in each tarball (only that
 * vendor, and only what n8n loads), the fields npm, n8n's listing and its verification read, and the
 * GitHub Actions workflows that test and publish them (linted with actionlint). Needs built packages
 * (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readPackageJson, ROOT } from '../scripts/project';
import { VENDORS } from '../scripts/vendors';

const execFileAsync = promisify(execFile);

/** Size budget of each published tarball (measured at 1.0.0: 28–35 kB packed, 93–126 kB unpacked, 9 files; DevRev, with its trigger, 11). */
const PACKED_BUDGET_BYTES = 40_000;
const UNPACKED_BUDGET_BYTES = 140_000;

const REPOSITORY = 'https://github.com/n8n-nodes-record-links/n8n-nodes-record-links';

/** What a bundle may require at run time: n8n's own n8n-workflow and zod, and Node's crypto. */
const RUNTIME_IMPORTS = ['n8n-workflow', 'node:crypto', 'zod'];

interface PackedFile {
	path: string;
	text: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'record-links-pack-test-'));
const packed = new Map<string, { size: number; unpackedSize: number; files: PackedFile[] }>();

beforeAll(async () => {
	for (const vendor of VENDORS) {
		const destination = join(scratch, vendor.key);
		mkdirSync(join(destination, 'unpacked'), { recursive: true });
		const { stdout } = await execFileAsync('npm', ['pack', '--json', '--silent', '--pack-destination', destination], {
			cwd: join(ROOT, vendor.packageDir),
			maxBuffer: 16 * 1024 * 1024,
		});
		const [result] = JSON.parse(stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
		await execFileAsync('tar', ['-xzf', join(destination, result.filename), '-C', join(destination, 'unpacked'), '--strip-components=1']);
		const files = result.files.map(({ path }) => ({ path, text: readFileSync(join(destination, 'unpacked', path), 'utf8') }));
		packed.set(vendor.key, { size: result.size, unpackedSize: result.unpackedSize, files });
	}
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(VENDORS.map((vendor) => ({ ...vendor, name: vendor.packageName })))('npm pack of $name', (vendor) => {
	const pack = () => packed.get(vendor.key)!;
	const paths = () => pack().files.map((file) => file.path);

	test('holds dist/, README.md, CHANGELOG.md, LICENSE and package.json only, and no sources, tests or maps', () => {
		expect(paths().filter((path) => !path.startsWith('dist/') && !['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json'].includes(path))).toEqual([]);
		expect(paths().filter((path) => /\.(ts|map)$/.test(path))).toEqual([]);
	});

	test('holds only its own vendor: no code, name or icon of the other four', () => {
		const others = VENDORS.filter((other) => other.key !== vendor.key);
		// Every name another vendor goes by: display name, key, node, classes, credential type, package.
		const names = others.flatMap((other) => [other.displayName, other.key, other.node, other.nodeClass, other.credentialClass, other.credentialType, other.packageName]);
		const found = pack().files.flatMap((file) =>
			names.filter((name) => file.path.toLowerCase().includes(name.toLowerCase()) || file.text.toLowerCase().includes(name.toLowerCase())).map((name) => `${file.path}: ${name}`),
		);
		expect(found).toEqual([]);
		expect(pack().files.filter((file) => file.text.includes(vendor.displayName)).length).toBeGreaterThan(3);
	});

	const nodeFiles = [vendor.nodeFile, ...(vendor.triggerFile ? [vendor.triggerFile] : [])].sort();

	test('ships its nodes and credential as bundles that require nothing but what n8n provides', () => {
		const { n8n } = readPackageJson(vendor.packageDir);
		expect({ nodes: n8n?.nodes, credentials: n8n?.credentials }).toEqual({ nodes: nodeFiles, credentials: [vendor.credentialFile] });
		for (const file of [...nodeFiles, vendor.credentialFile]) {
			const text = pack().files.find((packedFile) => packedFile.path === file)?.text ?? '';
			const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))];
			expect({ file, outside: required.filter((module) => !RUNTIME_IMPORTS.includes(module)) }).toEqual({ file, outside: [] });
			expect(text).not.toMatch(/@record-links\/engine/);
		}
		for (const file of nodeFiles) expect(paths()).toContain(file.replace(/\.js$/, '.json'));
	});

	test('ships the icons its nodes and credential name', () => {
		for (const file of [...nodeFiles, vendor.credentialFile]) {
			const text = pack().files.find((packedFile) => packedFile.path === file)!.text;
			const icons = [...text.matchAll(/file:([^'"]+\.svg)/g)].map((match) => join(file, '..', match[1]));
			expect({ file, icons: icons.length }).toEqual({ file, icons: 2 });
			expect(icons.filter((icon) => !paths().includes(icon))).toEqual([]);
		}
	});

	test(`stays within its size budget (${PACKED_BUDGET_BYTES / 1000} kB packed, ${UNPACKED_BUDGET_BYTES / 1000} kB unpacked)`, () => {
		expect(pack().size).toBeLessThanOrEqual(PACKED_BUDGET_BYTES);
		expect(pack().unpackedSize).toBeLessThanOrEqual(UNPACKED_BUDGET_BYTES);
	});
});

describe.each(VENDORS.map((vendor) => ({ ...vendor, name: vendor.packageName })))('package.json of $name', (vendor) => {
	const manifest = readPackageJson(vendor.packageDir);
	const root = readPackageJson();

	test('is named from the workspace scope and its vendor, and found by n8n through its keyword', () => {
		expect(manifest.name).toBe(`@record-links/n8n-nodes-${vendor.key}`);
		expect(manifest.keywords).toContain('n8n-community-node-package');
	});

	test('has the workspace\'s author, homepage, bugs and license, and its own folder as the repository directory', () => {
		expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: vendor.packageDir });
		expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` });
		expect(manifest.homepage).toBe(`${REPOSITORY}#readme`);
		for (const field of ['author', 'homepage', 'bugs', 'license', 'engines']) expect({ field, value: manifest[field] }).toEqual({ field, value: root[field] });
	});

	test('is strict, has no runtime dependencies, only n8n-workflow as a peer', () => {
		expect((manifest.n8n as { strict?: boolean } | undefined)?.strict).toBe(true);
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	test('its version has a section in its CHANGELOG', () => {
		const changelog = readFileSync(join(ROOT, vendor.packageDir, 'CHANGELOG.md'), 'utf8');
		expect([...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1])).toContain(manifest.version);
	});
});

test('every package manifest follows the workspace\'s rules (scripts/workspace.mjs), and a changed one fails them', async () => {
	const check = async (root: string) => await execFileAsync(process.execPath, [join(root, 'scripts', 'workspace.mjs')], { cwd: root });
	await expect(check(ROOT)).resolves.toBeDefined();
	// The same check on a copy of the workspace with one name changed (the checkout stays as it is).
	const copy = join(scratch, 'workspace');
	mkdirSync(join(copy, 'scripts'), { recursive: true });
	cpSync(join(ROOT, 'scripts', 'workspace.mjs'), join(copy, 'scripts', 'workspace.mjs'));
	cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
	cpSync(join(ROOT, 'packages'), join(copy, 'packages'), { recursive: true, filter: (source) => !/\/(dist|node_modules)$/.test(source) });
	await expect(check(copy)).resolves.toBeDefined();
	const path = join(copy, VENDORS[0].packageDir, 'package.json');
	writeFileSync(path, readFileSync(path, 'utf8').replace(/"name": "[^"]+"/, '"name": "n8n-nodes-record-links"'));
	await expect(check(copy)).rejects.toMatchObject({ code: 1 });
});

test('the workspace root is private, and every vendor package is in it', () => {
	const root = readPackageJson();
	expect(root.private).toBe(true);
	expect(root.workspaces).toEqual(['packages/*']);
	expect(readdirSync(join(ROOT, 'packages')).filter((name) => name.startsWith('n8n-nodes-')).sort()).toEqual(
		VENDORS.map((vendor) => vendor.packageDir.split('/').pop()).sort(),
	);
});

test('the root CHANGELOG begins with an Unreleased section', () => {
	const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
	expect([...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1])[0]).toBe('Unreleased');
});

describe('GitHub Actions workflows', () => {
	const actionlint = join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');

	async function lint(cwd: string): Promise<{ code: number; output: string }> {
		try {
			const { stdout, stderr } = await execFileAsync(process.execPath, [actionlint], { cwd });
			return { code: 0, output: stdout + stderr };
		} catch (error) {
			const failed = error as { code: number; stdout: string; stderr: string };
			return { code: failed.code, output: failed.stdout + failed.stderr };
		}
	}

	test('ci.yml and publish.yml pass actionlint', async () => {
		const result = await lint(ROOT);
		expect(result.output).toContain('Checking 2 workflow file(s)');
		expect(result).toEqual({ code: 0, output: expect.stringContaining('All workflow files passed') });
	}, 60_000);

	test('actionlint fails a broken workflow', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'record-links-actionlint-'));
		try {
			mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
			const publish = readFileSync(join(ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
			// A misspelt permission value: the OIDC token would be refused.
			writeFileSync(join(dir, '.github', 'workflows', 'publish.yml'), publish.replace('id-token: write', 'id-token: writ'));
			const result = await lint(dir);
			expect(result.code).toBe(1);
			expect(result.output).toContain('"writ" is invalid for permission of scope "id-token"');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 60_000);

	test('publish.yml publishes each changed package with provenance through OIDC', () => {
		const publish = readFileSync(join(ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
		expect(publish).toMatch(/^ {4}paths: \['packages\/n8n-nodes-\*\/package\.json'\]$/m);
		expect(publish).toMatch(/^ {6}id-token: write$/m);
		expect(publish).toMatch(/^ {6}contents: read$/m);
		expect(publish).toMatch(/^ {8}run: node scripts\/release\.mjs >> "\$GITHUB_OUTPUT"$/m);
		expect(publish).toMatch(/^ {12}\(cd "\$dir" && npm publish --provenance --access public\)$/m);
		expect(publish).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
	});

	test('the release check refuses to guess when the registry cannot be asked', async () => {
		const release = execFileAsync(process.execPath, [join(ROOT, 'scripts', 'release.mjs')], {
			cwd: ROOT,
			env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_offline: 'false' },
		});
		await expect(release).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Could not ask the registry about @record-links/n8n-nodes-') });
	}, 60_000);
});
