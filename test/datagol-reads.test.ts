import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { DATAGOL, DATAGOL_JWT, DATAGOL_VARIANTS, dataGolLinkKey } from './sandbox/datagol';

/** DataGOL's Get Links and Set Links against the sandbox: linkData reads, scope, Dry Run, a second run, partial failure. */

const sandbox = useSandbox();
const { workspaceId, ordersTable, ordersCustomerColumn, ordersProductColumn } = DATAGOL;
const credentials = () => vendorCase('datagol').credentials(sandbox.baseUrl('datagol'), { token: DATAGOL_JWT, authHeader: 'bearer' });

const TABLE_PATH = `/noCo/api/v2/workspaces/${workspaceId}/tables/${ordersTable}`;
const LINK_PATH = `${TABLE_PATH}/linkRecordV2`;
const readPath = (column: string) => `${TABLE_PATH}/${column}/linkData`;

async function run(parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ node: 'dataGol', parameters, items, credentials: credentials(), continueOnFail });
}

/** The record fields, the source record mapped from the input item. */
const record: INodeParameters = { workspaceId, workbookId: ordersTable, linkColumnId: ordersCustomerColumn, sourceRecordId: '={{$json.src}}' };
const identity = (src: number) => ({ workspaceId, workbookId: ordersTable, linkColumnId: ordersCustomerColumn, sourceRecordId: src });

const getLinks = (extra: INodeParameters = {}): INodeParameters => ({ operation: 'getLinks', ...record, ...extra });
const setLinks = (options: INodeParameters = {}): INodeParameters => ({
	operation: 'setLinks',
	...record,
	destinationRecordIds: '={{$json.dst}}',
	options,
});

/** Links held in the sandbox, as "column:source>destination" (column: c = customer, p = product). */
function held(): string[] {
	const names: Record<string, string> = { [ordersCustomerColumn]: 'c', [ordersProductColumn]: 'p' };
	return [...sandbox.state.datagol.links]
		.map((key) => {
			const [, column, source, destination] = key.split('|');
			return `${names[column]}:${source}>${destination}`;
		})
		.sort();
}

/** A request as the sandbox received it: a read's row ID, a write's body. */
interface Sent {
	method: string;
	path: string;
	id?: string | null;
	body?: unknown;
}

const requests = (): Sent[] =>
	sandbox.requestsFor('datagol').map((request) => ({
		method: request.method,
		path: request.path,
		...(request.method === 'GET' ? { id: request.query.get('id') } : { body: request.body }),
	}));
const writes = () => sandbox.requestsFor('datagol', LINK_PATH);
const pair = (source: number, destination: number) => ({ sourceRecordId: source, destinationRecordId: destination, linkColumnId: ordersCustomerColumn });

const dataGolError = (status: number, message: string) => ({
	success: false,
	version: 'v2',
	date: '2026-12-03T10:00:00.000Z',
	data: null,
	error: { statusCode: status, requestId: 'req-fault-1', message, details: {}, errorCodes: [`DG_${status}`] },
});

beforeEach(() => {
	// Order 1 → customers 10, 11, 12 and product 50 (another link column); order 2 → customer 20.
	for (const [column, source, destination] of [
		[ordersCustomerColumn, 1, 10],
		[ordersCustomerColumn, 1, 11],
		[ordersCustomerColumn, 1, 12],
		[ordersProductColumn, 1, 50],
		[ordersCustomerColumn, 2, 20],
	] as const) {
		sandbox.state.datagol.links.add(dataGolLinkKey(ordersTable, column, source, destination));
	}
});

const before = ['c:1>10', 'c:1>11', 'c:1>12', 'c:2>20', 'p:1>50'];

