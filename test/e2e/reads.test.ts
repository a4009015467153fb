/**
 * The Set Links and Get Links examples in real n8n (run as the editor runs them), with the pack installed as a
 * community package: Set Links makes each record's links in scope equal to the wanted set and leaves
 * every other link alone, a second run writes nothing, and Get Links lists what is there. Unicat has
 * no Set Links: its Link example run twice makes no second copy, and Get Links lists the copies.
 */
import { exampleFiles, presentVendors, readWorkflow, sandboxCredentials } from '../../scripts/examples';
import { successfulOutput } from '../../scripts/n8n-rest';
import type { VendorKey } from '../../scripts/vendors';
import { type RunningN8n, startRunningN8n } from './running-n8n';
import { vendorCase } from './vendors';
import { startSandbox, type VendorSandbox } from '../sandbox';
import { DATAGOL, dataGolLinkKey } from '../sandbox/datagol';
import { DEVREV_TOKEN } from '../sandbox/devrev';
import { seedLinks } from '../sandbox/faircom';
import { TULIP, tulipLinkKey } from '../sandbox/tulip';

type Item = Record<string, unknown>;

interface ReadCase {
	nodeName: string;
	setWorkflowId: string;
	getWorkflowId: string;
	/** Puts links into the sandbox before the Set Links example runs: some in its scope, some outside. */
	seed(sandbox: VendorSandbox): Promise<void>;
	/** The links the sandbox holds, as short keys. */
	links(sandbox: VendorSandbox): string[];
	/** What the sandbox holds after Set Links, and its output items on the first run. */
	afterSet: string[];
	setOutput: Item[];
	/** The Get Links example's output items, by their short keys. */
	getOutput: string[];
	getKey(item: Item): string;
	/** The recorded requests that change something. */
	writes(sandbox: VendorSandbox): unknown[];
}

const don = (kind: string, n: number) => `don:core:dvrv-us-1:devo/0:${kind}/${n}`;
const shortId = (id: string) => id.split(':').pop()!;

const dataGolTarget = { workspaceId: DATAGOL.workspaceId, workbookId: DATAGOL.ordersTable, linkColumnId: DATAGOL.ordersCustomerColumn };

