/**
 * The five vendor packages load in real n8n as community packages: `n8n start` with each unpacked
 * into the user folder's `.n8n/nodes` lists every node as `<package>.<node>` and every credential,
 * and serves their icons; and every n8n-workflow value the packages use exists in that n8n.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { N8N_HOME, N8N_NODE } from '../../scripts/n8n-install';
import { N8nRestClient } from '../../scripts/n8n-rest';
import { type N8nServer, packLogProblems, startN8nServer } from '../../scripts/n8n-server';
import { installPackages } from '../../scripts/pack';
import { freePort } from '../../scripts/ports';
import { readPackageJson, ROOT } from '../../scripts/project';
import { VENDORS } from '../../scripts/vendors';

interface TypeDescription {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
}

let userFolder: string;
let server: N8nServer;
let client: N8nRestClient;

const PACKAGE_NAMES = VENDORS.map((vendor) => vendor.packageName);
/** The package a node or credential type's icon URL (`icons/<package>/dist/icons/…`) belongs to. */
const iconPackage = (url: string) => PACKAGE_NAMES.find((name) => url.startsWith(`icons/${name}/`));

async function getJson<T>(path: string): Promise<T> {
	const response = await client.fetch(path);
	if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
	return (await response.json()) as T;
}

/** The type's light and dark icons are served from its own vendor's package. */
async function expectIcons(description: TypeDescription, packageName: string): Promise<void> {
	const { iconUrl } = description;
	expect(iconUrl).toEqual({ light: expect.any(String), dark: expect.any(String) });
	for (const url of Object.values(iconUrl as Record<string, string>)) {
		expect({ url, package: iconPackage(url) }).toEqual({ url, package: packageName });
		const response = await client.fetch(`/${url}`);
		expect({ url, status: response.status }).toEqual({ url, status: 200 });
		expect(await response.text()).toMatch(/<svg[\s>]/);
	}
}

beforeAll(async () => {
	if (!process.env.RECORD_LINKS_PACKAGES_DIR) throw new Error('Run the e2e tests with `npm run test:e2e` (its global setup packs the packages)');
	userFolder = mkdtempSync(join(tmpdir(), 'record-links-e2e-'));
	expect((await installPackages(userFolder)).sort()).toEqual([...PACKAGE_NAMES].sort());
	server = await startN8nServer({ userFolder, port: await freePort(), brokerPort: await freePort() });
	client = await N8nRestClient.asOwner(server);
}, 300_000);

afterAll(async () => {
	await server?.stop();
	if (userFolder) rmSync(userFolder, { recursive: true, force: true });
});

test('each vendor package declares its node (and trigger) and one credential', () => {
	for (const vendor of VENDORS) {
		const { n8n } = readPackageJson(vendor.packageDir);
		expect({ package: vendor.packageName, nodes: n8n?.nodes, credentials: n8n?.credentials }).toEqual({
			package: vendor.packageName,
			nodes: [vendor.nodeFile, ...(vendor.triggerFile ? [vendor.triggerFile] : [])].sort(),
			credentials: [vendor.credentialFile],
		});
	}
});

test('n8n lists every node as <package>.<node> (and its tool), and the DevRev Trigger, with their icons', async () => {
	const nodes = await getJson<TypeDescription[]>('/types/nodes.json');
	const ours = nodes.filter((node) => PACKAGE_NAMES.some((name) => node.name.startsWith(`${name}.`)));
	// Each node also comes as an AI Agent tool (`usableAsTool`): `<node>Tool`.
	const expected = VENDORS.flatMap((vendor) => [vendor.nodeType, `${vendor.nodeType}Tool`, ...(vendor.triggerType ? [vendor.triggerType] : [])]);
	expect(ours.map((node) => node.name).sort()).toEqual(expected.sort());
	for (const vendor of VENDORS) {
		for (const node of ours.filter((type) => type.name.startsWith(`${vendor.packageName}.`))) await expectIcons(node, vendor.packageName);
	}
});

test('n8n lists every credential, with its icons from its vendor package', async () => {
	const credentials = await getJson<TypeDescription[]>('/types/credentials.json');
	const names = VENDORS.map((vendor) => vendor.credentialType);
	const ours = credentials.filter((credential) => names.includes(credential.name));
	expect(ours.map((credential) => credential.name).sort()).toEqual([...names].sort());
	for (const vendor of VENDORS) await expectIcons(ours.find((credential) => credential.name === vendor.credentialType)!, vendor.packageName);
});

test('no credential type takes a name n8n already uses (n8n keys credential types by name across packages)', async () => {
	const credentials = await getJson<TypeDescription[]>('/types/credentials.json');
	const names = VENDORS.map((vendor) => vendor.credentialType);
	// Each name is listed once: a second package with the same name would have replaced or been replaced.
	expect(credentials.filter((credential) => names.includes(credential.name)).length).toBe(names.length);
	const builtIn = credentials.filter((credential) => !names.includes(credential.name)).map((credential) => credential.name);
	expect(builtIn.length).toBeGreaterThan(300);
	expect(names.filter((name) => builtIn.includes(name))).toEqual([]);
});

test('every n8n-workflow value the packages use exists in the n8n-workflow of this n8n', () => {
	// Also the values on code paths the other tests do not reach (retries, pacing).
	const check = spawnSync(N8N_NODE, [join(ROOT, 'scripts', 'pack-api.mjs'), join(N8N_HOME, 'node_modules', 'n8n')], {
		encoding: 'utf8',
	});
	expect({ status: check.status, missing: check.stderr.trim() }).toEqual({ status: 0, missing: '' });
	expect(check.stdout).toMatch(/the packages use \d+ exports, 0 missing/);
});

test("n8n's log holds no warning or error about the packages", () => {
	expect(packLogProblems(server.logFile)).toEqual([]);
});
