import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { FAIRCOM_TABLES, FAIRCOM_VARIANTS, fairComActions, type FairComLink, listLinks, seedLinks, sortLinks } from './sandbox/faircom';

/** FairCom's Get Labels of Records and Set Labels of Records against the sandbox: scope, merged calls, Dry Run, a second run, partial failure. */

const sandbox = useSandbox();
const state = () => sandbox.state.faircom;
/** A password login with one session per execution: every run is createSession … deleteSession. */
const credentials = () => vendorCase('faircom').credentials(sandbox.baseUrl('faircom'));
const actions = () => fairComActions(sandbox.requests);
const bodies = (action: string) =>
	sandbox
		.requestsFor('faircom', '/api')
		.map((request) => request.body as IDataObject)
		.filter((body) => body.action === action);

async function run(parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ node: 'fairCom', parameters, items, credentials: credentials(), continueOnFail });
}

function link(id: number, group: string, name: string): FairComLink {
	const { databaseName, ownerName, tableName } = FAIRCOM_TABLES.orders;
	return { databaseName, ownerName, tableName, id, group, name };
}

/** The orders' links as "id group/name" ("id /name" without a group). */
const held = () => listLinks(state()).map((entry) => `${entry.id} ${entry.group}/${entry.name}`);

const labels = (...entries: Array<[string, string]>) => ({ label: entries.map(([group, name]) => ({ group, name })) });

/** Record 1: status/open, colour/red and priority (no group); 2: status/open and status/closed; 3: status/open and customer/vip. */
const SEEDED = [
	link(1, 'status', 'open'),
	link(1, 'colour', 'red'),
	link(1, '', 'priority'),
	link(2, 'status', 'open'),
	link(2, 'status', 'closed'),
	link(3, 'status', 'open'),
	link(3, 'customer', 'vip'),
];
const BEFORE = ['1 /priority', '1 colour/red', '1 status/open', '2 status/closed', '2 status/open', '3 customer/vip', '3 status/open'];

beforeEach(() => {
	seedLinks(state(), SEEDED);
});

const setLinks = (wanted: Array<[string, string]>, options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'setLinks',
	labels: labels(...wanted),
	tableName: 'orders',
	ids: '={{$json.ids}}',
	groups: 'status',
	options,
	...extra,
});

const ITEMS = [{ ids: '1' }, { ids: '2' }, { ids: '3' }];
/** Set Labels for ITEMS: one read per item, then the merged removal, then the merged addition. */
const READS_THEN_CHANGES = [
	'createSession',
	'getLabelsLinkedToRecordIds',
	'getLabelsLinkedToRecordIds',
	'getLabelsLinkedToRecordIds',
	'unlinkLabelsFromRecords',
	'linkLabelsToRecords',
	'deleteSession',
];
const open = (...ids: number[]) => ({ group: 'status', name: 'open', ids });
const closed = (...ids: number[]) => ({ group: 'status', name: 'closed', ids });
const item = (id: number, changes: IDataObject) => ({ tableName: 'orders', ids: [id], groups: ['status'], ...changes });

describe('FairCom Get Labels of Records', () => {
	test('one getLabelsLinkedToRecordIds call per item; one output item per label, with the item\'s records only', async () => {
		const result = await run({ operation: 'getLinks', tableName: 'orders', ids: '={{$json.ids}}', returnAll: true }, [{ ids: '1, 2' }, { ids: '3' }, { ids: '40' }]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { tableName: 'orders', name: 'priority', ids: [1] }, pairedItem: { item: 0 } },
			{ json: { tableName: 'orders', group: 'colour', name: 'red', ids: [1] }, pairedItem: { item: 0 } },
			{ json: { tableName: 'orders', ...open(1, 2) }, pairedItem: { item: 0 } },
			{ json: { tableName: 'orders', ...closed(2) }, pairedItem: { item: 0 } },
			{ json: { tableName: 'orders', group: 'customer', name: 'vip', ids: [3] }, pairedItem: { item: 1 } },
			{ json: { tableName: 'orders', ...open(3) }, pairedItem: { item: 1 } },
		]);
		// Record 40 has no labels: no item. Reads run concurrently: in any order.
		expect(actions().filter((action) => action === 'getLabelsLinkedToRecordIds')).toHaveLength(3);
		expect(bodies('getLabelsLinkedToRecordIds').map((body) => JSON.stringify(body.params)).sort()).toEqual(
			[{ tableName: 'orders', ids: [1, 2] }, { tableName: 'orders', ids: [3] }, { tableName: 'orders', ids: [40] }].map((params) => JSON.stringify(params)).sort(),
		);
		expect(bodies('getLabelsLinkedToRecordIds').every((body) => body.api === 'db' && typeof body.authToken === 'string')).toBe(true);
		expect(actions()[0]).toBe('createSession');
		expect(actions().at(-1)).toBe('deleteSession');
	});

	test('Label Groups filters, Limit stops, and the database and owner are sent when set', async () => {
		const result = await run({ operation: 'getLinks', tableName: 'orders', ids: '1, 2, 3', groups: 'status, customer', limit: 2, databaseName: 'faircom', ownerName: 'admin' });

		expect(result.items.map((entry) => entry.json)).toEqual([
			{ tableName: 'orders', ...open(1, 2, 3) },
			{ tableName: 'orders', ...closed(2) },
		]);
		expect(bodies('getLabelsLinkedToRecordIds').map((body) => body.params)).toEqual([
			{ tableName: 'orders', ids: [1, 2, 3], databaseName: 'faircom', ownerName: 'admin' },
		]);
	});
});