const readCases: Partial<Record<VendorKey, ReadCase>> = {
	datagol: {
		nodeName: 'DataGOL',
		setWorkflowId: 'exDataGolSetLinks',
		getWorkflowId: 'exDataGolGetLinks',
		async seed(sandbox) {
			// Order 1 → customer 14 (to go), order 2 → customer 12 (stays), order 1 → product 50 (another column).
			for (const [column, source, destination] of [
				[DATAGOL.ordersCustomerColumn, 1, 14],
				[DATAGOL.ordersCustomerColumn, 2, 12],
				[DATAGOL.ordersProductColumn, 1, 50],
			] as const) {
				sandbox.state.datagol.links.add(dataGolLinkKey(DATAGOL.ordersTable, column, source, destination));
			}
			await Promise.resolve();
		},
		links: (sandbox) =>
			[...sandbox.state.datagol.links]
				.map((key) => key.split('|'))
				.map(([, column, from, to]) => `${column === DATAGOL.ordersCustomerColumn ? 'customer' : 'product'} ${from}->${to}`)
				.sort(),
		afterSet: ['customer 1->11', 'customer 2->12', 'customer 2->13', 'product 1->50'],
		setOutput: [
			{ ...dataGolTarget, sourceRecordId: 1, added: [11], removed: [14], unchanged: [] },
			{ ...dataGolTarget, sourceRecordId: 2, added: [13], removed: [], unchanged: [12] },
		],
		getOutput: ['1->11', '2->12', '2->13'],
		getKey: (item) => `${item.sourceRecordId as number}->${item.destinationRecordId as number}`,
		writes: (sandbox) => sandbox.requestsFor('datagol', /\/linkRecordV2$/),
	},
	tulip: {
		nodeName: 'Tulip',
		setWorkflowId: 'exTulipSetLinks',
		getWorkflowId: 'exTulipGetLinks',
		async seed(sandbox) {
			// ORD-1001 → PRT-99 (to go) and PRT-17 (stays); a link of another table link.
			for (const [tableLink, left, right] of [
				[TULIP.ordersParts, 'ORD-1001', 'PRT-99'],
				[TULIP.ordersParts, 'ORD-1001', 'PRT-17'],
				[TULIP.stationsOperators, 'ST-1', 'OP-1'],
			]) {
				sandbox.state.tulip.links.add(tulipLinkKey('DEFAULT', tableLink, left, right));
			}
			await Promise.resolve();
		},
		links: (sandbox) => [...sandbox.state.tulip.links].map((key) => key.split('|').slice(1).join(' ')).sort(),
		afterSet: [`${TULIP.ordersParts} ORD-1001 PRT-17`, `${TULIP.ordersParts} ORD-1001 PRT-30`, `${TULIP.ordersParts} ORD-1002 PRT-23`, `${TULIP.stationsOperators} ST-1 OP-1`],
		setOutput: [
			{ tableLinkId: TULIP.ordersParts, leftRecord: 'ORD-1001', added: ['PRT-30'], removed: ['PRT-99'], unchanged: ['PRT-17'] },
			{ tableLinkId: TULIP.ordersParts, leftRecord: 'ORD-1002', added: ['PRT-23'], removed: [], unchanged: [] },
		],
		getOutput: ['ORD-1001->PRT-17', 'ORD-1001->PRT-30', 'ORD-1002->PRT-23'],
		getKey: (item) => `${item.leftRecord as string}->${item.rightRecord as string}`,
		writes: (sandbox) => sandbox.requestsFor('tulip', /^\/tableLinks\/[^/]+\/(link|unlink)$/),
	},
	faircom: {
		nodeName: 'FairCom',
		setWorkflowId: 'exFairComSetLinks',
		getWorkflowId: 'exFairComGetLinks',
		async seed(sandbox) {
			// Order 1: status › open (to go) and customer › vip (another group); order 7: status › priority (stays).
			const order = { databaseName: 'faircom', ownerName: 'admin', tableName: 'orders' };
			seedLinks(sandbox.state.faircom, [
				{ ...order, id: 1, group: 'status', name: 'open' },
				{ ...order, id: 1, group: 'customer', name: 'vip' },
				{ ...order, id: 7, group: 'status', name: 'priority' },
			]);
			await Promise.resolve();
		},
		links: (sandbox) => [...sandbox.state.faircom.links.values()].map((link) => `${link.tableName}/${link.id} ${link.group}:${link.name}`).sort(),
		afterSet: ['orders/1 customer:vip', 'orders/1 status:priority', 'orders/7 status:priority'],
		setOutput: [
			{
				tableName: 'orders',
				ids: [1],
				groups: ['status'],
				added: [{ group: 'status', name: 'priority', ids: [1] }],
				removed: [{ group: 'status', name: 'open', ids: [1] }],
				unchanged: [],
			},
			{ tableName: 'orders', ids: [7], groups: ['status'], added: [], removed: [], unchanged: [{ group: 'status', name: 'priority', ids: [7] }] },
		],
		getOutput: ['1 customer:vip', '1 status:priority', '7 status:priority'],
		getKey: (item) => `${(item.ids as number[]).join(',')} ${item.group as string}:${item.name as string}`,
		// FairCom has one endpoint: its writes are the link and unlink actions.
		writes: (sandbox) =>
			sandbox.requestsFor('faircom').filter((request) => ['linkLabelsToRecords', 'unlinkLabelsFromRecords'].includes((request.body as { action?: string } | undefined)?.action ?? '')),
	},
	devrev: {
		nodeName: 'DevRev',
		setWorkflowId: 'exDevRevSetLinks',
		getWorkflowId: 'exDevRevGetLinks',
		async seed(sandbox) {
			for (const [source, target, linkType] of [
				[don('issue', 1), don('issue', 9), 'is_dependent_on'],
				[don('issue', 1), don('issue', 8), 'is_related_to'],
				[don('issue', 7), don('issue', 4), 'is_dependent_on'],
			]) {
				const answer = await fetch(`${sandbox.baseUrl('devrev')}/links.create`, {
					method: 'POST',
					headers: { authorization: `Bearer ${DEVREV_TOKEN}`, 'content-type': 'application/json' },
					body: JSON.stringify({ link_type: linkType, source, target }),
				});
				expect(answer.status).toBe(201);
			}
		},
		links: (sandbox) =>
			[...sandbox.state.devrev.links.values()].map((link) => `${shortId(link.source.id)}>${shortId(link.target.id)} ${link.link_type}`).sort(),
		afterSet: [
			'issue/1>issue/2 is_dependent_on',
			'issue/1>issue/3 is_dependent_on',
			'issue/1>issue/8 is_related_to',
			'issue/4>issue/5 is_dependent_on',
			'issue/7>issue/4 is_dependent_on',
		],
		setOutput: [
			{ object: don('issue', 1), direction: 'is_source', linkType: 'is_dependent_on', added: [don('issue', 2), don('issue', 3)], removed: [don('issue', 9)], unchanged: [] },
			{ object: don('issue', 4), direction: 'is_source', linkType: 'is_dependent_on', added: [don('issue', 5)], removed: [], unchanged: [] },
		],
		getOutput: ['issue/1>issue/2', 'issue/1>issue/3', 'issue/1>issue/8', 'issue/4>issue/5', 'issue/7>issue/4'],
		getKey: (item) => `${shortId((item.source as Item).id as string)}>${shortId((item.target as Item).id as string)}`,
		writes: (sandbox) => sandbox.requestsFor('devrev', /^\/links\.(create|delete)$/),
	},
};

