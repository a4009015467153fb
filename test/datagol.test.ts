import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { testCredential } from './harness/credential-test';
import { type OperationRun, runNode, runOperation } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { DATAGOL, DATAGOL_JWT, DATAGOL_SERVICE_TOKEN, DATAGOL_VIEWER_JWT, dataGolLinkKey } from './sandbox/datagol';

const sandbox = useSandbox();

const { workspaceId, ordersTable, ordersCustomerColumn, ordersProductColumn, partsTable, partsSupplierColumn } = DATAGOL;
const ORDERS_PATH = `/noCo/api/v2/workspaces/${workspaceId}/tables/${ordersTable}/linkRecordV2`;
const PARTS_PATH = `/noCo/api/v2/workspaces/${workspaceId}/tables/${partsTable}/linkRecordV2`;

const credentials = (token = DATAGOL_JWT, authHeader = 'bearer', baseUrl = sandbox.baseUrl('datagol')) =>
	vendorCase('datagol').credentials(baseUrl, { token, authHeader });

/** Every parameter mapped from the input item, as a user maps fields from an earlier node. */
const byExpression: INodeParameters = {
	workspaceId: '={{$json.ws}}',
	workbookId: '={{$json.table}}',
	linkColumnId: '={{$json.column}}',
	sourceRecordId: '={{$json.src}}',
	destinationRecordId: '={{$json.dst}}',
};

/** An input item: ws, table, column, src, dst (anything, to feed bad values too). */
type PairItem = IDataObject;

const order = (src: string | number, dst: string | number, column: string = ordersCustomerColumn): PairItem => ({
	ws: workspaceId,
	table: ordersTable,
	column,
	src,
	dst,
});
const part = (src: string | number, dst: string | number): PairItem => ({
	ws: workspaceId,
	table: partsTable,
	column: partsSupplierColumn,
	src,
	dst,
});

const run = async (operation: 'link' | 'unlink', items: PairItem[], { store = credentials(), ...rest }: OperationRun = {}) =>
	await runOperation('dataGol', { operation, ...byExpression }, items, { store, ...rest });

/** The output item the node promises for a pair. */
function pairOutput(operation: 'link' | 'unlink', item: PairItem, extra: IDataObject = {}) {
	return {
		operation,
		workspaceId: item.ws,
		workbookId: item.table,
		linkColumnId: item.column,
		sourceRecordId: Number(item.src),
		destinationRecordId: Number(item.dst),
		[operation === 'link' ? 'linked' : 'unlinked']: true,
		...extra,
	};
}

const key = (item: PairItem) => dataGolLinkKey(String(item.table), String(item.column), Number(item.src), Number(item.dst));
const storedLinks = () => [...sandbox.state.datagol.links].sort();
const bodyOf = (item: PairItem) => ({
	sourceRecordId: Number(item.src),
	destinationRecordId: Number(item.dst),
	linkColumnId: item.column,
});