describe.each(DATAGOL_VARIANTS.linkData)('DataGOL reads, linkData answered as %s', (linkData) => {
	beforeEach(() => {
		sandbox.state.datagol.variants.linkData = linkData;
	});

	test('Get Links: one item per linked row, paired to its record; a record without links gives nothing', async () => {
		const result = await run(getLinks({ returnAll: true }), [{ src: 1 }, { src: 3 }, { src: 2 }]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			...[10, 11, 12].map((n) => ({ json: { ...identity(1), destinationRecordId: n, cellValues: { noco_id: n } }, pairedItem: { item: 0 } })),
			{ json: { ...identity(2), destinationRecordId: 20, cellValues: { noco_id: 20 } }, pairedItem: { item: 2 } },
		]);
		// One read per record, never of the other link column; records are read concurrently.
		expect(requests().sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(
			['1', '2', '3'].map((id) => ({ method: 'GET', path: readPath(ordersCustomerColumn), id })),
		);
	});

	test('Set Links: changes the same as with the documented answer', async () => {
		const result = await run(setLinks(), [{ src: 1, dst: [11, 13] }]);

		expect(result.items).toEqual([{ json: { ...identity(1), added: [13], removed: [10, 12], unchanged: [11] }, pairedItem: { item: 0 } }]);
		expect(held()).toEqual(['c:1>11', 'c:1>13', 'c:2>20', 'p:1>50']);
	});
});

describe('DataGOL Get Links', () => {
	test('stops at Limit', async () => {
		const result = await run(getLinks({ limit: 2 }), [{ src: 1 }]);

		expect(result.items.map((item) => item.json)).toEqual([
			{ ...identity(1), destinationRecordId: 10, cellValues: { noco_id: 10 } },
			{ ...identity(1), destinationRecordId: 11, cellValues: { noco_id: 11 } },
		]);
		expect(requests()).toEqual([{ method: 'GET', path: readPath(ordersCustomerColumn), id: '1' }]);
	});

	test('reads another link column only when asked for it', async () => {
		const result = await run(getLinks({ linkColumnId: ordersProductColumn }), [{ src: 1 }]);

		expect(result.items.map((item) => item.json)).toEqual([
			{ workspaceId, workbookId: ordersTable, linkColumnId: ordersProductColumn, sourceRecordId: 1, destinationRecordId: 50, cellValues: { noco_id: 50 } },
		]);
	});

	test('a link column the table does not have is DataGOL\'s 404', async () => {
		const result = await run(getLinks({ linkColumnId: DATAGOL.partsSupplierColumn }), [{ src: 1 }]);

		expect(result.error?.message).toBe(`DataGOL answered 404: Link column ${DATAGOL.partsSupplierColumn} not found in table Orders`);
	});
});

