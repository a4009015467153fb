import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { TULIP, TULIP_VARIANTS, tulipLinkKey } from './sandbox/tulip';

/**
 * Tulip's Get Links and Set Links against the sandbox: the table link looked up once, one record read
 * per item, the scope (one table link's column), Dry Run, a second run, partial failure, and a column
 * without links shown as [], left out or null.
 */

const sandbox = useSandbox();
const credentials = () => vendorCase('tulip').credentials(sandbox.baseUrl('tulip'));

const ORDERS_PARTS = `/api/v3/tableLinks/${TULIP.ordersParts}`;
const ORDER_RECORD = (record: string) => `/api/v3/tables/Orders01/records/${record}`;

async function run(parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ node: 'tulip', parameters, items, credentials: credentials(), continueOnFail });
}

/** Links straight into the sandbox's state, as earlier Link runs would have left them. */
function seed(pairs: Array<[string, string]>, tableLink: string = TULIP.ordersParts) {
	for (const [left, right] of pairs) sandbox.state.tulip.links.add(tulipLinkKey('DEFAULT', tableLink, left, right));
}

const held = () => [...sandbox.state.tulip.links].map((key) => key.split('|').slice(1).join(' ')).sort();

/** The requests received, as "METHOD path" (with the query of a record read). */
const received = () =>
	sandbox.requestsFor('tulip').map((request) => `${request.method} ${request.path}${request.query.has('fields') ? ` fields=${request.query.get('fields')}` : ''}`);

const getLinks = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'getLinks',
	tableLinkId: TULIP.ordersParts,
	leftRecord: '={{$json.left}}',
	...extra,
});

const setLinks = (rightRecords: unknown, options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'setLinks',
	tableLinkId: TULIP.ordersParts,
	leftRecord: 'o1',
	rightRecords: rightRecords as string,
	options,
	...extra,
});

describe('Tulip Get Links', () => {
	test('one item per linked right record, paired to its left record; the table link is looked up once', async () => {
		seed([
			['o1', 'p1'],
			['o1', 'p2'],
			['o3', 'p3'],
		]);
		// Another table link's link of a record with the same ID: not in the Orders › Parts column.
		seed([['o1', 'op1']], TULIP.stationsOperators);

		const result = await run(getLinks({ returnAll: true }), [{ left: 'o1' }, { left: 'o2' }, { left: 'o3' }]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { tableLinkId: TULIP.ordersParts, leftRecord: 'o1', rightRecord: 'p1' }, pairedItem: { item: 0 } },
			{ json: { tableLinkId: TULIP.ordersParts, leftRecord: 'o1', rightRecord: 'p2' }, pairedItem: { item: 0 } },
			{ json: { tableLinkId: TULIP.ordersParts, leftRecord: 'o3', rightRecord: 'p3' }, pairedItem: { item: 2 } },
		]);
		const requests = received();
		expect(requests.filter((request) => request.startsWith('GET /api/v3/tableLinks/'))).toEqual([`GET ${ORDERS_PARTS}`]);
		expect(requests[0]).toBe(`GET ${ORDERS_PARTS}`);
		expect(requests.slice(1).sort()).toEqual(['o1', 'o2', 'o3'].map((record) => `GET ${ORDER_RECORD(record)} fields=["order_parts"]`));
	});

	test('stops at Limit', async () => {
		seed(['p1', 'p2', 'p3', 'p4', 'p5'].map((part) => ['o1', part] as [string, string]));

		const result = await run(getLinks({ limit: 2 }), [{ left: 'o1' }]);

		expect(result.items.map((item) => item.json.rightRecord)).toEqual(['p1', 'p2']);
	});

	test('an unknown record is that item\'s error; Continue On Fail keeps the other items', async () => {
		sandbox.state.tulip.missingRecords.add('gone');
		seed([['o1', 'p1']]);

		const result = await run(getLinks(), [{ left: 'gone' }, { left: 'o1' }], true);

		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.error).toMatch(/^Tulip answered 404: Record "gone" was not found in table Orders01/);
		expect(result.items[1].json).toEqual({ tableLinkId: TULIP.ordersParts, leftRecord: 'o1', rightRecord: 'p1' });

		const stopped = await run(getLinks(), [{ left: 'gone' }]);
		expect(stopped.error?.message).toMatch(/^Tulip answered 404/);
	});

	test('reads are paced per left table: many items within a 50/s limit get no 429', async () => {
		sandbox.rateLimits.set('tulip', { perSecond: 50 });
		const items = Array.from({ length: 60 }, (_, n) => ({ left: `o${n}` }));
		seed([['o7', 'p7']]);

		const result = await run(getLinks({ options: { requestsPerSecond: 1000 } }), items);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.rightRecord)).toEqual(['p7']);
		expect(sandbox.requestsFor('tulip', /\/records\//)).toHaveLength(60);
		expect(sandbox.injected.rateLimited ?? 0).toBe(0);
	});
});

