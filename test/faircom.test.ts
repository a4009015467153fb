import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { testCredential } from './harness/credential-test';
import { CredentialStore, runNode, type RunResult } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import {
	FAIRCOM_PASSWORD,
	FAIRCOM_PERMANENT_TOKEN,
	FAIRCOM_TABLES,
	FAIRCOM_USERNAME,
	fairComActions,
	fairComSandbox,
	type FairComLink,
	type FairComState,
	type FairComTable,
	listLinks,
	seedLinks,
	sortLinks,
} from './sandbox/faircom';

const sandbox = useSandbox();

const state = (): FairComState => sandbox.state.faircom;
const endpoint = () => `${sandbox.baseUrl('faircom')}/api`;
const actions = () => fairComActions(sandbox.requests);
const bodies = (action?: string) =>
	sandbox
		.requestsFor('faircom', '/api')
		.map((request) => request.body as IDataObject)
		.filter((body) => action === undefined || body.action === action);

/**
 * The sandbox credential: a password login and a session per execution (these tests show the session
 * of one execution; "FairCom session reuse" below shows the default).
 */
const credentials = (data: IDataObject = {}) => vendorCase('faircom').credentials(sandbox.baseUrl('faircom'), data);

const tokenCredentials = (authToken: string) => credentials({ authentication: 'authToken', username: '', password: '', authToken });

type LabelInput = string | { name: string; group: string };
const labels = (...entries: LabelInput[]) => ({
	label: entries.map((entry) => (typeof entry === 'string' ? { name: entry, group: '' } : entry)),
});

function params(overrides: INodeParameters = {}): INodeParameters {
	return {
		operation: 'link',
		labels: labels('priority'),
		tableName: 'orders',
		ids: '1, 2',
		databaseName: '',
		ownerName: '',
		verifyLinks: true,
		...overrides,
	};
}

function link(id: number, name: string, group = '', table: FairComTable = FAIRCOM_TABLES.orders): FairComLink {
	return { databaseName: table.databaseName, ownerName: table.ownerName, tableName: table.tableName, id, group, name };
}

/** Runs the FairCom node: `params(overrides)` on `items`, with the password credential unless told. */
const runFairCom = (
	overrides: INodeParameters = {},
	items: IDataObject[] = [{}],
	options: { credentials?: CredentialStore; continueOnFail?: boolean } = {},
) => runNode({ node: 'fairCom', parameters: params(overrides), items, credentials: options.credentials ?? credentials(), ...options });

/** The Link output item for the label "priority" on records `ids` of `tableName`. */
const linked = (ids: number[], tableName = 'orders') => ({ operation: 'link', labels: [{ name: 'priority' }], tableName, ids, linked: true });

/** FairCom's warning when the label "priority" is already on record `id` of the orders table. */
const alreadyLinked = (id: number) => `Label priority is already linked to database faircom, owner admin, and table orders with primary key ${id}`;

/** The calls of a link whose session expired once: log in, link, log in again, link again, end the session. */
const RENEWED_SESSION = ['createSession', 'linkLabelsToRecords', 'createSession', 'linkLabelsToRecords', 'deleteSession'];

const expectLinks = (links: FairComLink[]) => expect(listLinks(state())).toEqual(sortLinks(links));

const json = (result: RunResult) => result.items.map((item) => item.json);

/** No password or session token anywhere in what the node gave back. */
function expectNoSecrets(result: RunResult) {
	const shown = JSON.stringify({
		items: result.items.map((item) => ({ json: item.json, error: item.error && { message: item.error.message, description: item.error.description } })),
		error: result.error && { message: result.error.message, description: result.error.description },
	});
	for (const secret of [FAIRCOM_PASSWORD, FAIRCOM_PERMANENT_TOKEN, 'not-a-real-token-0000', ...state().issuedTokens]) {
		expect(shown).not.toContain(secret);
	}
}

