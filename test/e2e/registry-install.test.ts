/**
 * Installed the way users install: the five packed vendor packages are published to a local npm
 * registry, and n8n's own community-package installer (the REST API behind *Settings → Community
 * Nodes*) installs DevRev's package alone, updates it to a newer version and uninstalls it. Alone, it
 * loads and runs with none of the other four installed: no package depends on another.
 *
 * Pointing the installer at a registry: n8n 2.8.4 runs `npm pack <name>@<version>` and `npm install`
 * with `--registry=<N8N_COMMUNITY_PACKAGES_REGISTRY>` on the command line (so no npmrc or
 * npm_config_registry can redirect them), and `getNpmRegistry()` refuses any registry other than
 * https://registry.npmjs.org unless the license has `feat:communityNodes:customRegistry`
 * (modules/community-packages/community-packages.service.js). n8n's own test mode (`E2E_TESTS=true`)
 * lets a test switch a license feature on (`PATCH /rest/e2e/feature`, controllers/e2e.controller.js);
 * everything else on the install path is the production code. The "update available" check
 * (`npm outdated` in the nodes folder) does not pass `--registry`: it reads npm's own
 * configuration, so n8n's npm also gets `npm_config_registry`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sandboxCredentials, webhookNode } from '../../scripts/examples';
import { N8nRestClient } from '../../scripts/n8n-rest';
import { type N8nServer, packLogProblems, startN8nServer } from '../../scripts/n8n-server';
import { freePort } from '../../scripts/ports';
import { run } from '../../scripts/processes';
import { packedTarballOf, packedTarballs } from '../../scripts/pack';
import { readPackageJson } from '../../scripts/project';
import { vendorInfo, VENDORS } from '../../scripts/vendors';
import { startSandbox, type VendorSandbox } from '../sandbox';
import { type LocalRegistry, startRegistry } from './registry';
import { vendorCase } from './vendors';

const NEWER_VERSION = '1.0.1-test';
const CUSTOM_REGISTRY_FEATURE = 'feat:communityNodes:customRegistry';
const WEBHOOK_PATH = 'record-links-registry-e2e';

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	updateAvailable?: string;
	installedNodes: Array<{ name: string; type: string }>;
}

const devRev = vendorInfo('devrev');
const devRevCase = vendorCase('devrev');
const PACKAGE_NAME = devRev.packageName;
const packNodeTypes = [devRev.nodeType, devRev.triggerType!].sort();

let registry: LocalRegistry;
let sandbox: VendorSandbox;
let userFolder: string;
let scratch: string;
let server: N8nServer;
let client: N8nRestClient;
let credentialId: string;
let workflowId: string;
const timings: Record<string, number> = {};

/** One call of n8n's REST API (`/rest…`) as the owner. */
async function rest<T>(method: string, path: string, body?: unknown): Promise<T> {
	return await client.request<T>(method, `/rest${path}`, body);
}

async function timed<T>(label: string, action: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await action();
	} finally {
		timings[label] = Date.now() - started;
	}
}

/** The node types of any vendor package n8n lists (its node types file is rewritten after each change: wait for it). */
async function listedPackNodeTypes(expected: string[]): Promise<string[]> {
	const deadline = Date.now() + 15_000;
	let names: string[] = [];
	while (Date.now() < deadline) {
		const response = await client.fetch('/types/nodes.json');
		try {
			const nodes = (await response.json()) as Array<{ name: string }>;
			names = nodes
				.map((node) => node.name)
				.filter((name) => VENDORS.some((vendor) => name.startsWith(`${vendor.packageName}.`)) && !name.endsWith('Tool'))
				.sort();
			if (JSON.stringify(names) === JSON.stringify(expected)) break;
		} catch {
			// being rewritten
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return names;
}

function installedManifest(): { version: string } | undefined {
	const file = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME, 'package.json');
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }) : undefined;
}

/**
 * Runs the saved workflow through its production webhook: one DevRev link per call. From n8n 2.41 an
 * activation is published through an outbox that n8n drains a moment later (workflow.service.js,
 * `_publishViaOutbox`), so the webhook may not be registered yet: its 404 runs nothing, and the call
 * is made again until it is.
 */