describe('Tulip Set Links', () => {
	beforeEach(() => {
		seed([
			['o1', 'p1'],
			['o1', 'p2'],
			['o2', 'p1'],
		]);
		// Another table link, from a record with the same ID: never read, never changed.
		seed([['o1', 'op1']], TULIP.stationsOperators);
	});

	const before = [`${TULIP.ordersParts} o1 p1`, `${TULIP.ordersParts} o1 p2`, `${TULIP.ordersParts} o2 p1`, `${TULIP.stationsOperators} o1 op1`];

	test('links what is missing, unlinks what is extra, and touches no other table link', async () => {
		const result = await run(setLinks('={{$json.rights}}', {}, { leftRecord: '={{$json.left}}' }), [
			{ left: 'o1', rights: 'p2, p3' },
			{ left: 'o2', rights: ['p1'] },
		]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { tableLinkId: TULIP.ordersParts, leftRecord: 'o1', added: ['p3'], removed: ['p1'], unchanged: ['p2'] }, pairedItem: { item: 0 } },
			{ json: { tableLinkId: TULIP.ordersParts, leftRecord: 'o2', added: [], removed: [], unchanged: ['p1'] }, pairedItem: { item: 1 } },
		]);
		expect(held()).toEqual([`${TULIP.ordersParts} o1 p2`, `${TULIP.ordersParts} o1 p3`, `${TULIP.ordersParts} o2 p1`, `${TULIP.stationsOperators} o1 op1`]);
		// One lookup, one read per item (in any order), then only the changes: the unlink first.
		const requests = received();
		expect(requests[0]).toBe(`GET ${ORDERS_PARTS}`);
		expect(requests.slice(1, 3).sort()).toEqual([`GET ${ORDER_RECORD('o1')} fields=["order_parts"]`, `GET ${ORDER_RECORD('o2')} fields=["order_parts"]`]);
		expect(requests.slice(3)).toEqual([`PUT ${ORDERS_PARTS}/unlink`, `PUT ${ORDERS_PARTS}/link`]);
		expect(sandbox.requestsFor('tulip', /\/(un)?link$/).map((request) => request.body)).toEqual([
			{ leftRecord: 'o1', rightRecord: 'p1' },
			{ leftRecord: 'o1', rightRecord: 'p3' },
		]);
	});

	test('a second run with the same input reads only and writes nothing', async () => {
		await run(setLinks(['p2', 'p3']));
		sandbox.requests.length = 0;

		const second = await run(setLinks(['p2', 'p3']));

		expect(second.items[0].json).toEqual({ tableLinkId: TULIP.ordersParts, leftRecord: 'o1', added: [], removed: [], unchanged: ['p2', 'p3'] });
		expect(received()).toEqual([`GET ${ORDERS_PARTS}`, `GET ${ORDER_RECORD('o1')} fields=["order_parts"]`]);
	});

	test('Dry Run outputs the diff and sends no write', async () => {
		const result = await run(setLinks('p2, p3', { dryRun: true }));

		expect(result.items[0].json).toEqual({ tableLinkId: TULIP.ordersParts, leftRecord: 'o1', added: ['p3'], removed: ['p1'], unchanged: ['p2'], dryRun: true });
		expect(sandbox.requestsFor('tulip', /\/(un)?link$/)).toEqual([]);
		expect(held()).toEqual(before);
	});

	test('an empty set is an error naming the field unless Allow Removing All is on', async () => {
		const refused = await run(setLinks(''));
		expect(refused.error?.message).toBe('Invalid "Right Records" in item 0: is empty, which would remove all 2 links in scope; turn on Options › Allow Removing All to do that');
		expect(sandbox.requestsFor('tulip', /\/(un)?link$/)).toEqual([]);

		const allowed = await run(setLinks('', { allowRemovingAll: true }));
		expect(allowed.items[0].json).toMatchObject({ added: [], removed: ['p1', 'p2'], unchanged: [] });
		expect(held()).toEqual([`${TULIP.ordersParts} o2 p1`, `${TULIP.stationsOperators} o1 op1`]);
	});

	test('a partial failure says what was done before it; Continue On Fail keeps it on the error item', async () => {
		sandbox.addFault({
			vendor: 'tulip',
			path: /\/link$/,
			after: 1,
			fault: { kind: 'status', status: 422, body: { errorCode: 'RECORD_NOT_FOUND', errorUniqueID: 'abc123', details: 'Record "p4" does not exist in the right table' } },
		});

		const result = await run(setLinks(['p2', 'p3', 'p4'], { concurrency: 1 }), [{}], true);

		expect(result.items).toHaveLength(1);
		const error = result.items[0].error as unknown as { message: string; description: string; context: IDataObject };
		expect(result.items[0].json.error).toMatch(/^Tulip answered 422: Record "p4" does not exist in the right table/);
		expect(error.description).toContain('Before the failure added p3 and removed p1; nothing else was confirmed.');
		expect(error.context).toMatchObject({ added: ['p3'], removed: ['p1'] });
		expect(held()).toEqual([`${TULIP.ordersParts} o1 p2`, `${TULIP.ordersParts} o1 p3`, `${TULIP.ordersParts} o2 p1`, `${TULIP.stationsOperators} o1 op1`]);
	});

	test('without Continue On Fail the same failure stops the run with that message', async () => {
		sandbox.addFault({
			vendor: 'tulip',
			path: /\/link$/,
			fault: { kind: 'status', status: 422, body: { errorCode: 'RECORD_NOT_FOUND', errorUniqueID: 'abc124', details: 'Record "p3" does not exist in the right table' } },
		});

		const result = await run(setLinks(['p2', 'p3']));

		expect(result.error?.message).toMatch(/^Tulip answered 422/);
		expect((result.error as unknown as { description: string }).description).toContain('Before the failure removed p1; nothing else was confirmed.');
	});
});

