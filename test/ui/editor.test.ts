/**
 * The n8n editor as users meet it, in headless Chromium, against the n8n that `npm start` runs (the
 * pack as a community package, the vendor sandbox, its credentials and the example workflows) on
 * free ports and a temporary user folder. For every node: find it in the node creator with its icon,
 * add it and fill its parameters (every picker must list the sandbox's names), run it, test its
 * credential (right and wrong secret), and run its link example from the canvas. For every trigger
 * node: find it among the node creator's triggers and add it to a new workflow. Assertions read the
 * page and the sandbox's state. The same run writes the README's screenshots to docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import type { Locator, Page } from 'playwright-core';

import { AGENT_EXAMPLE, readWorkflow } from '../../scripts/examples';
import { DEFAULT_N8N_VERSION, N8N_SHOWS_CREDENTIAL_TEST_RULES, N8N_VERSION } from '../../scripts/n8n-install';
import { freePort } from '../../scripts/ports';
import { ROOT } from '../../scripts/project';
import { type VendorKey, vendorInfo, VENDORS } from '../../scripts/vendors';
import { packLogProblems } from '../../scripts/n8n-server';
import { type SandboxedN8n, startSandboxedN8n } from '../../scripts/sandboxed-n8n';
import { vendorCase, vendorCases, type VendorCase } from '../e2e/vendors';
import { credentialTypes, nodeTypes } from '../harness/registry';
import { AGENT_EXAMPLE_LINKS, AGENT_EXAMPLE_PLAN } from '../model/agent-example';
import type { VendorSandbox } from '../sandbox';
import { DATAGOL_SERVICE_TOKEN } from '../sandbox/datagol';
import { DEVREV_TOKEN } from '../sandbox/devrev';
import { FAIRCOM_PASSWORD } from '../sandbox/faircom';
import { TULIP_API_SECRET } from '../sandbox/tulip';
import { UNICAT_API_KEY, UNICAT_ORDERING, UNICAT_RECORDS } from '../sandbox/unicat';
import { type Editor, openEditor } from './browser';

// The newest line's screenshots go beside the default line's, in a folder of their own.
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots', ...(N8N_VERSION === DEFAULT_N8N_VERSION ? [] : [`n8n-${N8N_VERSION}`]));

let running: SandboxedN8n;
let userFolder: string;
let editor: Editor;

/** The node panel (NDV) of the node being edited. */
class NodePanel {
	constructor(readonly page: Page) {}

	parameter(name: string): Locator {
		return this.page.locator(`[data-test-id=ndv] [data-test-id=parameter-input-${name}]`);
	}

	async fill(name: string, value: string): Promise<void> {
		await this.parameter(name).locator('input, textarea').first().fill(value);
	}

	/** Opens a resource locator's list and returns its entries once loaded; fails when it stays empty. */
	async openPicker(name: string): Promise<string[]> {
		await this.page.click(`[data-test-id=ndv] [data-test-id=resource-locator-${name}] [data-test-id=rlc-input]`);
		const items = this.page.locator('[data-test-id=rlc-item]:visible');
		await items.first().waitFor({ timeout: 20_000 }).catch(() => {
			throw new Error(`The "${name}" picker lists nothing`);
		});
		return (await items.allInnerTexts()).map((text) => text.trim());
	}

	async pick(text: string): Promise<void> {
		await this.page.locator('[data-test-id=rlc-item]:visible').filter({ hasText: text }).first().click();
	}

	/** Runs the node ("Execute step") and returns the rows of the output table. */
	async execute(): Promise<Array<Record<string, string>>> {
		await this.page.click('[data-test-id=ndv] [data-test-id=node-execute-button]');
		return await outputRows(this.page);
	}
}

/** The output panel's items as table rows (column → cell text), once the node has run successfully. */
async function outputRows(page: Page): Promise<Array<Record<string, string>>> {
	const panel = page.locator('[data-test-id=output-panel]');
	await panel.locator('[data-test-id=node-run-status-success]').or(panel.locator('[data-test-id=node-run-info]')).first().waitFor();
	const table = panel.getByTestId('radio-button-table');
	if (await table.isVisible()) await table.click();
	await panel.locator('table tbody tr').first().waitFor();
	const headers = (await panel.locator('table thead th').allInnerTexts()).map((text) => text.trim());
	const rows = await panel
		.locator('table tbody tr')
		.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll(':scope > td')].map((td) => (td as HTMLElement).innerText.trim())));
	return rows.map((cells) => Object.fromEntries(headers.map((header, index) => [header, cells[index] ?? ''])));
}