async function linkThroughWorkflow(sourceDisplayId: string, targetDisplayId: string): Promise<unknown> {
	const deadline = Date.now() + 30_000;
	let response: Response;
	for (;;) {
		response = await fetch(`${server.url}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ source: sourceDisplayId, target: targetDisplayId }),
		});
		if (response.status !== 404 || Date.now() > deadline) break;
		await response.arrayBuffer();
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	const text = await response.text();
	if (!response.ok) throw new Error(`The workflow's webhook answered ${response.status}: ${text}`);
	return JSON.parse(text);
}

/** Publishes DevRev's package again as NEWER_VERSION: the same files, only the version differs. */
async function publishNewerVersion(tarball: string): Promise<void> {
	const dir = join(scratch, 'newer');
	mkdirSync(dir);
	await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	const manifestPath = join(dir, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: NEWER_VERSION }, null, 2));
	await registry.publish(dir);
}

beforeAll(async () => {
	if (!process.env.RECORD_LINKS_PACKAGES_DIR) throw new Error('Run the e2e tests with `npm run test:e2e` (its global setup packs the packages)');
	scratch = mkdtempSync(join(tmpdir(), 'record-links-registry-e2e-'));
	userFolder = join(scratch, 'n8n');
	mkdirSync(userFolder);
	sandbox = await startSandbox();
	registry = await startRegistry(await freePort());
	await timed('publish the five packages to the local registry', async () => {
		for (const tarball of packedTarballs()) await registry.publish(tarball);
	});
	server = await startN8nServer({
		userFolder,
		port: await freePort(),
		brokerPort: await freePort(),
		env: {
			E2E_TESTS: 'true',
			N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
			npm_config_registry: `${registry.url}/`,
			npm_config_cache: registry.npmCache,
		},
	});
	client = await N8nRestClient.asOwner(server);
}, 300_000);

afterAll(async () => {
	await server?.stop();
	await registry?.stop();
	await sandbox?.stop();
	if (scratch) rmSync(scratch, { recursive: true, force: true });
	console.log(
		`Registry install path timings:\n${Object.entries(timings)
			.map(([label, ms]) => `  ${label}: ${(ms / 1000).toFixed(1)} s`)
			.join('\n')}`,
	);
});

test('without the custom-registry license feature, n8n refuses to install from another registry', async () => {
	await expect(rest('POST', '/community-packages', { name: PACKAGE_NAME })).rejects.toThrow(
		`Your license does not allow for ${CUSTOM_REGISTRY_FEATURE}`,
	);
	expect(installedManifest()).toBeUndefined();
});

test("n8n installs DevRev's package alone from the registry (POST /rest/community-packages) and lists its nodes and credential only", async () => {
	// The license feature a custom registry needs, through n8n's test mode (see the top of this file).
	const feature = await fetch(`${server.url}/rest/e2e/feature`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ feature: CUSTOM_REGISTRY_FEATURE, enabled: true }),
	});
	expect(feature.status).toBe(200);
	expect(await rest<InstalledPackage[]>('GET', '/community-packages')).toEqual([]);
	const { version } = readPackageJson(devRev.packageDir);

	const installed = await timed('install (POST)', async () => await rest<InstalledPackage>('POST', '/community-packages', { name: PACKAGE_NAME }));

	expect(installed.packageName).toBe(PACKAGE_NAME);
	expect(installed.installedVersion).toBe(version);
	expect(installed.installedNodes.map((node) => node.type).sort()).toEqual(packNodeTypes);
	expect(installedManifest()?.version).toBe(version);
	expect(await listedPackNodeTypes(packNodeTypes)).toEqual(packNodeTypes);
	const credentialTypes = (await (await client.fetch('/types/credentials.json')).json()) as Array<{ name: string }>;
	const ourCredentialTypes = VENDORS.map((vendor) => vendor.credentialType);
	expect(credentialTypes.map((type) => type.name).filter((name) => ourCredentialTypes.includes(name))).toEqual([devRev.credentialType]);
});

