/**
 * The pickers (resource locator lists) of DataGOL, Tulip and FairCom, called the way n8n's editor
 * calls them (n8n-core's LoadOptionsContext, the credential's real authentication), against the
 * sandbox: what a user sees in the list, search, the error shown when the vendor refuses, and that
 * workflows keep running whether they hold a picked value, an ID, an expression or (saved before the
 * pickers) a plain string.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { listSearch } from './harness/load-options';
import { DATAGOL, DATAGOL_JWT, DATAGOL_SERVICE_TOKEN, dataGolLinkKey } from './sandbox/datagol';
import {
	FAIRCOM_PASSWORD,
	FAIRCOM_PERMANENT_TOKEN,
	FAIRCOM_TABLES,
	fairComActions,
	listLinks,
} from './sandbox/faircom';
import {
	TULIP,
	TULIP_ACCOUNT_KEY,
	TULIP_ACCOUNT_SECRET,
	TULIP_API_KEY,
	TULIP_API_SECRET,
	TULIP_WRITEONLY_KEY,
	TULIP_WRITEONLY_SECRET,
	tulipLinkKey,
} from './sandbox/tulip';

const sandbox = useSandbox();

/** A resource locator value as the editor stores it. */
const rl = (value: string, mode = 'list', cachedResultName?: string) => ({
	__rl: true,
	mode,
	value,
	...(cachedResultName ? { cachedResultName } : {}),
});

/** What the user sees: each entry's name and value. */
const shown = (result: { results: Array<{ name: string; value: string | number | boolean }> }) =>
	result.results.map(({ name, value }) => ({ name, value }));

/**
 * The error a picker throws, as the list shows it: n8n's editor backend passes a NodeApiError's
 * message, description and HTTP code on to the list (any other error: its message alone).
 */
async function pickerError(promise: Promise<unknown>) {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	const { message, description, httpCode } = error as NodeApiError;
	return { message, description: description ?? '', httpCode: httpCode ?? undefined };
}

