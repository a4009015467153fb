/**
 * The pack loads in real n8n as a community package: `n8n start` with the pack unpacked into the
 * user folder's `.n8n/nodes` lists every node as `n8n-nodes-record-links.<node>` and every
 * credential, and serves their icons; and every n8n-workflow value the pack uses exists in that n8n.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { N8N_HOME, N8N_NODE } from '../../scripts/n8n-install';
import { N8nRestClient } from '../../scripts/n8n-rest';
import { type N8nServer, packLogProblems, startN8nServer } from '../../scripts/n8n-server';
import { installPack } from '../../scripts/pack';
import { freePort } from '../../scripts/ports';
import { PACKAGE_NAME, readPackageJson, ROOT } from '../../scripts/project';
import { VENDORS } from '../../scripts/vendors';

interface TypeDescription {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
}

let userFolder: string;
let server: N8nServer;
let client: N8nRestClient;

const manifest = readPackageJson().n8n ?? {};
const packVendors = VENDORS.filter((vendor) => manifest.nodes?.includes(vendor.nodeFile));

async function getJson<T>(path: string): Promise<T> {
	const response = await client.fetch(path);
	if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
	return (await response.json()) as T;
}

async function expectIcons(description: TypeDescription): Promise<void> {
	const { iconUrl } = description;
	expect(iconUrl).toEqual({ light: expect.any(String), dark: expect.any(String) });
	for (const url of Object.values(iconUrl as Record<string, string>)) {
		expect(url.startsWith(`icons/${PACKAGE_NAME}/`)).toBe(true);
		const response = await client.fetch(`/${url}`);
		expect({ url, status: response.status }).toEqual({ url, status: 200 });
		expect(await response.text()).toMatch(/<svg[\s>]/);
	}
}

beforeAll(async () => {
	const tarball = process.env.RECORD_LINKS_PACKAGE_TGZ;
	if (!tarball) throw new Error('Run the e2e tests with `npm run test:e2e` (its global setup packs the pack)');
	userFolder = mkdtempSync(join(tmpdir(), 'record-links-e2e-'));
	await installPack(userFolder, tarball);
	server = await startN8nServer({ userFolder, port: await freePort(), brokerPort: await freePort() });
	client = await N8nRestClient.asOwner(server);
}, 300_000);

afterAll(async () => {
	await server?.stop();
	if (userFolder) rmSync(userFolder, { recursive: true, force: true });
});

test('the pack declares all five vendor nodes and credentials', () => {
	expect(manifest.nodes?.slice().sort()).toEqual(VENDORS.map((vendor) => vendor.nodeFile).sort());
	expect(manifest.credentials?.length).toBe(VENDORS.length);
});

test('n8n lists every node of the pack as n8n-nodes-record-links.<node> (and its tool), with its icons', async () => {
	const nodes = await getJson<TypeDescription[]>('/types/nodes.json');
	const ours = nodes.filter((node) => node.name.startsWith(`${PACKAGE_NAME}.`));
	// Each node also comes as an AI Agent tool (`usableAsTool`): `<node>Tool`.
	const expected = packVendors.flatMap((vendor) => [`${PACKAGE_NAME}.${vendor.node}`, `${PACKAGE_NAME}.${vendor.node}Tool`]);
	expect(ours.map((node) => node.name).sort()).toEqual(expected.sort());
	for (const node of ours) await expectIcons(node);
});

test('n8n lists every credential of the pack, with its icons', async () => {
	const credentials = await getJson<TypeDescription[]>('/types/credentials.json');
	const names = packVendors.map((vendor) => vendor.credentialType);
	const ours = credentials.filter((credential) => names.includes(credential.name));
	expect(ours.map((credential) => credential.name).sort()).toEqual([...names].sort());
	for (const credential of ours) await expectIcons(credential);
});

test('no credential type of the pack takes a name n8n already uses (n8n keys credential types by name across packages)', async () => {
	const credentials = await getJson<TypeDescription[]>('/types/credentials.json');
	const names = packVendors.map((vendor) => vendor.credentialType);
	// Each name is listed once: a second package with the same name would have replaced or been replaced.
	expect(credentials.filter((credential) => names.includes(credential.name)).length).toBe(names.length);
	const builtIn = credentials.filter((credential) => !names.includes(credential.name)).map((credential) => credential.name);
	expect(builtIn.length).toBeGreaterThan(300);
	expect(names.filter((name) => builtIn.includes(name))).toEqual([]);
});

test('every n8n-workflow value the pack uses exists in the n8n-workflow of this n8n', () => {
	// Also the values on code paths the other tests do not reach (retries, pacing).
	const check = spawnSync(N8N_NODE, [join(ROOT, 'scripts', 'pack-api.mjs'), join(N8N_HOME, 'node_modules', 'n8n')], {
		encoding: 'utf8',
	});
	expect({ status: check.status, missing: check.stderr.trim() }).toEqual({ status: 0, missing: '' });
	expect(check.stdout).toMatch(/the pack uses \d+ exports, 0 missing/);
});

test("n8n's log holds no warning or error about the pack", () => {
	expect(packLogProblems(server.logFile)).toEqual([]);
});