/** What the page must show of an output item: its top-level text, number and boolean fields. */
function shownFields(item: Record<string, unknown>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(item)
			.filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
			.map(([key, value]) => [key, String(value)]),
	);
}

function pickFields(row: Record<string, string>, fields: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.keys(fields).map((key) => [key, row[key]]));
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

async function screenshot(page: Page, name: string, options: { animations?: 'disabled' } = {}): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), ...options });
}

/** The built node's description (what n8n shows in the node creator). */
function nodeDescription(key: VendorKey): INodeTypeDescription {
	return nodeTypes[vendorInfo(key).node].description;
}

/** The node creator's name for the node's Link operation. */
function linkAction(description: INodeTypeDescription): string {
	const operation = description.properties.find((property) => property.name === 'operation');
	const link = (operation?.options as INodePropertyOptions[] | undefined)?.find((option) => option.value === 'link');
	if (!link?.action) throw new Error(`${description.displayName} has no Link operation with an action name`);
	return link.action;
}

/** The node creator's items (nodes, and a node's actions once it is opened). */
function creatorItems(page: Page): Locator {
	return page.locator('[data-test-id=node-creator-action-item], [data-test-id=node-creator-node-item]');
}

/** The node creator's item named exactly `name`. */
function creatorItem(page: Page, name: string): Locator {
	return creatorItems(page).filter({ has: page.getByTestId('node-creator-item-name').getByText(name, { exact: true }) });
}

/** The header of a category of a node's actions in the node creator ("Triggers", "Actions"). */
function categoryHeader(name: 'Triggers' | 'Actions'): string {
	return `[data-test-id=node-creator-category-item][data-keyboard-nav-id=${name}]`;
}

/**
 * A category of the opened node's actions, with its items, folded or not. A node whose package has a
 * trigger of the same name is one item in the node creator: its triggers first, then its actions,
 * folded when it is opened from "What triggers this workflow?".
 */
function creatorCategory(page: Page, name: 'Triggers' | 'Actions', folded: boolean): Locator {
	return page.locator(`[data-category-collapsed=${folded}]`).filter({ has: page.locator(categoryHeader(name)) });
}

/** Unfolds a category of the opened node's actions if it is folded. */
async function unfoldCategory(page: Page, name: 'Triggers' | 'Actions'): Promise<void> {
	const folded = creatorCategory(page, name, true);
	const unfolded = creatorCategory(page, name, false);
	await folded.or(unfolded).waitFor();
	if ((await folded.count()) > 0) await folded.locator(categoryHeader(name)).click();
	await unfolded.waitFor();
}

/** Checks the item's icon: served from the package's dist/icons, loaded, and drawn at a visible size. */
async function expectPackageIcon(item: Locator, packageName: string, icon: string): Promise<void> {
	const image = item.locator('img').first();
	expect(await image.getAttribute('src')).toMatch(new RegExp(`/icons/${packageName}/dist/icons/${icon}\\.svg$`));
	await waitUntil(async () => (await image.evaluate((element) => (element as HTMLImageElement).naturalWidth)) > 0, 'the icon loads');
	expect((await image.boundingBox())?.width).toBeGreaterThan(10);
}

interface UiCase {
	vendor: VendorCase;
	/** The name the node creator shows (the node's display name). */
	name: string;
	/** The credential field that holds the secret, and its sandbox value. */
	secret: { field: string; value: string };
	/** What the credential test shows with a wrong secret. */
	wrongSecretReason: string | RegExp;
	/** Fills the Link operation's parameters, checking every picker; returns the link key it makes. */
	fill(panel: NodePanel, sandbox: VendorSandbox): Promise<string>;
}

/** Fills the last fields of the Link operation (in this order) and returns the key of the link they make. */
async function fillFields(panel: NodePanel, fields: Record<string, string>, key: string): Promise<string> {
	for (const [field, value] of Object.entries(fields)) await panel.fill(field, value);
	return key;
}