describe('DataGOL pickers', () => {
	const { workspaceId, opsWorkspaceId, ordersTable, partsTable, productsTable, legacyTable } = DATAGOL;

	const credentials = (token = DATAGOL_JWT, authHeader = 'bearer') =>
		vendorCase('datagol').credentials(sandbox.baseUrl('datagol'), { token, authHeader });

	const search = (method: string, filter: string | undefined, parameters: INodeParameters, store = credentials()) =>
		listSearch(method, filter, { node: 'dataGol', parameters: { operation: 'link', ...parameters }, credentials: store });

	test('workspaces: the workspaces DataGOL lists, searchable by name', async () => {
		const result = await search('searchWorkspaces', undefined, {});

		expect(shown(result)).toEqual([
			{ name: 'Operations', value: opsWorkspaceId },
			{ name: 'Sales', value: workspaceId },
		]);
		const [request] = sandbox.requests;
		expect(sandbox.requests).toHaveLength(1);
		expect(request.method).toBe('GET');
		expect(request.path).toBe('/noCo/api/v2/workspaces');
		expect(request.headers.authorization).toBe(`Bearer ${DATAGOL_JWT}`);

		expect(shown(await search('searchWorkspaces', 'SAL', {}))).toEqual([{ name: 'Sales', value: workspaceId }]);
		expect(shown(await search('searchWorkspaces', 'nothing like it', {}))).toEqual([]);
	});

	test('workbooks: the chosen workspace\'s tables, searchable; the choice may be a picked value, an ID or an old plain string', async () => {
		const salesTables = [
			{ name: 'Customers', value: DATAGOL.customersTable },
			{ name: 'Orders', value: ordersTable },
			{ name: 'Parts', value: partsTable },
			{ name: 'Products', value: productsTable },
		];
		expect(shown(await search('searchWorkbooks', undefined, { workspaceId: rl(workspaceId, 'list', 'Sales') }))).toEqual(salesTables);
		expect(shown(await search('searchWorkbooks', undefined, { workspaceId: rl(workspaceId.toUpperCase(), 'id') }))).toEqual(salesTables);
		expect(shown(await search('searchWorkbooks', undefined, { workspaceId }))).toEqual(salesTables);
		expect(shown(await search('searchWorkbooks', 'PAR', { workspaceId: rl(workspaceId) }))).toEqual([{ name: 'Parts', value: partsTable }]);
		expect(shown(await search('searchWorkbooks', undefined, { workspaceId: rl(opsWorkspaceId) }))).toEqual([
			{ name: 'Legacy import', value: legacyTable },
			{ name: 'Suppliers', value: DATAGOL.suppliersTable },
		]);
	});

	test.each([
		['no workspace chosen', rl('')],
		['a workspace from an expression', rl('={{ $json.workspace }}', 'id')],
	])('workbooks with %s: a message in the list telling to choose it or enter the workbook ID', async (_case, workspaceId) => {
		const error = await pickerError(search('searchWorkbooks', undefined, { workspaceId }));
		expect(error).toMatchObject({ message: 'Choose the workspace first' });
		expect(error.description).toMatch(/switch Workbook ID to "By ID"/);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('link columns: the LINK columns of the chosen workbook, named with the table they link to', async () => {
		const parameters = { workspaceId: rl(workspaceId), workbookId: rl(ordersTable) };
		expect(shown(await search('searchLinkColumns', undefined, parameters))).toEqual([
			{ name: 'Customer → Customers', value: DATAGOL.ordersCustomerColumn },
			{ name: 'Product → Products', value: DATAGOL.ordersProductColumn },
		]);
		const schemaRequest = sandbox.requestsFor('datagol', `/noCo/api/v2/workspaces/${workspaceId}/tables/${ordersTable}`);
		expect(schemaRequest.map((request) => request.method)).toEqual(['GET']);

		expect(shown(await search('searchLinkColumns', 'prod', parameters))).toEqual([
			{ name: 'Product → Products', value: DATAGOL.ordersProductColumn },
		]);
		// The linked table may live in another workspace; old plain strings are read as well.
		expect(shown(await search('searchLinkColumns', undefined, { workspaceId, workbookId: partsTable }))).toEqual([
			{ name: 'Supplier → Suppliers', value: DATAGOL.partsSupplierColumn },
		]);
	});

	test('link columns with a service-account token in x-auth-token', async () => {
		const result = await search(
			'searchLinkColumns',
			undefined,
			{ workspaceId: rl(workspaceId), workbookId: rl(DATAGOL.customersTable) },
			credentials(DATAGOL_SERVICE_TOKEN, 'xAuthToken'),
		);
		expect(shown(result)).toEqual([{ name: 'Orders → Orders', value: DATAGOL.customersOrdersColumn }]);
		expect(sandbox.requests.every((request) => request.headers['x-auth-token'] === DATAGOL_SERVICE_TOKEN)).toBe(true);
	});

	test.each([
		[
			'no workbook chosen',
			{ workspaceId: rl(workspaceId), workbookId: rl('') },
			'Choose the workspace and the workbook first',
			/switch Link Column ID to "By ID"/,
		],
		[
			'a workbook from an expression',
			{ workspaceId: rl(workspaceId), workbookId: rl('={{ $json.table }}', 'id') },
			'Choose the workspace and the workbook first',
			/By ID/,
		],
		[
			'a table without LINK columns',
			{ workspaceId: rl(workspaceId), workbookId: rl(productsTable) },
			'This workbook has no LINK columns',
			/^The workbook "Products" has no LINK column\. Add one in DataGOL/,
		],
		[
			'a schema answer without a column list',
			{ workspaceId: rl(opsWorkspaceId), workbookId: rl(legacyTable) },
			'No column list found in DataGOL\'s table schema',
			/"Legacy import".*Switch Link Column ID to "By ID" and enter the LINK column's UUID/,
		],
	])('link columns with %s: a message in the list telling to enter the ID', async (_case, parameters, message, description) => {
		const error = await pickerError(search('searchLinkColumns', undefined, parameters));
		expect(error).toMatchObject({ message });
		expect(error.description).toMatch(description);
	});

	test('a token DataGOL refuses: the list shows the 401 with what to check, and no token', async () => {
		const error = await pickerError(search('searchWorkspaces', undefined, {}, credentials('not-a-datagol-token-0000')));

		expect(error).toMatchObject({
			httpCode: '401',
			message: 'DataGOL answered 401: Invalid or expired token',
		});
		expect(error.description).toMatch(/Check the DataGOL credential/);
		expect(error.description).toMatch(/Send Token As/);
		expect(JSON.stringify(error)).not.toContain('not-a-datagol-token-0000');
		// One request: a 401 is not retried.
		expect(sandbox.requests).toHaveLength(1);
	});

	test('a token sent in the wrong header is refused the same way for the link columns', async () => {
		const error = await pickerError(
			search('searchLinkColumns', undefined, { workspaceId: rl(workspaceId), workbookId: rl(ordersTable) }, credentials(DATAGOL_SERVICE_TOKEN, 'bearer')),
		);
		expect(error).toMatchObject({ httpCode: '401' });
	});

	describe('runs with every stored shape', () => {
		const run = async (parameters: INodeParameters, items: IDataObject[] = [{}]) =>
			await runNode({
				node: 'dataGol',
				parameters: { operation: 'link', sourceRecordId: 1, destinationRecordId: 2, ...parameters },
				items,
				credentials: credentials(),
			});
		const linked = () => [...sandbox.state.datagol.links];

		test('plain strings saved before the pickers (and old expressions) still run unchanged', async () => {
			const result = await run({ workspaceId, workbookId: ordersTable, linkColumnId: DATAGOL.ordersCustomerColumn });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ workspaceId, workbookId: ordersTable, linked: true });
			expect(linked()).toEqual([dataGolLinkKey(ordersTable, DATAGOL.ordersCustomerColumn, 1, 2)]);

			sandbox.reset();
			const byOldExpression = await run(
				{ workspaceId: '={{ $json.ws }}', workbookId: '={{ $json.table }}', linkColumnId: '={{ $json.column }}' },
				[{ ws: workspaceId, table: partsTable, column: DATAGOL.partsSupplierColumn }],
			);
			expect(byOldExpression.error).toBeUndefined();
			expect(linked()).toEqual([dataGolLinkKey(partsTable, DATAGOL.partsSupplierColumn, 1, 2)]);
		});

		test('picked values and IDs or expressions in "By ID" run', async () => {
			const picked = await run({
				workspaceId: rl(workspaceId, 'list', 'Sales'),
				workbookId: rl(ordersTable, 'list', 'Orders'),
				linkColumnId: rl(DATAGOL.ordersProductColumn, 'list', 'Product → Products'),
			});
			expect(picked.error).toBeUndefined();
			expect(picked.items[0].json).toMatchObject({ workbookId: ordersTable, linkColumnId: DATAGOL.ordersProductColumn, linked: true });

			const byId = await run(
				{
					workspaceId: rl(` ${workspaceId} `, 'id'),
					workbookId: rl('={{ $json.table }}', 'id'),
					linkColumnId: rl('={{ $json.column }}', 'id'),
				},
				[{ table: ordersTable, column: DATAGOL.ordersCustomerColumn }],
			);
			expect(byId.error).toBeUndefined();
			expect(linked().sort()).toEqual(
				[
					dataGolLinkKey(ordersTable, DATAGOL.ordersProductColumn, 1, 2),
					dataGolLinkKey(ordersTable, DATAGOL.ordersCustomerColumn, 1, 2),
				].sort(),
			);
		});

		test('a typed "By ID" value that is no UUID: n8n flags the parameter and runs nothing', async () => {
			await expect(
				run({ workspaceId: rl('../x', 'id'), workbookId: rl(ordersTable), linkColumnId: rl(DATAGOL.ordersCustomerColumn) }),
			).rejects.toThrow(/has issues/);
			expect(sandbox.requests).toHaveLength(0);
		});

		test('an expression in "By ID" that gives no UUID is that item\'s input error, as before', async () => {
			const result = await run(
				{ workspaceId: rl('={{ $json.ws }}', 'id'), workbookId: rl(ordersTable), linkColumnId: rl(DATAGOL.ordersCustomerColumn) },
				[{ ws: '../x' }],
			);
			expect(result.error?.message).toMatch(/^Invalid "Workspace ID" in item 0: must be a UUID/);
			expect(sandbox.requests).toHaveLength(0);
		});
	});
});