describe.each(TULIP_VARIANTS.unlinkedColumn)('Tulip reads, a column without links read as %s', (unlinkedColumn) => {
	beforeEach(() => {
		sandbox.state.tulip.variants.unlinkedColumn = unlinkedColumn;
	});

	test('Get Links gives nothing for the record without links', async () => {
		seed([['o2', 'p2']]);

		const result = await run(getLinks(), [{ left: 'o1' }, { left: 'o2' }]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { tableLinkId: TULIP.ordersParts, leftRecord: 'o2', rightRecord: 'p2' }, pairedItem: { item: 1 } }]);
	});

	test('Set Links adds every wanted record to a record without links, and empties it again', async () => {
		const added = await run(setLinks(['p1', 'p2']));
		expect(added.items[0].json).toMatchObject({ added: ['p1', 'p2'], removed: [], unchanged: [] });

		const emptied = await run(setLinks([], { allowRemovingAll: true }));
		expect(emptied.items[0].json).toMatchObject({ added: [], removed: ['p1', 'p2'], unchanged: [] });
		expect(held()).toEqual([]);

		sandbox.requests.length = 0;
		const again = await run(setLinks([], { allowRemovingAll: true }));
		expect(again.items[0].json).toMatchObject({ added: [], removed: [], unchanged: [] });
		expect(sandbox.requestsFor('tulip', /\/(un)?link$/)).toEqual([]);
	});
});
