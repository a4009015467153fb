/**
 * The package as it is published: what `npm pack` puts in the tarball (and its size), the fields
 * npm and n8n's listing read, and the GitHub Actions workflows that test and publish it (linted
 * with actionlint). Needs a built dist/ (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readPackageJson, ROOT } from '../scripts/project';

const execFileAsync = promisify(execFile);

/** Size budget of the published tarball (measured at 1.0.0: 92 kB packed, 373 kB unpacked, 138 files). */
const PACKED_BUDGET_BYTES = 160_000;
const UNPACKED_BUDGET_BYTES = 640_000;

const REPOSITORY = 'https://github.com/n8n-nodes-record-links/n8n-nodes-record-links';

interface PackResult {
	size: number;
	unpackedSize: number;
	files: Array<{ path: string; size: number }>;
}

let pack: PackResult;

beforeAll(async () => {
	const { stdout } = await execFileAsync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
	[pack] = JSON.parse(stdout) as PackResult[];
}, 60_000);

describe('npm pack', () => {
	test('holds dist/, README.md, LICENSE and package.json only', () => {
		const outside = pack.files
			.map((file) => file.path)
			.filter((path) => !path.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(path));
		expect(outside).toEqual([]);
	});

	test('ships no tests, sandbox, scripts or TypeScript sources (declarations only)', () => {
		const paths = pack.files.map((file) => file.path);
		expect(paths.filter((path) => /(^|\/)(test|sandbox|scripts|bench|examples)\//.test(path))).toEqual([]);
		expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
		// Source maps only of the shipped code, next to its JavaScript.
		const maps = paths.filter((path) => path.endsWith('.map'));
		expect(maps.filter((map) => !paths.includes(map.replace(/\.map$/, '')))).toEqual([]);
	});

	test('ships every node and credential n8n loads, with their icons and codex files', () => {
		const paths = new Set(pack.files.map((file) => file.path));
		const { n8n } = readPackageJson();
		const declared = [...(n8n?.nodes ?? []), ...(n8n?.credentials ?? [])];
		expect(declared.length).toBeGreaterThan(0);
		expect(declared.filter((file) => !paths.has(file))).toEqual([]);
		const codex = (n8n?.nodes ?? []).map((file) => file.replace(/\.js$/, '.json'));
		expect(codex.filter((file) => !paths.has(file))).toEqual([]);
		for (const file of declared) {
			const source = readFileSync(join(ROOT, file), 'utf8');
			const icons = [...source.matchAll(/file:([^'"]+\.svg)/g)].map((match) => join(file, '..', match[1]));
			expect({ file, icons: icons.length > 0 }).toEqual({ file, icons: true });
			expect(icons.filter((icon) => !paths.has(icon))).toEqual([]);
		}
	});

	test(`stays within its size budget (${PACKED_BUDGET_BYTES / 1000} kB packed, ${UNPACKED_BUDGET_BYTES / 1000} kB unpacked)`, () => {
		expect(pack.size).toBeLessThanOrEqual(PACKED_BUDGET_BYTES);
		expect(pack.unpackedSize).toBeLessThanOrEqual(UNPACKED_BUDGET_BYTES);
	});
});

describe('package.json', () => {
	const manifest = readPackageJson();

	test('names the repository, where to report bugs and a homepage', () => {
		expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
		expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` });
		expect(manifest.homepage).toBe(`${REPOSITORY}#readme`);
	});

	test('has no runtime dependencies, only n8n-workflow as a peer', () => {
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	test('its version has a CHANGELOG section, below an Unreleased one', () => {
		const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
		const headings = [...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
		expect(headings[0]).toBe('Unreleased');
		expect(headings).toContain(manifest.version);
	});
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

	test('publish.yml publishes version tags with provenance through OIDC', () => {
		const publish = readFileSync(join(ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
		expect(publish).toMatch(/^ {4}tags: \['v\*\.\*\.\*'\]$/m);
		expect(publish).toMatch(/^ {6}id-token: write$/m);
		expect(publish).toMatch(/^ {6}contents: read$/m);
		expect(publish).toMatch(/^ {6}- run: npm publish --provenance --access public$/m);
		expect(publish).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
	});
});