describe('DataGOL Link', () => {
	test('links one pair: one POST with a one-element array, and an output item saying what was linked', async () => {
		const item = order(1, 2);
		const result = await run('link', [item]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: pairOutput('link', item), pairedItem: { item: 0 } }]);
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe(ORDERS_PATH);
		expect(request.body).toEqual([{ sourceRecordId: 1, destinationRecordId: 2, linkColumnId: ordersCustomerColumn }]);
		expect(request.headers.authorization).toBe(`Bearer ${DATAGOL_JWT}`);
		expect(request.headers['x-auth-token']).toBeUndefined();
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(storedLinks()).toEqual([key(item)]);
	});

	test('links many pairs of one table in one request, outputs in input order with pairedItem', async () => {
		const items = [order(5, 1), order(3, 9, ordersProductColumn), order(0, 0), order(7, 7), order(2, 4, ordersProductColumn)];
		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual(items.map((item, index) => ({ json: pairOutput('link', item), pairedItem: { item: index } })));
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0].body).toEqual(items.map(bodyOf));
		expect(storedLinks()).toEqual(items.map(key).sort());
	});

	test('record ids given as numeric text by an expression are sent as numbers', async () => {
		const result = await run('link', [order('42', ' 7 ')]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].body).toEqual([{ sourceRecordId: 42, destinationRecordId: 7, linkColumnId: ordersCustomerColumn }]);
		expect(result.items[0].json).toMatchObject({ sourceRecordId: 42, destinationRecordId: 7, linked: true });
	});

	test('fixed (non-expression) parameters work too', async () => {
		const result = await runNode({
			node: 'dataGol',
			parameters: {
				operation: 'link',
				workspaceId,
				workbookId: ordersTable,
				linkColumnId: ordersCustomerColumn,
				sourceRecordId: 11,
				destinationRecordId: 12,
			},
			items: [{}],
			credentials: credentials(),
		});

		expect(result.error).toBeUndefined();
		expect(storedLinks()).toEqual([dataGolLinkKey(ordersTable, ordersCustomerColumn, 11, 12)]);
	});

	test('1,000 pairs for one table make 4 requests of 250, and 1,000 output items in order', async () => {
		const items = Array.from({ length: 1000 }, (_, n) => order(n, 1000 + n));
		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(4);
		expect(sandbox.requests.map((request) => (request.body as unknown[]).length)).toEqual(Array(4).fill(250));
		expect(sandbox.requests.flatMap((request) => request.body as unknown[])).toEqual(
			expect.arrayContaining(items.map(bodyOf)),
		);
		expect(result.items).toHaveLength(1000);
		result.items.forEach((output, index) => {
			expect(output.pairedItem).toEqual({ item: index });
			expect(output.json).toEqual(pairOutput('link', items[index]));
		});
		expect(sandbox.state.datagol.links.size).toBe(1000);
	});

	test('the Batch Size option caps pairs per request', async () => {
		const items = Array.from({ length: 7 }, (_, n) => order(n, n));
		const result = await run('link', items, { options: { batchSize: 3 } });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => (request.body as unknown[]).length).sort()).toEqual([1, 3, 3]);
		expect(sandbox.state.datagol.links.size).toBe(7);
	});

	test('pairs of different tables go in separate requests; outputs keep input order', async () => {
		const items = [order(1, 1), part(2, 2), order(3, 3), part(4, 4), order(5, 5)];
		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(2);
		const byPath = Object.fromEntries(sandbox.requests.map((request) => [request.path, request.body]));
		expect(byPath[ORDERS_PATH]).toEqual([order(1, 1), order(3, 3), order(5, 5)].map(bodyOf));
		expect(byPath[PARTS_PATH]).toEqual([part(2, 2), part(4, 4)].map(bodyOf));
		expect(result.items.map((output) => output.json)).toEqual(items.map((item) => pairOutput('link', item)));
		expect(result.items.map((output) => output.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(storedLinks()).toEqual(items.map(key).sort());
	});

	test('an upper-case UUID joins the same batch as its lower-case twin', async () => {
		const items = [order(1, 1), { ...order(2, 2), ws: workspaceId.toUpperCase(), table: ordersTable.toUpperCase() }];
		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(1);
		expect(sandbox.state.datagol.links.size).toBe(2);
	});

	test('a refused batch fails every item of it and links none of them', async () => {
		const unknownColumn = '99999999-9999-4999-8999-999999999999';
		const items = [order(1, 1), order(2, 2, unknownColumn), order(3, 3)];
		const result = await run('link', items);

		expect(result.error?.message).toBe(`DataGOL answered 400: Link column ${unknownColumn} not found in table Orders`);
		expect((result.error as { httpCode?: string }).httpCode).toBe('400');
		expect(sandbox.requestCount).toBe(1);
		expect(storedLinks()).toEqual([]);
	});

	test('with Continue On Fail, a refused batch gives an error item for each of its items; other batches link', async () => {
		const unknownColumn = '99999999-9999-4999-8999-999999999999';
		const items = [order(1, 1), part(2, 2), order(3, 3, unknownColumn), part(4, 4), order(5, 5)];
		const result = await run('link', items, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((output) => output.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		const refused = { error: `DataGOL answered 400: Link column ${unknownColumn} not found in table Orders` };
		for (const index of [0, 2, 4]) {
			expect(result.items[index].json).toEqual(refused);
			expect((result.items[index].error as { httpCode?: string }).httpCode).toBe('400');
		}
		expect(result.items[1].json).toEqual(pairOutput('link', items[1]));
		expect(result.items[3].json).toEqual(pairOutput('link', items[3]));
		expect(storedLinks()).toEqual([key(items[1]), key(items[3])].sort());
	});

	test('re-linking a linked pair that DataGOL refuses as "already linked" is a success with a note', async () => {
		sandbox.state.datagol.variants.noChange = 'refuse';
		sandbox.state.datagol.links.add(key(order(2, 2)));
		const items = [order(1, 1), order(2, 2), order(3, 3)];

		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(result.items.map((output) => output.json)).toEqual([
			pairOutput('link', items[0]),
			pairOutput('link', items[1], { alreadyLinked: true }),
			pairOutput('link', items[2]),
		]);
		// The batch was refused whole, then each pair was sent on its own.
		expect(sandbox.requests.map((request) => (request.body as unknown[]).length)).toEqual([3, 1, 1, 1]);
		expect(storedLinks()).toEqual(items.map(key).sort());
	});

	test('when a pair re-sent on its own fails for another reason, the whole batch fails (none reported linked)', async () => {
		sandbox.state.datagol.variants.noChange = 'refuse';
		sandbox.state.datagol.links.add(key(order(1, 1)));
		sandbox.addFault({
			vendor: 'datagol',
			after: 2,
			fault: { kind: 'status', status: 400, body: { status: 400, message: 'Destination record 3 not found' } },
		});
		const items = [order(1, 1), order(2, 2), order(3, 3)];

		const result = await run('link', items, { continueOnFail: true });

		expect(result.items.map((output) => output.json.error)).toEqual(
			Array(3).fill('DataGOL answered 400: Destination record 3 not found'),
		);
		expect(result.items.every((output) => output.json.linked === undefined)).toBe(true);
	});
});

describe('DataGOL Unlink', () => {
	test('unlinks one pair with a DELETE carrying the same array body', async () => {
		const item = order(1, 2);
		sandbox.state.datagol.links.add(key(item));

		const result = await run('unlink', [item]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: pairOutput('unlink', item), pairedItem: { item: 0 } }]);
		const [request] = sandbox.requests;
		expect(request.method).toBe('DELETE');
		expect(request.path).toBe(ORDERS_PATH);
		expect(request.body).toEqual([bodyOf(item)]);
		expect(storedLinks()).toEqual([]);
	});

	test('unlinks many pairs of two tables in one request per table, leaving other links alone', async () => {
		const keep = order(9, 9);
		const items = [order(1, 1), part(2, 2), order(3, 3), part(4, 4)];
		for (const item of [keep, ...items]) sandbox.state.datagol.links.add(key(item));

		const result = await run('unlink', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
		expect(result.items.map((output) => output.json)).toEqual(items.map((item) => pairOutput('unlink', item)));
		expect(result.items.map((output) => output.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(storedLinks()).toEqual([key(keep)]);
	});

	test('unlinking a pair DataGOL says is not linked is a success with a note', async () => {
		sandbox.state.datagol.variants.noChange = 'refuse';
		const items = [order(1, 1), order(2, 2)];
		sandbox.state.datagol.links.add(key(items[0]));

		const result = await run('unlink', items);

		expect(result.error).toBeUndefined();
		expect(result.items.map((output) => output.json)).toEqual([
			pairOutput('unlink', items[0]),
			pairOutput('unlink', items[1], { alreadyUnlinked: true }),
		]);
		expect(storedLinks()).toEqual([]);
	});

	test('1,000 unlinks for one table make 4 requests of 250', async () => {
		const items = Array.from({ length: 1000 }, (_, n) => order(n, n));
		for (const item of items) sandbox.state.datagol.links.add(key(item));

		const result = await run('unlink', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(4);
		expect(result.items).toHaveLength(1000);
		expect(sandbox.state.datagol.links.size).toBe(0);
	});
});

describe('DataGOL credential', () => {
	test('the credential test passes with a JWT as Bearer and with a service token as x-auth-token', async () => {
		const baseUrl = sandbox.baseUrl('datagol');
		expect(await testCredential('recordLinksDataGolApi', { baseUrl, token: DATAGOL_JWT, authHeader: 'bearer' })).toMatchObject({
			ok: true,
			status: 200,
		});
		expect(
			await testCredential('recordLinksDataGolApi', { baseUrl, token: DATAGOL_SERVICE_TOKEN, authHeader: 'xAuthToken' }),
		).toMatchObject({ ok: true, status: 200 });

		const [bearer, xAuth] = sandbox.requests;
		expect(bearer.path).toBe('/noCo/api/v2/workspaces');
		expect(bearer.headers.authorization).toBe(`Bearer ${DATAGOL_JWT}`);
		expect(xAuth.headers['x-auth-token']).toBe(DATAGOL_SERVICE_TOKEN);
		expect(xAuth.headers.authorization).toBeUndefined();
	});

	test.each([
		['a wrong token as Bearer', 'not-a-token', 'bearer'],
		['a wrong token as x-auth-token', 'not-a-token', 'xAuthToken'],
		['a service token in the Bearer header', DATAGOL_SERVICE_TOKEN, 'bearer'],
		['a JWT in the x-auth-token header', DATAGOL_JWT, 'xAuthToken'],
	])('the credential test fails with %s (401)', async (_case, token, authHeader) => {
		const result = await testCredential('recordLinksDataGolApi', { baseUrl: sandbox.baseUrl('datagol'), token, authHeader });
		expect(result).toMatchObject({ ok: false, status: 401 });
		expect(sandbox.requests).toHaveLength(1);
	});

	test.each([
		['with a trailing slash', '/'],
		['with /noCo/api/v2 pasted', '/noCo/api/v2/'],
	])('a base URL %s still reaches the right endpoints', async (_case, suffix) => {
		const baseUrl = `${sandbox.baseUrl('datagol')}${suffix}`;
		expect(await testCredential('recordLinksDataGolApi', { baseUrl, token: DATAGOL_JWT, authHeader: 'bearer' })).toMatchObject({ ok: true });

		const result = await run('link', [order(1, 1)], { store: credentials(DATAGOL_JWT, 'bearer', baseUrl) });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/noCo/api/v2/workspaces', ORDERS_PATH]);
	});

	test('the node sends a service token in x-auth-token and no Authorization header', async () => {
		const result = await run('link', [order(1, 1)], { store: credentials(DATAGOL_SERVICE_TOKEN, 'xAuthToken') });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].headers['x-auth-token']).toBe(DATAGOL_SERVICE_TOKEN);
		expect(sandbox.requests[0].headers.authorization).toBeUndefined();
		expect(storedLinks()).toEqual([key(order(1, 1))]);
	});

	test('a token pasted as "Bearer …" is sent with one Bearer', async () => {
		const result = await run('link', [order(1, 1)], { store: credentials(` Bearer ${DATAGOL_JWT} `) });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].headers.authorization).toBe(`Bearer ${DATAGOL_JWT}`);
	});
});