describe('FairCom link and unlink', () => {
	test('links over one session: createSession, one link call, deleteSession', async () => {
		const result = await runFairCom({ labels: labels('priority', { name: 'vip', group: 'customer' }) });
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{
				operation: 'link',
				labels: [{ name: 'priority' }, { group: 'customer', name: 'vip' }],
				tableName: 'orders',
				ids: [1, 2],
				linked: true,
			},
		]);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'deleteSession']);
		const [token] = state().issuedTokens;
		expect(state().issuedTokens).toHaveLength(1);
		// The credential's authenticate put the login into the createSession body.
		expect(bodies('createSession')[0]).toEqual({
			api: 'admin',
			action: 'createSession',
			params: { description: 'n8n FairCom node', username: FAIRCOM_USERNAME, password: FAIRCOM_PASSWORD },
		});
		expect(bodies('linkLabelsToRecords')).toEqual([
			{
				api: 'db',
				action: 'linkLabelsToRecords',
				params: {
					labels: [{ name: 'priority' }, { group: 'customer', name: 'vip' }],
					tableName: 'orders',
					ids: [1, 2],
					verifyLinks: true,
				},
				authToken: token,
				debug: 'max',
			},
		]);
		expect(bodies('deleteSession')).toEqual([{ api: 'admin', action: 'deleteSession', authToken: token }]);
		expect(state().deletedTokens).toEqual([token]);
		expect(state().sessions.has(token)).toBe(false);
		expectLinks([link(1, 'vip', 'customer'), link(1, 'priority'), link(2, 'vip', 'customer'), link(2, 'priority')]);
		expectNoSecrets(result);
	});

	test('merges items with the same labels, table, database, owner and Verify Links into one call', async () => {
		const result = await runFairCom({ ids: '={{$json.ids}}', tableName: '={{$json.table}}' }, [
			{ ids: [1, 2], table: 'orders' },
			{ ids: [3], table: 'orders' },
			{ ids: [5], table: 'customers' },
			{ ids: [2, 4], table: 'orders' },
		]);
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			linked([1, 2]),
			linked([3]),
			linked([5], 'customers'),
			linked([2, 4]),
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(actions().filter((action) => action === 'createSession')).toHaveLength(1);
		expect(actions().filter((action) => action === 'deleteSession')).toHaveLength(1);
		const calls = bodies('linkLabelsToRecords').map((body) => body.params as IDataObject);
		expect(calls.map((call) => [call.tableName, call.ids]).sort()).toEqual([
			['customers', [5]],
			['orders', [1, 2, 3, 4]],
		]);
		expectLinks([
			link(5, 'priority', '', FAIRCOM_TABLES.customers),
			...[1, 2, 3, 4].map((id) => link(id, 'priority')),
		]);
	});

	test('Merge Items off: one call per item, still one session', async () => {
		const result = await runFairCom(
			{ ids: '={{$json.ids}}', options: { mergeItems: false, concurrency: 1 } },
			[{ ids: [1] }, { ids: [2] }, { ids: [3] }],
		);
		expect(result.error).toBeUndefined();
		expect(json(result).map((item) => item.ids)).toEqual([[1], [2], [3]]);
		expect(actions()).toEqual([
			'createSession',
			'linkLabelsToRecords',
			'linkLabelsToRecords',
			'linkLabelsToRecords',
			'deleteSession',
		]);
		const tokens = new Set(bodies().filter((body) => body.action !== 'createSession').map((body) => body.authToken));
		expect([...tokens]).toEqual(state().issuedTokens);
	});

	test('Batch Size caps the record IDs per merged call', async () => {
		const result = await runFairCom({ ids: '={{$json.ids}}', options: { batchSize: 3 } }, [{ ids: [1, 2] }, { ids: [3, 4] }, { ids: [5] }]);
		expect(result.error).toBeUndefined();
		expect(json(result).map((item) => item.ids)).toEqual([[1, 2], [3, 4], [5]]);
		const idLists = bodies('linkLabelsToRecords').map((body) => (body.params as IDataObject).ids);
		expect(idLists.sort()).toEqual([
			[1, 2],
			[3, 4, 5],
		]);
		expectLinks([1, 2, 3, 4, 5].map((id) => link(id, 'priority')));
	});

	test('maps parameters from expressions: IDs as an array, as "4, 5,6" text and as a number', async () => {
		const result = await runFairCom({
			labels: { label: [{ name: '={{$json.label}}', group: '={{$json.group}}' }] },
			tableName: '={{$json.table}}',
			ids: '={{$json.ids}}',
		}, [
			{ label: 'red', group: 'colour', table: 'orders', ids: [1, 2, 3] },
			{ label: 'red', group: 'colour', table: 'orders', ids: '4, 5,6' },
			{ label: 'red', group: 'colour', table: 'orders', ids: 7 },
			{ label: 'blue', group: '', table: 'customers', ids: '[8,9]' },
		]);
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{ operation: 'link', labels: [{ group: 'colour', name: 'red' }], tableName: 'orders', ids: [1, 2, 3], linked: true },
			{ operation: 'link', labels: [{ group: 'colour', name: 'red' }], tableName: 'orders', ids: [4, 5, 6], linked: true },
			{ operation: 'link', labels: [{ group: 'colour', name: 'red' }], tableName: 'orders', ids: [7], linked: true },
			{ operation: 'link', labels: [{ name: 'blue' }], tableName: 'customers', ids: [8, 9], linked: true },
		]);
		expect(bodies('linkLabelsToRecords')).toHaveLength(2);
		expectLinks([
			link(8, 'blue', '', FAIRCOM_TABLES.customers),
			link(9, 'blue', '', FAIRCOM_TABLES.customers),
			...[1, 2, 3, 4, 5, 6, 7].map((id) => link(id, 'red', 'colour')),
		]);
	});

	test('"already linked" warnings go on the item whose record they name', async () => {
		seedLinks(state(), [link(2, 'priority')]);
		const result = await runFairCom({ ids: '={{$json.ids}}' }, [{ ids: [1, 2] }, { ids: [3] }]);
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{ ...linked([1, 2]), warnings: [alreadyLinked(2)] },
			linked([3]),
		]);
		expect(bodies('linkLabelsToRecords')).toHaveLength(1);
		expectLinks([1, 2, 3].map((id) => link(id, 'priority')));
		expectNoSecrets(result);
	});

	test('unlinks; records that were not linked are no error', async () => {
		seedLinks(state(), [link(1, 'priority'), link(2, 'priority'), link(3, 'priority'), link(1, 'vip')]);
		const result = await runFairCom({ operation: 'unlink', ids: '1, 2, 9' });
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{ operation: 'unlink', labels: [{ name: 'priority' }], tableName: 'orders', ids: [1, 2, 9], unlinked: true },
		]);
		expect(actions()).toEqual(['createSession', 'unlinkLabelsFromRecords', 'deleteSession']);
		expectLinks([link(1, 'vip'), link(3, 'priority')]);
	});

	test('sends Database Name and Owner Name when set, and reports them', async () => {
		const result = await runFairCom({ tableName: 'invoices', ownerName: 'sales', databaseName: 'faircom', ids: '100', verifyLinks: false });
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{
				operation: 'link',
				labels: [{ name: 'priority' }],
				tableName: 'invoices',
				ids: [100],
				databaseName: 'faircom',
				ownerName: 'sales',
				linked: true,
			},
		]);
		expect((bodies('linkLabelsToRecords')[0].params as IDataObject)).toEqual({
			labels: [{ name: 'priority' }],
			tableName: 'invoices',
			ids: [100],
			databaseName: 'faircom',
			ownerName: 'sales',
			verifyLinks: false,
		});
		expectLinks([link(100, 'priority', '', FAIRCOM_TABLES.invoices)]);
	});
});