describe('FairCom Set Labels of Records', () => {
	test('unlinks and links only the differences, one call each merged across items, and leaves other groups alone', async () => {
		const result = await run(setLinks([['status', 'closed']]), ITEMS);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: item(1, { added: [closed(1)], removed: [open(1)], unchanged: [] }), pairedItem: { item: 0 } },
			{ json: item(2, { added: [], removed: [open(2)], unchanged: [closed(2)] }), pairedItem: { item: 1 } },
			{ json: item(3, { added: [closed(3)], removed: [open(3)], unchanged: [] }), pairedItem: { item: 2 } },
		]);
		// One read per item, then the removal, then the addition.
		expect(actions()).toEqual(READS_THEN_CHANGES);
		expect(bodies('getLabelsLinkedToRecordIds').map((body) => JSON.stringify(body.params)).sort()).toEqual(
			[1, 2, 3].map((id) => JSON.stringify({ tableName: 'orders', ids: [id], verifyLinks: true })),
		);
		expect(bodies('unlinkLabelsFromRecords').map((body) => body.params)).toEqual([
			{ labels: [{ group: 'status', name: 'open' }], tableName: 'orders', ids: [1, 2, 3], verifyLinks: true },
		]);
		expect(bodies('linkLabelsToRecords').map((body) => body.params)).toEqual([
			{ labels: [{ group: 'status', name: 'closed' }], tableName: 'orders', ids: [1, 3], verifyLinks: true },
		]);
		// colour/red, customer/vip and the label without a group are outside the scope: untouched.
		expect(held()).toEqual(['1 /priority', '1 colour/red', '1 status/closed', '2 status/closed', '3 customer/vip', '3 status/closed']);
	});

	test('a second run with the same input reads only and writes nothing', async () => {
		await run(setLinks([['status', 'closed']]), ITEMS);
		sandbox.requests.length = 0;

		const second = await run(setLinks([['status', 'closed']]), ITEMS);

		expect(second.items.map((entry) => entry.json)).toEqual([1, 2, 3].map((id) => item(id, { added: [], removed: [], unchanged: [closed(id)] })));
		expect(actions()).toEqual(['createSession', 'getLabelsLinkedToRecordIds', 'getLabelsLinkedToRecordIds', 'getLabelsLinkedToRecordIds', 'deleteSession']);
	});

	test('Dry Run outputs the same diff and sends no write', async () => {
		const result = await run(setLinks([['status', 'closed']], { dryRun: true }), ITEMS);

		expect(result.items.map((entry) => entry.json)).toEqual([
			item(1, { added: [closed(1)], removed: [open(1)], unchanged: [], dryRun: true }),
			item(2, { added: [], removed: [open(2)], unchanged: [closed(2)], dryRun: true }),
			item(3, { added: [closed(3)], removed: [open(3)], unchanged: [], dryRun: true }),
		]);
		expect(actions().filter((action) => /^(un)?link/.test(action))).toEqual([]);
		expect(held()).toEqual(BEFORE);
	});

	test('an empty Labels is an error naming the field unless Allow Removing All is on', async () => {
		const refused = await run(setLinks([]), [{ ids: '2' }]);
		expect(refused.error?.message).toBe('Invalid "Labels" in item 0: is empty, which would remove all 2 links in scope; turn on Options › Allow Removing All to do that');
		expect(actions()).toEqual(['createSession', 'getLabelsLinkedToRecordIds', 'deleteSession']);

		const allowed = await run(setLinks([], { allowRemovingAll: true }), [{ ids: '2' }]);
		expect(allowed.items.map((entry) => entry.json)).toEqual([item(2, { added: [], removed: [closed(2), open(2)], unchanged: [] })]);
		expect(bodies('unlinkLabelsFromRecords').map((body) => body.params)).toEqual([
			{ labels: [{ group: 'status', name: 'closed' }], tableName: 'orders', ids: [2], verifyLinks: true },
			{ labels: [{ group: 'status', name: 'open' }], tableName: 'orders', ids: [2], verifyLinks: true },
		]);
		expect(held()).toEqual(['1 /priority', '1 colour/red', '1 status/open', '3 customer/vip', '3 status/open']);
	});

	test('a partial failure says what was removed before it; Continue On Fail keeps it on the error item', async () => {
		// createSession, three reads and the unlink pass; the link call is refused.
		sandbox.addFault({
			vendor: 'faircom',
			path: '/api',
			after: 5,
			fault: { kind: 'status', status: 200, body: { result: {}, errorCode: 101, errorMessage: 'No record with primary key 3 in table \'orders\'' } },
		});

		const result = await run(setLinks([['status', 'closed']]), ITEMS, true);

		expect(actions()).toEqual(READS_THEN_CHANGES);
		expect(result.items.map((entry) => entry.json)).toEqual([
			{ error: 'FairCom error 101: No record with primary key 3 in table \'orders\'' },
			item(2, { added: [], removed: [open(2)], unchanged: [closed(2)] }),
			{ error: 'FairCom error 101: No record with primary key 3 in table \'orders\'' },
		]);
		const error = result.items[0].error as unknown as { description: string; context: IDataObject };
		expect(error.description).toContain('Before the failure removed {"group":"status","name":"open","ids":[1]}; nothing else was confirmed.');
		expect(error.context).toMatchObject({ added: [], removed: [open(1)] });
		expect((result.items[2].error as unknown as { context: IDataObject }).context).toMatchObject({ added: [], removed: [open(3)] });
		expect(held()).toEqual(['1 /priority', '1 colour/red', '2 status/closed', '3 customer/vip']);
	});

	test('a wanted label outside the Label Groups is refused before anything is sent', async () => {
		const result = await run(setLinks([['status', 'closed'], ['colour', 'blue']]), [{ ids: '1' }]);

		expect(result.error?.message).toBe(
			'Invalid "Labels" › #2 in item 0: "blue" is of group "colour", which is not one of the Label Groups (status): only labels of those groups can be set',
		);
		expect(sandbox.requests).toEqual([]);
		expect(held()).toEqual(BEFORE);
	});
});