/** Per vendor: its secret, how a wrong one shows (n8n's own message unless told), and how to fill its Link operation. */
const uiRows: Record<VendorKey, Omit<UiCase, 'vendor' | 'name' | 'wrongSecretReason'> & Partial<Pick<UiCase, 'wrongSecretReason'>>> = {
	devrev: {
		secret: { field: 'token', value: DEVREV_TOKEN },
		async fill(panel) {
			return await fillFields(panel, { source: 'ISS-7', target: 'TKT-8' }, 'ISS-7->TKT-8');
		},
	},
	datagol: {
		secret: { field: 'token', value: DATAGOL_SERVICE_TOKEN },
		async fill(panel, sandbox) {
			const tables = [...sandbox.state.datagol.tables.values()];
			const workspaces = [...new Set(tables.map((table) => table.workspaceName))].sort();
			expect(await panel.openPicker('workspaceId')).toEqual(workspaces);
			const orders = tables.find((table) => table.name === 'Orders')!;
			await panel.pick(orders.workspaceName);

			const workbooks = tables.filter((table) => table.workspaceId === orders.workspaceId).map((table) => table.name);
			expect((await panel.openPicker('workbookId')).sort()).toEqual(workbooks.sort());
			await panel.pick(orders.name);

			// Each LINK column of Orders, named with the table it links to.
			const linkColumns = (orders.columns ?? []).filter((column) => column.uiDataType === 'LINK');
			const listed = await panel.openPicker('linkColumnId');
			expect(listed).toHaveLength(linkColumns.length);
			for (const column of linkColumns) {
				const linked = sandbox.state.datagol.tables.get(column.associateTableId!)!.name;
				expect(listed.filter((entry) => entry.includes(column.title) && entry.includes(linked))).toHaveLength(1);
			}
			await screenshot(panel.page, 'datagol-picker');
			const customer = linkColumns.find((column) => sandbox.state.datagol.tables.get(column.associateTableId!)?.name === 'Customers')!;
			await panel.pick(customer.title);
			return await fillFields(panel, { sourceRecordId: '4', destinationRecordId: '13' }, '4->13');
		},
	},
	tulip: {
		secret: { field: 'apiSecret', value: TULIP_API_SECRET },
		async fill(panel, sandbox) {
			// The sandbox credential's key is workspace-level (workspace DEFAULT): its tables' table links.
			const tables = sandbox.state.tulip.tables.get('DEFAULT')!;
			const linked = tables.filter((table) => table.columns.some((column) => column.dataType.tableLinkID));
			const listed = await panel.openPicker('tableLinkId');
			for (const table of linked) expect({ table: table.label, listed: listed.some((entry) => entry.includes(table.label)) }).toEqual({ table: table.label, listed: true });
			await screenshot(panel.page, 'tulip-picker');
			await panel.pick(listed.find((entry) => entry.includes('Orders') && entry.includes('Parts'))!);
			return await fillFields(panel, { leftRecord: 'ORD-3001', rightRecord: 'PRT-5' }, 'ORD-3001->PRT-5');
		},
	},
	unicat: {
		secret: { field: 'apiKey', value: UNICAT_API_KEY },
		// The test logs in with the key as it is now, although a JWT from the right key is still stored.
		wrongSecretReason: /credentials/i,
		async fill(panel) {
			await panel.fill('record', UNICAT_RECORDS.table);
			await panel.fill('parent', UNICAT_RECORDS.winter);
			await panel.fill('ordering', UNICAT_ORDERING);
			return 'table->winter';
		},
	},
	faircom: {
		secret: { field: 'password', value: FAIRCOM_PASSWORD },
		// FairCom's own words, from its createSession refusal.
		wrongSecretReason: /^FairCom .*password/i,
		async fill(panel, sandbox) {
			const { labels } = sandbox.state.faircom;
			await panel.page.click('[data-test-id=ndv] [data-test-id=fixed-collection-add]');
			const groups = [...new Set(labels.map((label) => label.group).filter(Boolean))].sort();
			expect((await panel.openPicker('group')).sort()).toEqual(groups);
			await panel.pick('status');
			const names = labels.filter((label) => label.group === 'status' && !label.deprecated).map((label) => label.name);
			const listed = await panel.openPicker('name');
			expect(listed).toHaveLength(names.length);
			for (const name of names) expect(listed.filter((entry) => entry.endsWith(name))).toHaveLength(1);
			await screenshot(panel.page, 'faircom-picker');
			await panel.pick(listed.find((entry) => entry.endsWith('priority'))!);
			return await fillFields(panel, { tableName: 'orders', ids: '3' }, 'orders/3 status:priority');
		},
	},
};