describe('FairCom failures', () => {
	test('a merged call is atomic: one unknown record fails all its items and links nothing', async () => {
		const result = await runFairCom({ ids: '={{$json.ids}}', tableName: '={{$json.table}}' }, [
			{ ids: [1, 2], table: 'orders' },
			{ ids: [999], table: 'orders' },
			{ ids: [1], table: 'customers' },
		], { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const message = "FairCom error 101: No record with primary key 999 in table 'orders'";
		expect(json(result)).toEqual([
			{ error: message },
			{ error: message },
			linked([1], 'customers'),
		]);
		expect(bodies('linkLabelsToRecords').map((body) => (body.params as IDataObject).ids).sort()).toEqual([[1], [1, 2, 999]]);
		expectLinks([link(1, 'priority', '', FAIRCOM_TABLES.customers)]);
		expect(actions().at(-1)).toBe('deleteSession');
		expect(state().deletedTokens).toEqual(state().issuedTokens);
		expectNoSecrets(result);
	});

	test('HTTP 200 with a non-zero errorCode fails the node with FairCom\'s message and code; the session is still ended', async () => {
		const result = await runFairCom({ tableName: 'no_such_table' });
		expect(result.error?.message).toBe(
			"FairCom error 12: Table 'no_such_table' does not exist in database 'faircom' for owner 'admin'",
		);
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'deleteSession']);
		expect(state().deletedTokens).toEqual(state().issuedTokens);
		expectLinks([]);
		expectNoSecrets(result);
	});

	test('an expired session (12031) gets one new session and one retry', async () => {
		state().expireNext = 1;
		const result = await runFairCom();
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([linked([1, 2])]);
		expect(actions()).toEqual(RENEWED_SESSION);
		const [first, second] = state().issuedTokens;
		expect(bodies('linkLabelsToRecords').map((body) => body.authToken)).toEqual([first, second]);
		expect(state().deletedTokens).toEqual([second]);
		expectLinks([link(1, 'priority'), link(2, 'priority')]);
		expectNoSecrets(result);
	});

	test('a session that expires again is not renewed a second time', async () => {
		state().expireNext = 2;
		const result = await runFairCom({}, [{}], { continueOnFail: true });
		expect(json(result)).toEqual([
			{
				error:
					"FairCom error 12031: 'authToken' does not match any existing session. Use a valid 'authToken' or use 'createSession' to create a valid 'authToken'.",
			},
		]);
		expect(result.items[0].error?.description).toContain('The session token is unknown or has expired');
		// The second session is gone already, so ending it is a quiet no-op.
		expect(actions()).toEqual(RENEWED_SESSION);
		expectLinks([]);
		expectNoSecrets(result);
	});

	test('a wrong password fails every item with the login error, and nothing else is sent', async () => {
		const result = await runFairCom({ ids: '={{$json.ids}}', tableName: '={{$json.table}}' }, [
			{ ids: [1], table: 'orders' },
			{ ids: [2], table: 'customers' },
		], { credentials: credentials({ password: 'wrong-password-1' }), continueOnFail: true });
		const error = 'Could not log in to FairCom: FairCom error 451: Invalid password for this account';
		const description = 'Check the endpoint URL, username and password in the FairCom credential.';
		expect(json(result)).toEqual([{ error }, { error }]);
		expect(result.items.map((item) => item.error?.description)).toEqual([description, description]);
		expect(actions()).toEqual(['createSession']);
		expect(JSON.stringify(json(result))).not.toContain('wrong-password-1');
		expectNoSecrets(result);
	});

	test('the session is ended after a failure that stops the node', async () => {
		const result = await runFairCom(
			{ ids: '={{$json.ids}}', options: { mergeItems: false, concurrency: 1 } },
			[{ ids: [1] }, { ids: [999] }, { ids: [3] }],
		);
		expect(result.error?.message).toBe("FairCom error 101: No record with primary key 999 in table 'orders'");
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'linkLabelsToRecords', 'deleteSession']);
		expect(state().deletedTokens).toEqual(state().issuedTokens);
		expectLinks([link(1, 'priority')]);
		expectNoSecrets(result);
	});

	test('a 429 is waited out and the call repeated', async () => {
		sandbox.addFault({
			vendor: 'faircom',
			path: '/api',
			after: 1,
			fault: { kind: 'status', ...(fairComSandbox.rateLimited(0) as { status: number; headers: Record<string, string>; body: unknown }) },
		});
		const result = await runFairCom();
		expect(result.error).toBeUndefined();
		expect(json(result)[0].linked).toBe(true);
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'linkLabelsToRecords', 'deleteSession']);
		expectLinks([link(1, 'priority'), link(2, 'priority')]);
	});

	test('a link whose answer was lost is repeated safely: no duplicate, the repeat reports "already linked"', async () => {
		sandbox.addFault({ vendor: 'faircom', path: '/api', after: 1, fault: { kind: 'drop-after' } });
		const result = await runFairCom();
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([
			{ ...linked([1, 2]), warnings: [1, 2].map(alreadyLinked) },
		]);
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'linkLabelsToRecords', 'deleteSession']);
		expectLinks([link(1, 'priority'), link(2, 'priority')]);
	});
});