describe.each(FAIRCOM_VARIANTS.noGroup)('FairCom, a label without a group read as group %s', (noGroup) => {
	beforeEach(() => {
		state().variants.noGroup = noGroup;
		// A group literally named "null" must never take in a label without a group.
		seedLinks(state(), [link(1, 'null', 'old')]);
	});

	test('Get Labels of Records gives it without a group', async () => {
		const result = await run({ operation: 'getLinks', tableName: 'orders', ids: '1', returnAll: true });

		expect(result.items.map((entry) => entry.json)).toEqual([
			{ tableName: 'orders', name: 'priority', ids: [1] },
			{ tableName: 'orders', group: 'colour', name: 'red', ids: [1] },
			{ tableName: 'orders', group: 'null', name: 'old', ids: [1] },
			{ tableName: 'orders', ...open(1) },
		]);
	});

	test('Set Labels of Records of the group "null" leaves it alone', async () => {
		const result = await run(setLinks([['null', 'new']], {}, { groups: 'null' }), [{ ids: '1' }]);

		expect(result.items.map((entry) => entry.json)).toEqual([
			{ tableName: 'orders', ids: [1], groups: ['null'], added: [{ group: 'null', name: 'new', ids: [1] }], removed: [{ group: 'null', name: 'old', ids: [1] }], unchanged: [] },
		]);
		expect(listLinks(state())).toEqual(sortLinks([...SEEDED.filter((entry) => entry.group !== 'null'), link(1, 'null', 'new')]));
	});
});