/** How the dialog shows a refused secret unless the row says: the credential's own 401 rule, or n8n's words. */
function refusalShown(credentialType: string): string {
	const rule = credentialTypes[credentialType].test?.rules?.find((candidate) => candidate.type === 'responseCode');
	return N8N_SHOWS_CREDENTIAL_TEST_RULES && rule ? rule.properties.message : 'Authorization failed - please check your credentials';
}

const uiCases: Array<UiCase & { packageName: string }> = VENDORS.map(({ key, credentialType, packageName }) => ({
	vendor: vendorCase(key),
	packageName,
	name: nodeDescription(key).displayName,
	wrongSecretReason: refusalShown(credentialType),
	...uiRows[key],
}));

/** The DevRev Trigger as its built description has it: what the node creator and its panel must show. */
const devRevTrigger = (() => {
	const vendor = vendorInfo('devrev');
	const description = nodeTypes[vendor.trigger!.node].description;
	const property = (name: string) => description.properties.find((candidate) => candidate.name === name)!;
	return {
		vendor,
		description,
		nodeType: vendor.triggerType!,
		/** The Events field's options (Link Created, …), in the description's order. */
		events: (property('events').options as INodePropertyOptions[]).map((option) => option.name),
		/** The Filters collection's fields. */
		filters: {
			fields: (property('filters').options as INodeProperties[]).map((option) => ({ name: option.name, displayName: option.displayName })),
		},
		notice: description.properties.find((candidate) => candidate.type === 'notice')!.displayName,
	};
})();

/** The node creator's name of a trigger action for an event option (n8n writes "On link created"). */
const onEvent = (event: string) => new RegExp(`^On ${event}$`, 'i');

beforeAll(async () => {
	const packagesDir = process.env.RECORD_LINKS_PACKAGES_DIR;
	if (!packagesDir) throw new Error('Run the browser tests with `npm run test:ui` (its global setup packs the packages)');
	userFolder = mkdtempSync(join(tmpdir(), 'record-links-ui-'));
	running = await startSandboxedN8n({ userFolder, packagesDir, port: await freePort() });
	editor = await openEditor(running.n8n.url);
}, 300_000);

afterAll(async () => {
	await editor?.close();
	await running?.stop();
	if (userFolder) rmSync(userFolder, { recursive: true, force: true });
});

test('every node of the pack has its checks here', async () => {
	expect(uiCases.map((uiCase) => uiCase.vendor.key).sort()).toEqual(running.vendors.map((vendor) => vendor.key).sort());
	// Every node type n8n loaded from the packages: each node and trigger has its checks below, and the
	// nodes' AI Agent tool variants (`<node>Tool`, made by n8n) are run by the agent example.
	const response = await editor.context.request.get(`${running.n8n.url}/types/nodes.json`);
	expect(response.status()).toBe(200);
	const packageNames = running.vendors.map((vendor) => vendor.packageName);
	const loaded = ((await response.json()) as Array<{ name: string }>)
		.map((type) => type.name)
		.filter((name) => packageNames.some((packageName) => name.startsWith(`${packageName}.`)));
	const nodes = uiCases.map((uiCase) => vendorInfo(uiCase.vendor.key).nodeType);
	const checked = [...nodes, ...nodes.map((node) => `${node}Tool`), devRevTrigger.nodeType];
	expect([...new Set(loaded)].sort()).toEqual(checked.sort());
});