describe('FairCom with a given authToken', () => {
	test('uses the token directly: no createSession, no deleteSession, the session stays', async () => {
		const result = await runFairCom(
			{ ids: '={{$json.ids}}' },
			[{ ids: [1] }, { ids: [2] }],
			{ credentials: tokenCredentials(FAIRCOM_PERMANENT_TOKEN) },
		);
		expect(result.error).toBeUndefined();
		expect(json(result).map((item) => item.ids)).toEqual([[1], [2]]);
		expect(actions()).toEqual(['linkLabelsToRecords']);
		expect(bodies('linkLabelsToRecords')[0].authToken).toBe(FAIRCOM_PERMANENT_TOKEN);
		expect(state().sessions.has(FAIRCOM_PERMANENT_TOKEN)).toBe(true);
		expect(state().issuedTokens).toEqual([]);
		expectLinks([link(1, 'priority'), link(2, 'priority')]);
		expectNoSecrets(result);
	});

	test('an unknown token fails with 12031 once, without a login attempt', async () => {
		const result = await runFairCom({}, [{}], { credentials: tokenCredentials('not-a-real-token-0000') });
		expect(result.error?.message).toBe(
			"FairCom error 12031: 'authToken' does not match any existing session. Use a valid 'authToken' or use 'createSession' to create a valid 'authToken'.",
		);
		expect(result.error?.description).toContain('with a given authToken, create a new one');
		expect(actions()).toEqual(['linkLabelsToRecords']);
		expectNoSecrets(result);
	});
});