test('a credential and an active workflow of the package work (created through the REST API)', async () => {
	const [credential] = sandboxCredentials([devRev], sandbox.url);
	credentialId = (await rest<{ id: string }>('POST', '/credentials', { name: credential.name, type: credential.type, data: credential.data })).id;
	const workflow = await rest<{ id: string; versionId: string }>('POST', '/workflows', {
		name: 'DevRev: link from a webhook',
		nodes: [
			webhookNode(WEBHOOK_PATH, { responseMode: 'lastNode', responseData: 'allEntries' }),
			{
				id: '9c2d4e6f-8a1b-4c3d-9e5f-7a1b3c5d7e9f',
				name: 'DevRev',
				type: devRev.nodeType,
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'link', linkType: 'is_related_to', source: '={{ $json.body.source }}', target: '={{ $json.body.target }}', options: {} },
				credentials: { [devRev.credentialType]: { id: credentialId, name: credential.name } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'DevRev', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	workflowId = workflow.id;
	await rest('POST', `/workflows/${workflowId}/activate`, { versionId: workflow.versionId });

	const output = await linkThroughWorkflow('ISS-21', 'TKT-22');

	expect(devRevCase.links(sandbox)).toEqual(['ISS-21->TKT-22']);
	expect(output).toEqual([devRevCase.linkOutput(sandbox, 'ISS-21->TKT-22')]);
});

test(`an update to ${NEWER_VERSION} (PATCH /rest/community-packages) installs over it and keeps the credential and the workflow`, async () => {
	await timed(`publish ${NEWER_VERSION} to the local registry`, async () => await publishNewerVersion(packedTarballOf(PACKAGE_NAME)));
	const [listed] = await rest<InstalledPackage[]>('GET', '/community-packages');
	expect(listed.updateAvailable).toBe(NEWER_VERSION);

	// As the Update button does: no version, so n8n installs the registry's `latest`.
	const updated = await timed('update (PATCH)', async () => await rest<InstalledPackage>('PATCH', '/community-packages', { name: PACKAGE_NAME }));

	expect(updated.installedVersion).toBe(NEWER_VERSION);
	expect(installedManifest()?.version).toBe(NEWER_VERSION);
	expect((await rest<InstalledPackage[]>('GET', '/community-packages')).map((item) => [item.packageName, item.installedVersion])).toEqual([
		[PACKAGE_NAME, NEWER_VERSION],
	]);
	expect(await listedPackNodeTypes(packNodeTypes)).toEqual(packNodeTypes);
	const credential = await rest<{ id: string; name: string; type: string }>('GET', `/credentials/${credentialId}`);
	expect({ id: credential.id, name: credential.name, type: credential.type }).toEqual({ id: credentialId, name: 'DevRev account', type: devRev.credentialType });
	const workflow = await rest<{ active: boolean; nodes: Array<{ type: string }> }>('GET', `/workflows/${workflowId}`);
	expect(workflow.active).toBe(true);
	expect(workflow.nodes.map((node) => node.type)).toContain(devRev.nodeType);

	const output = await linkThroughWorkflow('ISS-23', 'TKT-24');

	expect(devRevCase.links(sandbox)).toEqual(['ISS-21->TKT-22', 'ISS-23->TKT-24']);
	expect(output).toEqual([devRevCase.linkOutput(sandbox, 'ISS-23->TKT-24')]);
});

// Before the uninstall, after which n8n rightly reports the saved workflow's node type as missing.
test("n8n's log holds no warning or error about the package through install, a run and the update", () => {
	// The first test's refusal, logged as n8n's error, is the one expected.
	const refusal = /does not allow for feat:communityNodes:customRegistry/;
	expect(packLogProblems(server.logFile).filter((line) => !refusal.test(line))).toEqual([]);
});

test('uninstall (DELETE /rest/community-packages) removes the package and its nodes', async () => {
	await timed('uninstall (DELETE)', async () => await rest('DELETE', `/community-packages?name=${encodeURIComponent(PACKAGE_NAME)}`));

	expect(await rest<InstalledPackage[]>('GET', '/community-packages')).toEqual([]);
	expect(installedManifest()).toBeUndefined();
	expect(await listedPackNodeTypes([])).toEqual([]);
});