describe.each(uiCases)('$name', (uiCase) => {
	const { vendor: vendorCase } = uiCase;
	let page: Page;

	beforeAll(async () => {
		page = await editor.context.newPage();
	});

	afterAll(async () => {
		await page?.close();
	});

	test('the node creator finds it by its name and shows its icon', async () => {
		await page.goto(`${running.n8n.url}/workflow/new`);
		await page.click('[data-test-id=canvas-plus-button]');
		await page.fill('[data-test-id=node-creator-search-bar]', uiCase.name);
		const item = creatorItem(page, uiCase.name);
		await item.first().waitFor();
		expect(await item.count()).toBe(1);
		// Served from the vendor's own package.
		await expectPackageIcon(item, uiCase.packageName, uiCase.vendor.key);
	});

	test('it is added with the sandbox credential, its pickers list the sandbox names, and it links', async () => {
		await creatorItem(page, uiCase.name).click();
		// With a trigger in its package, the node's item lists the trigger's events first and folds its actions.
		if (vendorInfo(vendorCase.key).trigger) await unfoldCategory(page, 'Actions');
		const action = linkAction(nodeDescription(vendorCase.key));
		await page.locator('[data-test-id=item-iterator-item]').filter({ has: page.getByText(action, { exact: true }) }).click();
		await page.locator('[data-test-id=ndv]').waitFor();
		await expect(page.locator('[data-test-id=ndv] [data-test-id=node-credentials-select] input').inputValue()).resolves.toBe(
			`${uiCase.name} account`,
		);
		const panel = new NodePanel(page);
		const link = await uiCase.fill(panel, running.sandbox);
		if (!['datagol', 'tulip', 'faircom'].includes(vendorCase.key)) await screenshot(page, `${vendorCase.key}-panel`);

		running.sandbox.reset();
		const rows = await panel.execute();
		expect(vendorCase.links(running.sandbox)).toEqual([link]);
		const expected = shownFields(vendorCase.linkOutput(running.sandbox, link));
		expect(rows.map((row) => pickFields(row, expected))).toEqual([expected]);
	});

	test('its credential tests: success with the sandbox secret, the reason with a wrong one', async () => {
		await page.click('[data-test-id=ndv] [data-test-id=credential-edit-button]');
		const modal = page.locator('[data-test-id=editCredential-modal]');
		const success = modal.getByTestId('credentials-config-container-test-success');
		const config = modal.getByTestId('node-credentials-config-container');
		await success.waitFor();

		// "Retry" tests again: the sandbox sees the credential's test request.
		const before = running.sandbox.requestsFor(vendorCase.key).length;
		await success.getByRole('button', { name: 'Retry' }).click();
		await waitUntil(() => running.sandbox.requestsFor(vendorCase.key).length > before, 'the sandbox gets the credential test');
		await success.waitFor();
		const secretInput = modal.locator(`[data-test-id=parameter-input-${uiCase.secret.field}] input`);
		// Saving tests the credential; "Saved" shows once both are done.
		const saveButton = modal.getByTestId('credential-save-button');
		const saveAndTest = async () => {
			await saveButton.filter({ hasText: /^Save$/ }).click();
			await saveButton.filter({ hasText: /^Saved$/ }).waitFor();
		};
		expect(await secretInput.getAttribute('type')).toBe('password');
		await secretInput.scrollIntoViewIfNeeded();
		await screenshot(page, `${vendorCase.key}-credential`);

		const beforeWrong = running.sandbox.requestsFor(vendorCase.key).length;
		await secretInput.fill(`${uiCase.secret.value}-wrong`);
		await saveAndTest();
		await waitUntil(() => running.sandbox.requestsFor(vendorCase.key).length > beforeWrong, 'the sandbox gets the credential test');
		await config.getByText('Couldn’t connect with these settings').waitFor();
		await config.getByText('More details').click();
		const failure = (await config.innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
		process.stdout.write(`\n${uiCase.name} credential test with a wrong secret shows: ${JSON.stringify(failure.slice(0, 6))}\n`);
		expect(failure).toContainEqual(
			typeof uiCase.wrongSecretReason === 'string' ? uiCase.wrongSecretReason : expect.stringMatching(uiCase.wrongSecretReason),
		);
		expect(failure.join('\n')).not.toContain(uiCase.secret.value);

		const beforeRight = running.sandbox.requestsFor(vendorCase.key).length;
		await secretInput.fill(uiCase.secret.value);
		await saveAndTest();
		await waitUntil(() => running.sandbox.requestsFor(vendorCase.key).length > beforeRight, 'the sandbox gets the credential test');
		await success.waitFor();
		await modal.locator('.el-dialog__headerbtn').click();
		await modal.waitFor({ state: 'hidden' });
	});

	test('its link example runs from the canvas and the output panel shows every item', async () => {
		running.sandbox.reset();
		await page.goto(`${running.n8n.url}/workflow/${vendorCase.linkWorkflowId}`);
		await page.click('[data-test-id=execute-workflow-button]');
		const node = page.locator(`[data-test-id=canvas-node][data-node-name="${vendorCase.nodeName}"]`);
		await node.getByTestId('canvas-node-status-success').waitFor();
		expect(vendorCase.links(running.sandbox)).toEqual([...vendorCase.exampleLinks].sort());

		await node.dblclick();
		const rows = await outputRows(page);
		await expect(page.locator('[data-test-id=output-panel] [data-test-id=ndv-items-count]').innerText()).resolves.toBe(
			`${vendorCase.exampleLinks.length} items`,
		);
		const expected = vendorCase.exampleLinks.map((key) => shownFields(vendorCase.linkOutput(running.sandbox, key)));
		expect(rows.map((row, index) => pickFields(row, expected[index] ?? {}))).toEqual(expected);
		await screenshot(page, `${vendorCase.key}-output`);
	});
});

describe(devRevTrigger.description.displayName, () => {
	const { vendor, description, events, filters } = devRevTrigger;
	// n8n shows a node and the trigger of the same name ("DevRev" and "DevRev Trigger") as one item, named as the node.
	const itemName = nodeDescription(vendor.key).displayName;
	let page: Page;

	beforeAll(async () => {
		page = await editor.context.newPage();
	});

	afterAll(async () => {
		await page?.close();
	});

	/** The visible options of the open dropdown (each option's first line: its name). */
	const dropdownOptions = () => page.locator('.el-select-dropdown__item:visible');
	const optionNames = async () => (await dropdownOptions().allInnerTexts()).map((text) => text.split('\n')[0].trim());
	/** The open dropdown's option named `name` (an option may show a description under its name). */
	const dropdownOption = (name: string) => dropdownOptions().filter({ has: page.getByText(name, { exact: true }) });
	/** Closes the open dropdown and waits until it is gone. */
	async function closeDropdown(): Promise<void> {
		await page.keyboard.press('Escape');
		await dropdownOptions().first().waitFor({ state: 'hidden' });
	}

	test(`the node creator lists it among the triggers, found by "${vendor.displayName}" and by "${description.displayName}", with the icon of its package`, async () => {
		for (const search of [vendor.displayName, description.displayName]) {
			await page.goto(`${running.n8n.url}/workflow/new`);
			// A new workflow's + opens "What triggers this workflow?".
			await page.click('[data-test-id=canvas-plus-button]');
			await page.fill('[data-test-id=node-creator-search-bar]', search);
			const item = creatorItem(page, itemName);
			await item.waitFor();
			expect({ search, items: await creatorItems(page).allInnerTexts() }).toEqual({ search, items: [expect.stringMatching(new RegExp(`^${itemName}\\b`))] });
			await expectPackageIcon(item, vendor.packageName, vendor.key);

			// Opened, the item lists one trigger per event, then the DevRev node's actions, folded.
			await item.click();
			const triggers = creatorCategory(page, 'Triggers', false).getByTestId('item-iterator-item');
			await triggers.first().waitFor();
			const listed = (await triggers.allInnerTexts()).map((text) => text.trim());
			expect({ search, listed }).toEqual({ search, listed: events.map((event) => expect.stringMatching(onEvent(event))) });
			await creatorCategory(page, 'Actions', true).waitFor();
		}
	});

	test('added to a new workflow, its panel shows the notice about deleted links, the events, the filters and its webhook URL', async () => {
		// The node creator is open at the item's triggers: the first event's trigger adds the node with that event.
		const [first, ...others] = events;
		await creatorCategory(page, 'Triggers', false).getByTestId('item-iterator-item').filter({ hasText: onEvent(first) }).click();
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.waitFor();
		expect(await ndv.getByTestId('node-title-container').innerText()).toContain(description.defaults.name);
		await expect(ndv.locator('[data-test-id=node-credentials-select] input').inputValue()).resolves.toBe(`${vendor.displayName} account`);
		await ndv.getByRole('alert').filter({ hasText: devRevTrigger.notice }).waitFor();

		// Events: the one the trigger action chose; the list offers all three; then all three are chosen.
		const eventsField = ndv.getByTestId('parameter-input-events');
		const chosenEvents = async () => (await eventsField.locator('.el-select__tags-text').allInnerTexts()).map((text) => text.trim());
		await eventsField.locator('.el-select__tags-text').first().waitFor();
		expect(await chosenEvents()).toEqual([first]);
		await eventsField.click();
		await dropdownOptions().first().waitFor();
		expect(await optionNames()).toEqual(events);
		for (const event of others) await dropdownOption(event).click();
		await closeDropdown();
		expect(await chosenEvents()).toEqual([first, ...others]);

		// Filters: the add list offers the three fields; each one added shows its input (the last one
		// left may be added at once, without a list, as n8n 2.8 does).
		const filtersField = ndv.locator('.multi-parameter').filter({ has: page.locator('label[for=filters]') });
		const addFilter = filtersField.getByTestId('collection-parameter-add');
		await addFilter.click();
		await dropdownOptions().first().waitFor();
		expect(await optionNames()).toEqual(filters.fields.map((field) => field.displayName));
		for (const [index, field] of filters.fields.entries()) {
			if (index > 0) {
				// The list of the field before closes first: its fading options must not be taken for the next list's.
				await dropdownOptions().first().waitFor({ state: 'hidden' });
				await addFilter.click();
			}
			const input = filtersField.getByTestId(`parameter-input-${field.name}`);
			const option = dropdownOption(field.displayName);
			await option.or(input).first().waitFor();
			if (await option.isVisible()) await option.click();
			await input.waitFor();
		}
		await dropdownOptions().first().waitFor({ state: 'hidden' });
		const objectRole = filtersField.getByTestId('parameter-input-objectRole').locator('input');
		await expect(objectRole.inputValue()).resolves.toBe('Either End');
		// For the screenshot: links of one type.
		await filtersField.getByTestId('parameter-input-linkTypes').click();
		await dropdownOption('Is dependent on').click();
		await closeDropdown();

		// The URL DevRev must reach: n8n's production webhook URL of the node.
		await ndv.locator('.webhooks .headline').click();
		await ndv.getByTestId('radio-button-production').click();
		const webhookUrl = ndv.locator('.webhooks .webhook-url');
		const shownUrl = async () => (await webhookUrl.innerText()).trim();
		await waitUntil(async () => (await shownUrl()).includes('/webhook/'), 'the production URL shows');
		const { port } = new URL(running.n8n.url);
		expect(await shownUrl()).toMatch(new RegExp(`^http://localhost:${port}/webhook/[0-9a-f-]{36}/webhook$`));
		// Off the fields (no hover controls), and with the section's unfolding transition finished.
		await page.mouse.move(0, 0);
		await screenshot(page, `${vendor.key}-trigger-panel`, { animations: 'disabled' });

		// On the canvas, with every event chosen, its subtitle says so.
		await ndv.getByTestId('ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
		const node = page.locator(`[data-test-id=canvas-node][data-node-name="${description.defaults.name}"]`);
		expect((await node.innerText()).split('\n').slice(0, 2)).toEqual([description.defaults.name, 'Any link event']);
	});
});

test('the AI agent example runs from the canvas: the sandbox model calls every tool and the agent answers', async () => {
	const page = await editor.context.newPage();
	try {
		running.sandbox.reset();
		running.model.reset();
		await page.goto(`${running.n8n.url}/workflow/${readWorkflow(AGENT_EXAMPLE).id}`);
		await page.click('[data-test-id=execute-workflow-button]');
		const agent = page.locator('[data-test-id=canvas-node][data-node-name="AI Agent"]');
		await agent.getByTestId('canvas-node-status-success').waitFor({ timeout: 120_000 });
		expect(Object.fromEntries(vendorCases.map((vendorCase) => [vendorCase.key, vendorCase.links(running.sandbox)]))).toEqual(
			AGENT_EXAMPLE_LINKS,
		);
		// Each planned tool called once: the five links, then the Get Links call once they are made.
		expect(running.model.toolResults().map((call) => call.name).sort()).toEqual(Object.keys(AGENT_EXAMPLE_PLAN).sort());
		await screenshot(page, 'ai-agent-canvas');

		await agent.dblclick();
		const rows = await outputRows(page);
		expect(rows).toHaveLength(1);
		expect(rows[0].output).toMatch(/^Done\. The tools answered:/);
		await screenshot(page, 'ai-agent-output');
	} finally {
		await page.close();
	}
});

test("n8n's log holds no warning or error about the pack", () => {
	expect(packLogProblems(running.n8n.logFile)).toEqual([]);
});