describe('FairCom input validation', () => {
	// Empty required fields come from expressions: n8n itself refuses to run a node whose required
	// parameter is empty in the editor.
	const cases: Array<[string, INodeParameters, string, IDataObject?]> = [
		[
			'label name over 64 bytes (33 two-byte characters)',
			{ labels: labels('é'.repeat(33)) },
			'Invalid "Labels" › #1 › "Name" in item 0: must be at most 64 bytes of UTF-8 (is 66)',
		],
		[
			'label group over 64 bytes (17 four-byte characters)',
			{ labels: labels('priority', { name: 'x', group: '🙂'.repeat(17) }) },
			'Invalid "Labels" › #2 › "Group" in item 0: must be at most 64 bytes of UTF-8 (is 68)',
		],
		[
			'empty label name',
			{ labels: { label: [{ name: '={{$json.v}}', group: '' }] } },
			'Invalid "Labels" › #1 › "Name" in item 0: must not be empty',
			{ v: ' ' },
		],
		['no labels', { labels: {} }, 'Invalid "Labels" in item 0: must contain at least one label'],
		['ID above the range', { ids: '1, 2147483648' }, 'Invalid "Record IDs" › #2 in item 0: 2147483648 is outside 0–2147483647'],
		['negative ID', { ids: '-1' }, 'Invalid "Record IDs" › #1 in item 0: -1 is outside 0–2147483647'],
		['non-integer ID', { ids: '1.5' }, 'Invalid "Record IDs" › #1 in item 0: "1.5" is not a whole number'],
		['ID that is not a number', { ids: '3, abc' }, 'Invalid "Record IDs" › #2 in item 0: "abc" is not a whole number'],
		['no IDs', { ids: '={{$json.v}}' }, 'Invalid "Record IDs" in item 0: must contain at least one record ID', { v: [] }],
		['IDs that are not a list', { ids: '={{$json.v}}' }, 'Invalid "Record IDs" in item 0: must be a list of record IDs', { v: { id: 1 } }],
		['missing table name', { tableName: '={{$json.v}}' }, 'Invalid "Table Name" in item 0: is required', {}],
		['empty table name', { tableName: '={{$json.v}}' }, 'Invalid "Table Name" in item 0: must not be empty', { v: '' }],
		['table name with a line break', { tableName: '={{$json.v}}' }, 'Invalid "Table Name" in item 0: must not contain line breaks or control characters', { v: 'a\nb' }],
		['table name over 64 bytes', { tableName: 't'.repeat(65) }, 'Invalid "Table Name" in item 0: must be at most 64 bytes of UTF-8 (is 65)'],
		['owner name over 64 bytes', { ownerName: 'ü'.repeat(40) }, 'Invalid "Owner Name" in item 0: must be at most 64 bytes of UTF-8 (is 80)'],
	];

	test.each(cases)('%s → an error naming the item and field, nothing sent', async (_name, overrides, message, item = {}) => {
		const result = await runFairCom(overrides, [item]);
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toBe('Nothing was sent for this item.');
		expect(sandbox.requestsFor('faircom')).toEqual([]);
	});

	test('IDs from an expression: a bad entry in an array names its position', async () => {
		const result = await runFairCom({ ids: '={{$json.ids}}' }, [{ ids: [1, 2] }, { ids: [4, -7] }, { ids: [3.25] }], { continueOnFail: true });
		expect(json(result)).toEqual([
			linked([1, 2]),
			{ error: 'Invalid "Record IDs" › #2 in item 1: -7 is outside 0–2147483647' },
			{ error: 'Invalid "Record IDs" › #1 in item 2: 3.25 is not a whole number' },
		]);
		expect(result.items.map((item) => item.error?.description)).toEqual([
			undefined,
			'Nothing was sent for this item.',
			'Nothing was sent for this item.',
		]);
		expect(bodies('linkLabelsToRecords').map((body) => (body.params as IDataObject).ids)).toEqual([[1, 2]]);
		expectLinks([link(1, 'priority'), link(2, 'priority')]);
	});
});