describe('Tulip pickers', () => {
	const credentials = (apiKey = TULIP_API_KEY, apiSecret = TULIP_API_SECRET, workspaceId = '') =>
		vendorCase('tulip').credentials(sandbox.baseUrl('tulip'), { apiKey, apiSecret, workspaceId });

	const search = (filter: string | undefined, store = credentials()) =>
		listSearch('searchTableLinks', filter, { node: 'tulip', parameters: { operation: 'link' }, credentials: store });

	test('table links: every linked-record column as "Table › Column", with its table link ID as the value', async () => {
		const result = await search(undefined);

		expect(shown(result)).toEqual([
			{ name: 'Operators › Stations', value: TULIP.stationsOperators },
			{ name: 'Orders › Parts', value: TULIP.ordersParts },
			{ name: 'Parts › Orders', value: TULIP.ordersParts },
			{ name: 'Stations › Operators', value: TULIP.stationsOperators },
		]);
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/v3/tables']);
	});

	test('search by the table or by the column', async () => {
		expect(shown(await search('orders'))).toEqual([
			{ name: 'Orders › Parts', value: TULIP.ordersParts },
			{ name: 'Parts › Orders', value: TULIP.ordersParts },
		]);
		expect(shown(await search('stations operators'))).toEqual([
			{ name: 'Operators › Stations', value: TULIP.stationsOperators },
			{ name: 'Stations › Operators', value: TULIP.stationsOperators },
		]);
		expect(shown(await search('machines'))).toEqual([]);
	});

	test('an account-level key lists the table links of the credential\'s workspace', async () => {
		const result = await search(undefined, credentials(TULIP_ACCOUNT_KEY, TULIP_ACCOUNT_SECRET, 'plant2'));
		expect(shown(result)).toEqual([
			{ name: 'Jobs › Machine', value: TULIP.plant2Link },
			{ name: 'Machines › Jobs', value: TULIP.plant2Link },
		]);
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/api/v3/w/plant2/tables']);
	});

	test('a key without the tables:read scope: the list shows Tulip\'s 403 and the scope it needs', async () => {
		const error = await pickerError(search(undefined, credentials(TULIP_WRITEONLY_KEY, TULIP_WRITEONLY_SECRET)));

		expect(error).toMatchObject({ httpCode: '403' });
		expect(error.message).toMatch(/^Tulip answered 403: Missing scope tables:read \(FORBIDDEN\) \[error ID /);
		expect(error.description).toMatch(/needs the tables:read scope/);
	});

	test('a wrong secret: the list shows the 401', async () => {
		const error = await pickerError(search(undefined, credentials(TULIP_API_KEY, 'wrong-secret-0000')));
		expect(error).toMatchObject({ httpCode: '401' });
		expect(error.message).toMatch(/^Tulip answered 401: HTTP Basic Authorization using a valid Tulip API key is required/);
		expect(error.description).toMatch(/Check the Tulip credential/);
		expect(JSON.stringify(error)).not.toContain(TULIP_API_SECRET);
	});

	test('no linked-record column anywhere: a message telling to enter the ID', async () => {
		for (const tables of sandbox.state.tulip.tables.values()) {
			for (const table of tables) table.columns = table.columns.filter((column) => !column.dataType.tableLinkID);
		}
		const error = await pickerError(search(undefined));
		expect(error).toMatchObject({ message: 'Tulip\'s table list names no table links' });
		expect(error.description).toMatch(/None of the columns of the 4 tables .* Switch Table Link ID to "By ID"/);
	});

	describe('runs with every stored shape', () => {
		const run = async (tableLinkId: unknown, items: IDataObject[] = [{}]) =>
			await runNode({
				node: 'tulip',
				parameters: { operation: 'link', tableLinkId, leftRecord: 'o1', rightRecord: 'p1' } as INodeParameters,
				items,
				credentials: credentials(),
			});

		test.each([
			['a plain string saved before the picker', TULIP.ordersParts],
			['an old expression', '={{ $json.link }}'],
			['a picked table link', rl(TULIP.ordersParts, 'list', 'Orders › Parts')],
			['an ID', rl(TULIP.ordersParts, 'id')],
			['an expression in "By ID"', rl('={{ $json.link }}', 'id')],
		])('%s', async (_case, tableLinkId) => {
			const result = await run(tableLinkId, [{ link: TULIP.ordersParts }]);
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toEqual({ operation: 'link', tableLinkId: TULIP.ordersParts, leftRecord: 'o1', rightRecord: 'p1', linked: true });
			expect([...sandbox.state.tulip.links]).toEqual([tulipLinkKey('DEFAULT', TULIP.ordersParts, 'o1', 'p1')]);
		});

		test('a typed "By ID" value with a dash: n8n flags the parameter and runs nothing', async () => {
			await expect(run(rl('orders-parts', 'id'))).rejects.toThrow(/has issues/);
			expect(sandbox.requests).toHaveLength(0);
		});

		test('an expression in "By ID" that gives a dash is that item\'s input error, as before', async () => {
			const result = await run(rl('={{ $json.link }}', 'id'), [{ link: 'orders-parts' }]);
			expect(result.error?.message).toBe('Invalid "Table Link ID" in item 0: may contain only letters, digits and "_"');
			expect(sandbox.requests).toHaveLength(0);
		});
	});
});

describe('FairCom pickers', () => {
	/** The sandbox credential, with the default Session. */
	const credentials = (data: IDataObject = {}) =>
		vendorCase('faircom').credentials(sandbox.baseUrl('faircom'), { session: undefined, ...data });
	const tokenCredentials = (authToken: string) => credentials({ authentication: 'authToken', username: '', password: '', authToken });

	/** The node's parameters with one label entry (the one the picker belongs to). */
	const withLabel = (label: IDataObject): INodeParameters => ({ operation: 'link', labels: { label: [label] } } as INodeParameters);
	const NAME_PATH = 'parameters.labels.label[0].name';
	const GROUP_PATH = 'parameters.labels.label[0].group';

	const groups = (filter?: string, store = credentials()) =>
		listSearch('searchLabelGroups', filter, { node: 'fairCom', parameters: withLabel({}), credentials: store, path: GROUP_PATH });
	const names = (group: string | IDataObject, filter?: string, store = credentials()) =>
		listSearch('searchLabels', filter, {
			node: 'fairCom',
			parameters: withLabel({ group, name: rl('') }),
			credentials: store,
			path: NAME_PATH,
		});

	test('groups: the label groups from listLabels, over a session of its own that is ended afterwards', async () => {
		const result = await groups();

		expect(shown(result)).toEqual([
			{ name: 'colour', value: 'colour' },
			{ name: 'customer', value: 'customer' },
			{ name: 'status', value: 'status' },
		]);
		expect(fairComActions(sandbox.requests)).toEqual(['createSession', 'listLabels', 'deleteSession']);
		const listCall = sandbox.requestsFor('faircom', '/api')[1].body as IDataObject;
		expect(listCall).toMatchObject({ api: 'admin', action: 'listLabels', authToken: sandbox.state.faircom.issuedTokens[0] });
		expect(sandbox.state.faircom.deletedTokens).toEqual(sandbox.state.faircom.issuedTokens);

		expect(shown(await groups('CUST'))).toEqual([{ name: 'customer', value: 'customer' }]);
	});

	test('a session that expired (12031) is renewed once and the list read again, as in an execution', async () => {
		sandbox.state.faircom.expireNext = 1;

		expect(shown(await groups())).toEqual([
			{ name: 'colour', value: 'colour' },
			{ name: 'customer', value: 'customer' },
			{ name: 'status', value: 'status' },
		]);
		expect(fairComActions(sandbox.requests)).toEqual(['createSession', 'listLabels', 'createSession', 'listLabels', 'deleteSession']);
		const [expired, renewed] = sandbox.state.faircom.issuedTokens;
		expect(sandbox.state.faircom.deletedTokens).toEqual([renewed]);
		expect(expired).not.toEqual(renewed);
	});

	test('names: the chosen group\'s labels as "group › name", searchable; the value is the name', async () => {
		expect(shown(await names(rl('status')))).toEqual([
			{ name: 'status › closed', value: 'closed' },
			{ name: 'status › open', value: 'open' },
			{ name: 'status › priority', value: 'priority' },
		]);
		expect(shown(await names(rl('status'), 'pri'))).toEqual([{ name: 'status › priority', value: 'priority' }]);
		// A group typed by name, or saved as a plain string before the pickers.
		expect(shown(await names(rl('customer', 'name')))).toEqual([{ name: 'customer › vip', value: 'vip' }]);
		expect(shown(await names('customer'))).toEqual([{ name: 'customer › vip', value: 'vip' }]);
		expect(shown(await names(rl('colour')))).toEqual([
			{ name: 'colour › beige (deprecated)', value: 'beige' },
			{ name: 'colour › red', value: 'red' },
		]);
	});

	test('names without a group: the labels that have none; with a group from an expression: every label', async () => {
		expect(shown(await names(rl('')))).toEqual([
			{ name: 'blue', value: 'blue' },
			{ name: 'priority', value: 'priority' },
		]);
		expect(shown(await names(''))).toEqual([
			{ name: 'blue', value: 'blue' },
			{ name: 'priority', value: 'priority' },
		]);
		const all = await names(rl('={{ $json.group }}', 'name'), 'priority');
		expect(shown(all)).toEqual([
			{ name: 'priority', value: 'priority' },
			{ name: 'status › priority', value: 'priority' },
		]);
	});

	test('labels that links use are listed too', async () => {
		await runNode({
			node: 'fairCom',
			parameters: { ...withLabel({ group: 'team', name: 'night shift' }), tableName: 'orders', ids: '1' } as INodeParameters,
			items: [{}],
			credentials: credentials(),
		});
		expect(shown(await names(rl('team')))).toEqual([{ name: 'team › night shift', value: 'night shift' }]);
	});

	test('a group without labels: a message telling to pick another or type the name', async () => {
		const error = await pickerError(names(rl('nonexistent', 'name')));
		expect(error).toMatchObject({ message: 'No labels in this group' });
		expect(error.description).toMatch(/^The group "nonexistent" has no labels\..*"By Name"/);
	});

	test('with an existing auth token: the credential adds it, and no session is opened or ended', async () => {
		const result = await groups(undefined, tokenCredentials(FAIRCOM_PERMANENT_TOKEN));

		expect(result.results).toHaveLength(3);
		expect(fairComActions(sandbox.requests)).toEqual(['listLabels']);
		expect(sandbox.requestsFor('faircom', '/api')[0].body).toMatchObject({ action: 'listLabels', authToken: FAIRCOM_PERMANENT_TOKEN });
		expect(sandbox.state.faircom.sessions.has(FAIRCOM_PERMANENT_TOKEN)).toBe(true);
	});

	test('a wrong password: the list says the login failed, and nothing else is sent', async () => {
		const error = await pickerError(groups(undefined, credentials({ password: 'wrong-password-0000' })));

		expect(error.message).toBe('Could not log in to FairCom: FairCom error 451: Invalid password for this account');
		expect(error.description).toMatch(/Check the endpoint URL, username and password/);
		expect(fairComActions(sandbox.requests)).toEqual(['createSession']);
		expect(JSON.stringify(error)).not.toContain(FAIRCOM_PASSWORD);
	});

	test('an unknown auth token: FairCom\'s 12031 with what to do', async () => {
		const error = await pickerError(names(rl('status'), undefined, tokenCredentials('fc-no-such-token-00000000')));

		expect(error.message).toMatch(/^FairCom error 12031: 'authToken' does not match any existing session/);
		expect(error.description).toMatch(/create a new one and update the credential/);
		expect(fairComActions(sandbox.requests)).toEqual(['listLabels']);
	});

	describe('runs with every stored shape', () => {
		const run = async (label: IDataObject, items: IDataObject[] = [{}]) =>
			await runNode({
				node: 'fairCom',
				parameters: { ...withLabel(label), tableName: 'orders', ids: '1, 2' } as INodeParameters,
				items,
				credentials: credentials(),
			});
		const orders = FAIRCOM_TABLES.orders;
		const links = (group: string, name: string) =>
			[1, 2].map((id) => ({ databaseName: orders.databaseName, ownerName: orders.ownerName, tableName: 'orders', id, group, name }));

		test.each([
			['plain strings saved before the pickers', { group: 'status', name: 'priority' }],
			['picked from the lists', { group: rl('status', 'list', 'status'), name: rl('priority', 'list', 'status › priority') }],
			['typed by name', { group: rl('status', 'name'), name: rl(' priority ', 'name') }],
			['expressions in "By Name"', { group: rl('={{ $json.group }}', 'name'), name: rl('={{ $json.name }}', 'name') }],
		])('%s', async (_case, label) => {
			const result = await run(label, [{ group: 'status', name: 'priority' }]);
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ labels: [{ group: 'status', name: 'priority' }], ids: [1, 2], linked: true });
			expect(listLinks(sandbox.state.faircom)).toEqual(links('status', 'priority'));
		});

		test('an empty picked group is no group', async () => {
			const result = await run({ group: rl(''), name: rl('blue') });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ labels: [{ name: 'blue' }], linked: true });
			expect(listLinks(sandbox.state.faircom)).toEqual(links('', 'blue'));
		});

		test('no name picked: n8n flags the required parameter and runs nothing', async () => {
			await expect(run({ group: rl('status'), name: rl('') })).rejects.toThrow(/has issues/);
			expect(sandbox.requests).toHaveLength(0);
		});

		test('a name expression that gives nothing is that item\'s input error', async () => {
			const result = await run({ group: rl('status'), name: rl('={{ $json.name }}', 'name') }, [{ name: '' }]);
			expect(result.error?.message).toBe('Invalid "Labels" › #1 › "Name" in item 0: must not be empty');
		});
	});
});