describe('DataGOL bad input', () => {
	test.each([
		['Workspace ID', 'a path', { ws: '../x' }, 'must be a UUID'],
		['Workspace ID', 'a slash', { ws: `${workspaceId}/tables` }, 'must be a UUID'],
		['Workbook ID', 'an empty value', { table: '' }, 'must not be empty'],
		['Workbook ID', 'a non-UUID', { table: 'orders' }, 'must be a UUID'],
		['Link Column ID', 'a UUID with an encoded slash', { column: '21224153-2f85-4b24-a306-4cfbc7e73f70%2F' }, 'must be a UUID'],
		['Source Record ID', 'a fraction', { src: 1.5 }, 'must be a non-negative whole number'],
		['Source Record ID', 'a negative number', { src: -1 }, 'must be a non-negative whole number'],
		['Source Record ID', 'a fraction as text', { src: '1.5' }, 'must be a non-negative whole number'],
		['Destination Record ID', 'text', { dst: 'abc' }, 'must be a non-negative whole number'],
		['Destination Record ID', 'a negative number as text', { dst: '-1' }, 'must be a non-negative whole number'],
	])('%s: %s stops the node, naming the item and the field, before anything is sent', async (field, _case, change, problem) => {
		const items = [order(1, 1), { ...order(2, 2), ...change }];
		const result = await run('link', items);

		expect(result.error?.message.startsWith(`Invalid "${field}" in item 1: ${problem}`)).toBe(true);
		expect(result.error?.description).toBe('Nothing was sent for this item.');
		expect(sandbox.requestCount).toBe(0);
		expect(storedLinks()).toEqual([]);
	});

	test('a missing record id is "required"', async () => {
		const result = await run('link', [{ ws: workspaceId, table: ordersTable, column: ordersCustomerColumn, src: 1 }]);
		expect(result.error?.message).toBe('Invalid "Destination Record ID" in item 0: is required');
		expect(sandbox.requestCount).toBe(0);
	});

	test('with Continue On Fail, a bad item becomes an error item and is left out of its batch', async () => {
		const items = [order(1, 1), order('x', 2), order(3, 3), { ...order(4, 4), ws: '../../admin' }];
		const result = await run('link', items, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((output) => output.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(result.items[0].json).toEqual(pairOutput('link', items[0]));
		expect(result.items[1].json).toEqual({
			error: 'Invalid "Source Record ID" in item 1: must be a non-negative whole number (a row ID)',
		});
		expect(result.items[1].error?.description).toBe('Nothing was sent for this item.');
		expect(result.items[2].json).toEqual(pairOutput('link', items[2]));
		expect(result.items[3].json.error).toMatch(/^Invalid "Workspace ID" in item 3: must be a UUID/);
		expect(sandbox.requestCount).toBe(1);
		expect(sandbox.requests[0].body).toEqual([bodyOf(items[0]), bodyOf(items[2])]);
		expect(storedLinks()).toEqual([key(items[0]), key(items[2])].sort());
	});
});

describe('DataGOL errors and retries', () => {
	test('a rejected token fails with DataGOL\'s 401 message and never shows the token', async () => {
		const secret = 'datagol-secret-that-must-not-leak';
		const result = await run('link', [order(1, 1), order(2, 2)], { store: credentials(secret) });

		expect(result.error?.message).toBe('DataGOL answered 401: Invalid or expired token');
		expect((result.error as { httpCode?: string }).httpCode).toBe('401');
		expect(sandbox.requestCount).toBe(1);
		expect(JSON.stringify(result.run.data)).not.toContain(secret);
		expect(JSON.stringify(result.error)).not.toContain(secret);
	});

	test('with Continue On Fail, a 401 becomes error items that do not contain the token', async () => {
		const result = await run('link', [order(1, 1), order(2, 2)], { store: credentials(DATAGOL_SERVICE_TOKEN), continueOnFail: true });

		expect(result.items.map((output) => output.json)).toEqual([
			{ error: 'DataGOL answered 401: Invalid or expired token' },
			{ error: 'DataGOL answered 401: Invalid or expired token' },
		]);
		expect(result.items.map((output) => (output.error as { httpCode?: string }).httpCode)).toEqual(['401', '401']);
		expect(JSON.stringify(result.run.data)).not.toContain(DATAGOL_SERVICE_TOKEN);
	});

	test('a 403 (a VIEWER) is not retried and links nothing', async () => {
		const result = await run('link', [order(1, 1)], { store: credentials(DATAGOL_VIEWER_JWT) });

		expect(result.error?.message).toBe('DataGOL answered 403: Access denied: the VIEWER role cannot edit this table');
		expect((result.error as { httpCode?: string }).httpCode).toBe('403');
		expect(sandbox.requestCount).toBe(1);
		expect(storedLinks()).toEqual([]);
	});

	test('an unknown table is DataGOL\'s 404', async () => {
		const other = 'b0b0b0b0-0000-4000-8000-000000000000';
		const result = await run('link', [{ ...order(1, 1), table: other }]);

		expect(result.error?.message).toBe(`DataGOL answered 404: Table ${other} not found in workspace ${workspaceId}`);
		expect(sandbox.requestCount).toBe(1);
	});

	test('a 422 is not retried; its message and status reach the user', async () => {
		sandbox.addFault({
			vendor: 'datagol',
			fault: { kind: 'status', status: 422, body: { status: 422, error: 'Unprocessable Entity', message: 'Record 1 is locked' } },
		});

		const result = await run('link', [order(1, 1)]);

		expect(result.error?.message).toBe('DataGOL answered 422: Record 1 is locked');
		expect(result.error?.description).toBe('Unprocessable Entity');
		expect((result.error as { httpCode?: string }).httpCode).toBe('422');
		expect(sandbox.requestCount).toBe(1);
	});

	test('a 429 is waited out as Retry-After says, then the batch is linked', async () => {
		sandbox.addFault({
			vendor: 'datagol',
			fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: { status: 429, message: 'Too many requests' } },
		});
		const items = [order(1, 1), order(2, 2)];

		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(2);
		expect(sandbox.requests[1].receivedAt - sandbox.requests[0].receivedAt).toBeGreaterThanOrEqual(950);
		expect(sandbox.requests[1].body).toEqual(items.map(bodyOf));
		expect(storedLinks()).toEqual(items.map(key).sort());
	});

	test('the sandbox\'s own rate limit (429s) loses no item', async () => {
		sandbox.rateLimits.set('datagol', { perSecond: 2 });
		const items = Array.from({ length: 50 }, (_, n) => order(n, n));

		const result = await run('link', items, { options: { batchSize: 10, concurrency: 5 } });

		expect(result.error).toBeUndefined();
		expect(sandbox.injected.rateLimited).toBeGreaterThan(0);
		expect(sandbox.state.datagol.links.size).toBe(50);
		expect(result.items.every((output) => output.json.linked === true)).toBe(true);
	});

	test('502/503 are retried and the batch is linked once', async () => {
		sandbox.addFault({ vendor: 'datagol', fault: { kind: 'status', status: 503, body: { message: 'Service Unavailable' } } });
		sandbox.addFault({ vendor: 'datagol', fault: { kind: 'status', status: 502, body: '<html>Bad Gateway</html>' } });

		const result = await run('link', [order(1, 1), order(2, 2)]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(3);
		expect(storedLinks()).toEqual([key(order(1, 1)), key(order(2, 2))].sort());
	});

	test('a 500 is not retried', async () => {
		sandbox.addFault({ vendor: 'datagol', fault: { kind: 'status', status: 500, body: { status: 500, message: 'NullPointerException' } } });

		const result = await run('link', [order(1, 1)]);

		expect(result.error?.message).toBe('DataGOL answered 500: NullPointerException');
		expect(sandbox.requestCount).toBe(1);
	});

	test('a connection dropped after DataGOL linked the batch is retried safely (linking is idempotent)', async () => {
		sandbox.addFault({ vendor: 'datagol', fault: { kind: 'drop-after' } });
		const items = [order(1, 1), order(2, 2)];

		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(2);
		expect(result.items.map((output) => output.json)).toEqual(items.map((item) => pairOutput('link', item)));
		expect(storedLinks()).toEqual(items.map(key).sort());
	});

	test('a 200 whose body says success: false fails every item of the batch', async () => {
		sandbox.addFault({
			vendor: 'datagol',
			fault: { kind: 'raw', text: '{"success":false,"message":"Link column is read-only"}' },
		});

		const result = await run('link', [order(1, 1), order(2, 2)], { continueOnFail: true });

		expect(result.items.map((output) => output.json.error)).toEqual([
			'DataGOL refused the request: Link column is read-only',
			'DataGOL refused the request: Link column is read-only',
		]);
		// A refusal is not retried.
		expect(sandbox.requestCount).toBe(1);
	});
});