describe('FairCom credential test', () => {
	const refused = 'FairCom did not confirm a session: check the username and password (or the auth token), and the endpoint URL';

	test('a good username and password pass', async () => {
		const result = await testCredential('recordLinksFairComApi', credentials().get('recordLinksFairComApi'));
		expect(result).toEqual({ ok: true, status: 200 });
		expect(bodies()).toEqual([
			{ api: 'admin', action: 'createSession', params: { username: FAIRCOM_USERNAME, password: FAIRCOM_PASSWORD } },
		]);
	});

	test('a wrong password fails although FairCom answers HTTP 200', async () => {
		const result = await testCredential('recordLinksFairComApi', credentials({ password: 'nope' }).get('recordLinksFairComApi'));
		expect(result).toEqual({ ok: false, status: 200, message: refused });
	});

	test('an unknown username fails', async () => {
		const result = await testCredential('recordLinksFairComApi', credentials({ username: 'nobody' }).get('recordLinksFairComApi'));
		expect(result).toEqual({ ok: false, status: 200, message: refused });
	});

	test('an answer without a session token fails, even with errorCode 0', async () => {
		sandbox.addFault({ vendor: 'faircom', path: '/api', fault: { kind: 'raw', text: JSON.stringify({ result: {}, errorCode: 0, errorMessage: '' }) } });
		const result = await testCredential('recordLinksFairComApi', credentials().get('recordLinksFairComApi'));
		expect(result).toEqual({ ok: false, status: 200, message: refused });
	});

	test('a given authToken is checked with alterSession (nothing changed): its answer names the session', async () => {
		expect(await testCredential('recordLinksFairComApi', tokenCredentials(FAIRCOM_PERMANENT_TOKEN).get('recordLinksFairComApi'))).toEqual({
			ok: true,
			status: 200,
		});
		expect(bodies()).toEqual([{ api: 'admin', action: 'alterSession', params: {}, authToken: FAIRCOM_PERMANENT_TOKEN }]);
		expect(await testCredential('recordLinksFairComApi', tokenCredentials('not-a-real-token-0000').get('recordLinksFairComApi'))).toEqual({
			ok: false,
			status: 200,
			message: 'The auth token does not match any active FairCom session: it is wrong or has expired',
		});
	});
});