describe('DataGOL Set Links', () => {
	test('adds and removes in scope: one read per record, then ONE DELETE and ONE POST for the records of the table', async () => {
		const result = await run(setLinks(), [
			{ src: 1, dst: '11, 13' },
			{ src: 2, dst: [20, '21'] },
		]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { ...identity(1), added: [13], removed: [10, 12], unchanged: [11] }, pairedItem: { item: 0 } },
			{ json: { ...identity(2), added: [21], removed: [], unchanged: [20] }, pairedItem: { item: 1 } },
		]);
		// The product link of order 1 is in another link column: never read, never removed.
		expect(held()).toEqual(['c:1>11', 'c:1>13', 'c:2>20', 'c:2>21', 'p:1>50']);
		const sent = requests();
		expect(sent.slice(0, 2).sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
			{ method: 'GET', path: readPath(ordersCustomerColumn), id: '1' },
			{ method: 'GET', path: readPath(ordersCustomerColumn), id: '2' },
		]);
		expect(sent.slice(2)).toEqual([
			{ method: 'DELETE', path: LINK_PATH, body: [pair(1, 10), pair(1, 12)] },
			{ method: 'POST', path: LINK_PATH, body: [pair(1, 13), pair(2, 21)] },
		]);
	});

	test('Batch Size splits the writes', async () => {
		await run(setLinks({ batchSize: 1 }), [
			{ src: 1, dst: [11, 13] },
			{ src: 2, dst: [20, 21] },
		]);

		expect(writes().map((request) => [request.method, request.body])).toEqual([
			['DELETE', [pair(1, 10)]],
			['DELETE', [pair(1, 12)]],
			['POST', [pair(1, 13)]],
			['POST', [pair(2, 21)]],
		]);
	});

	test('Dry Run outputs the diff and sends no write', async () => {
		const result = await run(setLinks({ dryRun: true }), [{ src: 1, dst: [11, 13] }]);

		expect(result.items).toEqual([
			{ json: { ...identity(1), added: [13], removed: [10, 12], unchanged: [11], dryRun: true }, pairedItem: { item: 0 } },
		]);
		expect(writes()).toEqual([]);
		expect(held()).toEqual(before);
	});

	test('a second run with the same input reads only', async () => {
		await run(setLinks(), [{ src: 1, dst: [11, 13] }]);
		sandbox.requests.length = 0;

		const second = await run(setLinks(), [{ src: 1, dst: [11, 13] }]);

		expect(second.items).toEqual([{ json: { ...identity(1), added: [], removed: [], unchanged: [11, 13] }, pairedItem: { item: 0 } }]);
		expect(requests()).toEqual([{ method: 'GET', path: readPath(ordersCustomerColumn), id: '1' }]);
	});

	test('an empty set is an error naming the field unless Allow Removing All is on', async () => {
		const refused = await run(setLinks(), [{ src: 1, dst: '' }]);
		expect(refused.error?.message).toBe(
			'Invalid "Destination Record IDs" in item 0: is empty, which would remove all 3 links in scope; turn on Options › Allow Removing All to do that',
		);
		expect(writes()).toEqual([]);

		const allowed = await run(setLinks({ allowRemovingAll: true }), [{ src: 1, dst: '' }]);
		expect(allowed.items).toEqual([{ json: { ...identity(1), added: [], removed: [10, 11, 12], unchanged: [] }, pairedItem: { item: 0 } }]);
		expect(held()).toEqual(['c:2>20', 'p:1>50']);
	});

	test('a bad row ID in the set is refused before anything is sent', async () => {
		const result = await run(setLinks(), [{ src: 1, dst: '11, 1.5' }]);

		expect(result.error?.message).toBe('Invalid "Destination Record IDs" › #2 in item 0: must be a non-negative whole number (a row ID)');
		expect(sandbox.requests).toEqual([]);
	});

	test('a failed POST says what was removed before it; Continue On Fail keeps it on the error item', async () => {
		sandbox.addFault({ vendor: 'datagol', method: 'POST', fault: { kind: 'status', status: 403, body: dataGolError(403, 'Access denied') } });

		const result = await run(setLinks(), [{ src: 1, dst: [11, 13] }], true);

		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({ error: 'DataGOL answered 403: Access denied' });
		const error = result.items[0].error as unknown as { description: string; context: IDataObject };
		expect(error.description).toContain('Before the failure removed 10, 12; nothing else was confirmed.');
		expect(error.context).toMatchObject({ added: [], removed: [10, 12] });
		expect(held()).toEqual(['c:1>11', 'c:2>20', 'p:1>50']);
	});

	test('a failed DELETE fails the item before any POST, saying nothing was changed', async () => {
		sandbox.addFault({ vendor: 'datagol', method: 'DELETE', fault: { kind: 'status', status: 403, body: dataGolError(403, 'Access denied') } });

		const result = await run(setLinks(), [{ src: 1, dst: [11, 13] }]);

		expect(result.error?.message).toBe('DataGOL answered 403: Access denied');
		expect(result.error?.description).toContain('No change of this record was confirmed before the failure.');
		expect(writes().map((request) => request.method)).toEqual(['DELETE']);
		expect(held()).toEqual(before);
	});
});