const present = presentVendors();
const exampleIds = (key: VendorKey) => present.filter((vendor) => vendor.key === key).flatMap((vendor) => exampleFiles(vendor).map((file) => readWorkflow(file).id));
const cases = present.flatMap((vendor) => {
	const readCase = readCases[vendor.key];
	return readCase && exampleIds(vendor.key).includes(readCase.setWorkflowId) ? [{ key: vendor.key, ...readCase }] : [];
});
const unicatCases = exampleIds('unicat').includes('exUnicatGetLinks') ? ['unicat'] : [];

let sandbox: VendorSandbox;
let n8n: RunningN8n | undefined;

async function outputOf(id: string, nodeName: string): Promise<Item[]> {
	return successfulOutput(await n8n!.run(id), nodeName);
}

beforeAll(async () => {
	sandbox = await startSandbox();
	const vendors = present.filter((vendor) => cases.some((readCase) => readCase.key === vendor.key) || unicatCases.includes(vendor.key));
	n8n = await startRunningN8n(
		'e2e-reads',
		sandboxCredentials(vendors, sandbox.url),
		vendors.flatMap((vendor) => exampleFiles(vendor).map(readWorkflow)),
	);
}, 300_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.stop();
});

test('there are read examples to run', () => {
	expect(cases.map((readCase) => readCase.key).sort()).toEqual(Object.keys(readCases).sort());
	expect(unicatCases).toEqual(['unicat']);
});

describe.each(cases)('$key', (readCase) => {
	test('Set Links makes the links in scope equal to the wanted sets and leaves the others', async () => {
		sandbox.reset();
		await readCase.seed(sandbox);
		const output = await outputOf(readCase.setWorkflowId, readCase.nodeName);
		expect(output).toEqual(readCase.setOutput);
		expect(readCase.links(sandbox)).toEqual(readCase.afterSet);
	});

	test('a second run of the same input sends no write', async () => {
		sandbox.requests.length = 0;
		const output = await outputOf(readCase.setWorkflowId, readCase.nodeName);
		expect(output.every((item) => (item.added as unknown[]).length === 0 && (item.removed as unknown[]).length === 0)).toBe(true);
		expect(readCase.writes(sandbox)).toEqual([]);
		expect(readCase.links(sandbox)).toEqual(readCase.afterSet);
	});

	test('Get Links lists every link of the records, one item each', async () => {
		const output = await outputOf(readCase.getWorkflowId, readCase.nodeName);
		expect(output.map(readCase.getKey).sort()).toEqual(readCase.getOutput);
	});
});

describe.each(unicatCases)('%s', () => {
	const copies = () => vendorCase('unicat').links(sandbox);
	let firstRun: Item[];

	test('the Link example run again makes no second copy: it returns the copies made before, with alreadyLinked', async () => {
		sandbox.reset();
		firstRun = await outputOf('exUnicatLink', 'Unicat');
		expect(copies()).toEqual(['chair->summer', 'table->winter']);
		sandbox.requests.length = 0;
		const again = await outputOf('exUnicatLink', 'Unicat');
		const summary = (item: Item) => ({ gid: item.gid, parent: item.parent, canonical: item.canonical, alreadyLinked: item.alreadyLinked });
		expect(again.map(summary)).toEqual(firstRun.map((item) => ({ ...summary(item), alreadyLinked: true })));
		expect(sandbox.requestsFor('unicat', /\/records\/link$/)).toEqual([]);
		expect(copies()).toEqual(['chair->summer', 'table->winter']);
	});

	test('Get Links lists the linked copies of each product under its collection', async () => {
		const output = await outputOf('exUnicatGetLinks', 'Unicat');
		expect(output).toEqual(firstRun.map(({ gid, parent, canonical }) => ({ gid, parent, canonical, is_link: true })));
	});
});