describe('FairCom "Ignore SSL Issues"', () => {
	// The sandbox's HTTPS listener has a self-signed certificate, as FairCom servers often do.
	const httpsEndpoint = () => `${sandbox.secureBaseUrl('faircom')}/api`;

	test('on: a self-signed certificate is accepted', async () => {
		const result = await runFairCom({}, [{}], { credentials: credentials({ endpoint: httpsEndpoint(), ignoreSslIssues: true }) });
		expect(result.error).toBeUndefined();
		expect(json(result)[0].linked).toBe(true);
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'deleteSession']);
		expectLinks([link(1, 'priority'), link(2, 'priority')]);
	});

	test('off: the certificate is rejected with a hint at the setting', async () => {
		const result = await runFairCom({ options: { maxRetries: 0 } }, [{}], { credentials: credentials({ endpoint: httpsEndpoint() }) });
		expect(result.error?.message).toMatch(/^Could not log in to FairCom: FairCom's TLS certificate was rejected \(.+\): .*"Ignore SSL Issues"/);
		expect(sandbox.requestsFor('faircom')).toEqual([]);
	});
});

describe('FairCom session reuse (the default)', () => {
	// A credential saved without the Session field: the default, one session kept across executions.
	const reused = (data: IDataObject = {}) => credentials({ session: undefined, ...data });
	const linkIds = async (store: CredentialStore, ids: number[], options: IDataObject = {}) =>
		await runFairCom(
			{ ids: '={{$json.ids}}', options: { mergeItems: false, ...options } },
			ids.map((id) => ({ ids: [id] })),
			{ credentials: store },
		);
	const count = (action: string) => actions().filter((each) => each === action).length;

	test('executions share one session: one createSession, then one call per single-item execution, never ended', async () => {
		const store = reused();
		for (const id of [1, 2, 3, 4, 5]) {
			const result = await linkIds(store, [id]);
			expect(result.error).toBeUndefined();
			expect(json(result)).toEqual([linked([id])]);
		}
		expect(actions()).toEqual(['createSession', ...Array(5).fill('linkLabelsToRecords')]);
		const [token] = state().issuedTokens;
		expect(bodies('linkLabelsToRecords').map((body) => body.authToken)).toEqual(Array(5).fill(token));
		// Left open on the server, where it idles out.
		expect(state().sessions.has(token)).toBe(true);
		expect(state().deletedTokens).toEqual([]);
		expectLinks([1, 2, 3, 4, 5].map((id) => link(id, 'priority')));
	});

	test('concurrent executions and concurrent items open one session between them', async () => {
		const store = reused();
		const results = await Promise.all([0, 1, 2, 3, 4].map((n) => linkIds(store, [n * 3 + 1, n * 3 + 2, n * 3 + 3], { concurrency: 4 })));
		for (const result of results) expect(result.error).toBeUndefined();
		expect(count('createSession')).toBe(1);
		expect(count('linkLabelsToRecords')).toBe(15);
		expect(count('deleteSession')).toBe(0);
		expectLinks(Array.from({ length: 15 }, (_, i) => link(i + 1, 'priority')));
	});

	test('an expired session (12031) is renewed once for every execution and item that used it', async () => {
		const store = reused();
		await linkIds(store, [1]);
		const [first] = state().issuedTokens;
		// The session idles out on the server.
		state().sessions.delete(first);
		const results = await Promise.all([2, 3, 4].map((id) => linkIds(store, [id, id + 10], { concurrency: 2 })));
		for (const result of results) expect(result.error).toBeUndefined();
		expect(count('createSession')).toBe(2);
		const second = state().issuedTokens[1];
		// Calls with the expired token failed with 12031 and were repeated once with the new session.
		const tokens = bodies('linkLabelsToRecords').map((body) => body.authToken);
		expect(tokens.filter((token) => token === second)).toHaveLength(6);
		expectLinks([1, 2, 3, 4, 12, 13, 14].map((id) => link(id, 'priority')));
		expectNoSecrets(results[0]);
	});

	test('a session that expires again is not renewed a second time; the next execution renews it', async () => {
		const store = reused();
		state().expireNext = 2;
		const failed = await runFairCom({}, [{}], { credentials: store, continueOnFail: true });
		expect(failed.items[0].error?.message).toMatch(/^FairCom error 12031:/);
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'createSession', 'linkLabelsToRecords']);
		const next = await linkIds(store, [3]);
		expect(next.error).toBeUndefined();
		expect(actions().slice(4)).toEqual(['linkLabelsToRecords', 'createSession', 'linkLabelsToRecords']);
		expectLinks([link(3, 'priority')]);
	});

	test('a changed credential gets a session of its own', async () => {
		const store = reused();
		await linkIds(store, [1]);
		await linkIds(store, [2]);
		// Same credential (same id), edited: another endpoint spelling reaches the same server.
		store.set('recordLinksFairComApi', { ...store.get('recordLinksFairComApi'), endpoint: `${endpoint()}/` });
		await linkIds(store, [3]);
		expect(actions()).toEqual(['createSession', 'linkLabelsToRecords', 'linkLabelsToRecords', 'createSession', 'linkLabelsToRecords']);
		// Another credential never shares it.
		await linkIds(reused(), [4]);
		expect(count('createSession')).toBe(3);
	});

	test('a failed login is not kept: one login per execution, and the next execution tries again', async () => {
		const store = reused({ password: 'wrong-password-1' });
		const run = async () =>
			await runFairCom(
				{ ids: '={{$json.ids}}', options: { mergeItems: false, concurrency: 2 } },
				[{ ids: [1] }, { ids: [2] }, { ids: [3] }],
				{ credentials: store, continueOnFail: true },
			);
		const first = await run();
		expect(json(first).map((item) => item.error)).toEqual(
			Array(3).fill('Could not log in to FairCom: FairCom error 451: Invalid password for this account'),
		);
		expect(actions()).toEqual(['createSession']);
		await run();
		expect(actions()).toEqual(['createSession', 'createSession']);
		store.set('recordLinksFairComApi', { ...store.get('recordLinksFairComApi'), password: FAIRCOM_PASSWORD });
		const fixed = await run();
		expect(fixed.error).toBeUndefined();
		expect(actions().slice(2)).toEqual(['createSession', ...Array(3).fill('linkLabelsToRecords')]);
		expectNoSecrets(first);
	});

	test('"One per Execution, Ended Every Time": each execution logs in and ends its session', async () => {
		const store = reused({ session: 'perExecution' });
		await linkIds(store, [1]);
		await linkIds(store, [2]);
		expect(actions()).toEqual([
			'createSession',
			'linkLabelsToRecords',
			'deleteSession',
			'createSession',
			'linkLabelsToRecords',
			'deleteSession',
		]);
		expect(state().deletedTokens).toEqual(state().issuedTokens);
		expect(state().issuedTokens.filter((token) => state().sessions.has(token))).toEqual([]);
	});
});
