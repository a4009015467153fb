import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { testCredential } from './harness/credential-test';
import { type OperationRun, runOperation } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { credentialFields, vendorCase } from './harness/vendor-cases';
import {
	TULIP,
	TULIP_ACCOUNT_KEY,
	TULIP_ACCOUNT_SECRET,
	TULIP_API_KEY,
	TULIP_API_SECRET,
	TULIP_READONLY_KEY,
	TULIP_READONLY_SECRET,
	tulipLinkKey,
} from './sandbox/tulip';

const sandbox = useSandbox();

interface CredentialFields {
	instanceUrl?: string;
	apiKey?: string;
	apiSecret?: string;
	workspaceId?: string;
}

/** The sandbox credential's fields, with `fields` changed. */
const credentialData = (fields: CredentialFields = {}) => credentialFields('tulip', sandbox.baseUrl('tulip'), { ...fields });

const credentials = (fields: CredentialFields = {}) => vendorCase('tulip').credentials(sandbox.baseUrl('tulip'), { ...fields });

const byExpression: INodeParameters = {
	tableLinkId: '={{$json.tableLink}}',
	leftRecord: '={{$json.left}}',
	rightRecord: '={{$json.right}}',
};

/** An input item: tableLink, left, right (anything, to feed bad values too). */
type LinkItem = IDataObject;

const pair = (left: string | number, right: string | number, tableLink: string = TULIP.ordersParts): LinkItem => ({ tableLink, left, right });

const run = async (operation: 'link' | 'unlink', items: LinkItem[], { store = credentials(), ...rest }: OperationRun = {}) =>
	await runOperation('tulip', { operation, ...byExpression }, items, { store, ...rest });

function output(operation: 'link' | 'unlink', item: LinkItem, extra: IDataObject = {}) {
	return {
		operation,
		tableLinkId: item.tableLink,
		leftRecord: String(item.left),
		rightRecord: String(item.right),
		[operation === 'link' ? 'linked' : 'unlinked']: true,
		...extra,
	};
}

const key = (item: LinkItem, workspace = 'DEFAULT') =>
	tulipLinkKey(workspace, String(item.tableLink), String(item.left), String(item.right));
const storedLinks = () => [...sandbox.state.tulip.links].sort();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const linkPath = (tableLink: string, action = 'link', workspace?: string) =>
	`/api/v3${workspace ? `/w/${workspace}` : ''}/tableLinks/${tableLink}/${action}`;
const lastErrorId = () => sandbox.state.tulip.errorIds.at(-1);

describe('Tulip Link', () => {
	test('links one pair: PUT …/link with Basic auth, 204, and an output item saying what was linked', async () => {
		const item = pair('order-1', 'part-7');
		const result = await run('link', [item]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: output('link', item), pairedItem: { item: 0 } }]);
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('PUT');
		expect(request.path).toBe(linkPath(TULIP.ordersParts));
		expect(request.body).toEqual({ leftRecord: 'order-1', rightRecord: 'part-7' });
		expect(request.headers.authorization).toBe(basic(TULIP_API_KEY, TULIP_API_SECRET));
		expect(storedLinks()).toEqual([key(item)]);
	});

	test('links many pairs across two table links; outputs in input order with pairedItem', async () => {
		const items = [
			pair('o1', 'p1'),
			pair('s1', 'op1', TULIP.stationsOperators),
			pair('o2', 'p2'),
			pair('s2', 'op2', TULIP.stationsOperators),
			pair('o3', 'p3'),
			pair('o1', 'p3'),
		];
		const result = await run('link', items);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual(items.map((item, index) => ({ json: output('link', item), pairedItem: { item: index } })));
		expect(sandbox.requestCount).toBe(items.length);
		expect(sandbox.requests.map((request) => `${request.path} ${JSON.stringify(request.body)}`).sort()).toEqual(
			items
				.map((item) => `${linkPath(String(item.tableLink))} ${JSON.stringify({ leftRecord: item.left, rightRecord: item.right })}`)
				.sort(),
		);
		expect(storedLinks()).toEqual(items.map((item) => key(item)).sort());
	});

	test('record ids given as numbers by an expression are sent as text', async () => {
		const result = await run('link', [pair(101, 202)]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].body).toEqual({ leftRecord: '101', rightRecord: '202' });
		expect(result.items[0].json).toEqual(output('link', pair('101', '202')));
	});

	test('re-linking a pair that Tulip refuses as already linked is a success with a note', async () => {
		sandbox.state.tulip.variants.noChange = 'refuse';
		sandbox.state.tulip.links.add(key(pair('o1', 'p1')));

		const result = await run('link', [pair('o1', 'p1'), pair('o2', 'p2')]);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			output('link', pair('o1', 'p1'), { alreadyLinked: true }),
			output('link', pair('o2', 'p2')),
		]);
		expect(storedLinks()).toEqual([key(pair('o1', 'p1')), key(pair('o2', 'p2'))].sort());
	});
});

describe('Tulip Unlink', () => {
	test('unlinks one pair: PUT …/unlink, 204, and an output item saying what was unlinked', async () => {
		const item = pair('order-1', 'part-7');
		sandbox.state.tulip.links.add(key(item));

		const result = await run('unlink', [item]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: output('unlink', item), pairedItem: { item: 0 } }]);
		const [request] = sandbox.requests;
		expect(request.method).toBe('PUT');
		expect(request.path).toBe(linkPath(TULIP.ordersParts, 'unlink'));
		expect(request.body).toEqual({ leftRecord: 'order-1', rightRecord: 'part-7' });
		expect(storedLinks()).toEqual([]);
	});

	test('unlinks many pairs and leaves other links alone', async () => {
		const keep = pair('o9', 'p9');
		const items = [pair('o1', 'p1'), pair('s1', 'op1', TULIP.stationsOperators), pair('o2', 'p2')];
		for (const item of [keep, ...items]) sandbox.state.tulip.links.add(key(item));

		const result = await run('unlink', items);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual(items.map((item) => output('unlink', item)));
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(storedLinks()).toEqual([key(keep)]);
	});

	test('unlinking a pair that Tulip says is not linked is a success with a note', async () => {
		sandbox.state.tulip.variants.noChange = 'refuse';
		const result = await run('unlink', [pair('o1', 'p1')]);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual(output('unlink', pair('o1', 'p1'), { alreadyUnlinked: true }));
	});
});

describe('Tulip credential and URLs', () => {
	const base = () => sandbox.baseUrl('tulip');

	test.each([
		['the instance URL', '', ''],
		['with a trailing slash', '/', ''],
		['with /api/v3', '/api/v3', ''],
		['with /api/v3/', '/api/v3/', ''],
	])('a workspace key and %s reach /api/v3/… (credential test and node)', async (_case, suffix, workspaceId) => {
		const fields = { instanceUrl: `${base()}${suffix}`, workspaceId };
		expect(await testCredential('recordLinksTulipApi', credentialData(fields))).toMatchObject({ ok: true, status: 200 });
		const result = await run('link', [pair('o1', 'p1')], { store: credentials(fields) });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/api/v3/tables', linkPath(TULIP.ordersParts)]);
		expect(sandbox.requests[0].headers.authorization).toBe(basic(TULIP_API_KEY, TULIP_API_SECRET));
		expect(storedLinks()).toEqual([key(pair('o1', 'p1'))]);
	});

	test.each([
		['the workspace field', '', 'DEFAULT', 'DEFAULT', TULIP.ordersParts],
		['the workspace field and a trailing slash', '/api/v3/', 'plant2', 'plant2', TULIP.plant2Link],
		['a URL pasted with /api/v3/w/DEFAULT', '/api/v3/w/DEFAULT/', '', 'DEFAULT', TULIP.ordersParts],
		['the workspace field over the one in the URL', '/api/v3/w/DEFAULT', 'plant2', 'plant2', TULIP.plant2Link],
	])('an account key and %s reach /api/v3/w/{workspace}/…', async (_case, suffix, workspaceId, workspace, tableLink) => {
		const fields = { instanceUrl: `${base()}${suffix}`, workspaceId, apiKey: TULIP_ACCOUNT_KEY, apiSecret: TULIP_ACCOUNT_SECRET };
		expect(await testCredential('recordLinksTulipApi', credentialData(fields))).toMatchObject({ ok: true, status: 200 });
		const item = pair('a', 'b', tableLink);
		const result = await run('link', [item], { store: credentials(fields) });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual([
			`/api/v3/w/${workspace}/tables`,
			linkPath(tableLink, 'link', workspace),
		]);
		expect(storedLinks()).toEqual([key(item, workspace)]);
	});

	test('an account key without a workspace fails: the credential test with 403, the node with Tulip\'s message and error ID', async () => {
		const fields = { apiKey: TULIP_ACCOUNT_KEY, apiSecret: TULIP_ACCOUNT_SECRET };
		expect(await testCredential('recordLinksTulipApi', credentialData(fields))).toMatchObject({ ok: false, status: 403 });

		const result = await run('link', [pair('o1', 'p1')], { store: credentials(fields) });

		expect(result.error?.message).toBe(
			`Tulip answered 403: Account-level API keys must use /api/v3/w/{workspaceId}/… (FORBIDDEN) [error ID ${lastErrorId()}]`,
		);
		expect(storedLinks()).toEqual([]);
	});

	test.each([
		['a wrong secret', { apiSecret: 'wrong-secret' }, 401],
		['an unknown key', { apiKey: 'apikey.2_unknown' }, 401],
		['a workspace key in another workspace', { workspaceId: 'plant2' }, 403],
	])('the credential test fails with %s', async (_case, fields, status) => {
		expect(await testCredential('recordLinksTulipApi', credentialData(fields))).toMatchObject({ ok: false, status });
		expect(sandbox.requests).toHaveLength(1);
	});

	test('a read-only key passes the credential test (tables:read) but cannot link (403, not retried)', async () => {
		const fields = { apiKey: TULIP_READONLY_KEY, apiSecret: TULIP_READONLY_SECRET };
		expect(await testCredential('recordLinksTulipApi', credentialData(fields))).toMatchObject({ ok: true });

		const result = await run('link', [pair('o1', 'p1')], { store: credentials(fields) });

		expect(result.error?.message).toBe(
			`Tulip answered 403: This API key lacks the tables:write scope (FORBIDDEN) [error ID ${lastErrorId()}]`,
		);
		expect((result.error as { httpCode?: string }).httpCode).toBe('403');
		expect(sandbox.requestsFor('tulip', /tableLinks/)).toHaveLength(1);
		expect(storedLinks()).toEqual([]);
	});
});

describe('Tulip bad input', () => {
	test.each([
		['Table Link ID', 'a slash', { tableLink: 'abc/def' }, 'may contain only letters, digits and "_"'],
		['Table Link ID', 'a path', { tableLink: '../x' }, 'may contain only letters, digits and "_"'],
		['Table Link ID', 'a dash', { tableLink: 'orders-parts' }, 'may contain only letters, digits and "_"'],
		['Table Link ID', 'an encoded slash', { tableLink: 'a%2Fb' }, 'may contain only letters, digits and "_"'],
		['Table Link ID', 'an empty value', { tableLink: '' }, 'must not be empty'],
		['Left Record', 'an empty value', { left: '  ' }, 'must not be empty'],
		['Right Record', 'a missing value', { right: undefined }, 'is required'],
		['Right Record', 'a line break', { right: 'p1\nX' }, 'must not contain line breaks'],
	])('%s: %s stops the node, naming the item and the field, before anything is sent', async (field, _case, change, problem) => {
		const result = await run('link', [pair('o1', 'p1'), { ...pair('o2', 'p2'), ...change }]);

		expect(result.error?.message.startsWith(`Invalid "${field}" in item 1: ${problem}`)).toBe(true);
		expect(result.error?.description).toBe('Nothing was sent for this item.');
		expect(sandbox.requestCount).toBe(0);
		expect(storedLinks()).toEqual([]);
	});

	test('with Continue On Fail, bad and refused items become error items and the rest are linked', async () => {
		sandbox.state.tulip.missingRecords.add('ghost');
		const items = [pair('o1', 'p1'), pair('o2', 'p2', 'no/such'), pair('ghost', 'p3'), pair('o4', 'p4')];

		const result = await run('link', items, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(result.items[0].json).toEqual(output('link', items[0]));
		expect(result.items[1].json).toEqual({
			error: 'Invalid "Table Link ID" in item 1: may contain only letters, digits and "_"',
		});
		expect(result.items[1].error?.description).toBe('Nothing was sent for this item.');
		expect(result.items[2].json).toEqual({
			error: `Tulip answered 422: Record "ghost" does not exist in the left table (RECORD_NOT_FOUND) [error ID ${lastErrorId()}]`,
		});
		expect((result.items[2].error as { httpCode?: string }).httpCode).toBe('422');
		expect(result.items[2].error?.description).toBe(`Quote error ID ${lastErrorId()} to Tulip support if you ask them about this error.`);
		expect(result.items[3].json).toEqual(output('link', items[3]));
		// Nothing was sent for the bad item; the refused one was sent once (a 422 is not retried).
		expect(sandbox.requests.map((request) => (request.body as { leftRecord: string }).leftRecord).sort()).toEqual([
			'ghost',
			'o1',
			'o4',
		]);
		expect(storedLinks()).toEqual([key(items[0]), key(items[3])].sort());
	});
});

describe('Tulip errors, retries and pacing', () => {
	test('a wrong secret fails with Tulip\'s 401, its error ID, and never shows the secret', async () => {
		const secret = 'tulip-secret-that-must-not-leak';
		const result = await run('link', [pair('o1', 'p1')], { store: credentials({ apiSecret: secret }) });

		expect(result.error?.message).toBe(
			`Tulip answered 401: HTTP Basic Authorization using a valid Tulip API key is required (UNAUTHORIZED) [error ID ${lastErrorId()}]`,
		);
		expect((result.error as { httpCode?: string }).httpCode).toBe('401');
		expect(sandbox.requestCount).toBe(1);
		expect(JSON.stringify(result.run.data)).not.toContain(secret);
		expect(JSON.stringify(result.error)).not.toContain(secret);
	});

	test('with Continue On Fail, neither the error items nor the outputs contain the API secret', async () => {
		sandbox.state.tulip.missingRecords.add('ghost');
		const result = await run('link', [pair('o1', 'p1'), pair('ghost', 'p2')], { continueOnFail: true });

		expect(result.items[0].json).toEqual(output('link', pair('o1', 'p1')));
		expect(result.items[1].json.error).toMatch(/^Tulip answered 422/);
		const everything = JSON.stringify(result.run.data);
		expect(everything).not.toContain(TULIP_API_SECRET);
		expect(everything).not.toContain(Buffer.from(`${TULIP_API_KEY}:${TULIP_API_SECRET}`).toString('base64'));
	});

	test('an unknown table link is Tulip\'s 404', async () => {
		const result = await run('link', [pair('o1', 'p1', 'unknownLink')]);

		expect(result.error?.message).toBe(`Tulip answered 404: Table link unknownLink was not found (NOT_FOUND) [error ID ${lastErrorId()}]`);
		expect(sandbox.requestCount).toBe(1);
	});

	test('a 429 is waited out as Retry-After says, then the link is made', async () => {
		sandbox.addFault({
			vendor: 'tulip',
			fault: {
				kind: 'status',
				status: 429,
				headers: { 'Retry-After': '1' },
				body: { errorCode: 'RATE_LIMITED', errorUniqueID: 'abc123', details: 'Too many requests' },
			},
		});

		const result = await run('link', [pair('o1', 'p1')]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(2);
		expect(sandbox.requests[1].receivedAt - sandbox.requests[0].receivedAt).toBeGreaterThanOrEqual(950);
		expect(storedLinks()).toEqual([key(pair('o1', 'p1'))]);
	});

	test('429s do not use up Max Retries: with none allowed, three 429s in a row are waited out', async () => {
		sandbox.addFault({
			vendor: 'tulip',
			times: 3,
			fault: {
				kind: 'status',
				status: 429,
				headers: { 'Retry-After': '0' },
				body: { errorCode: 'RATE_LIMITED', errorUniqueID: 'abc124', details: 'Too many requests' },
			},
		});

		const result = await run('link', [pair('o1', 'p1')], { options: { maxRetries: 0 } });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(4);
		expect(storedLinks()).toEqual([key(pair('o1', 'p1'))]);
	});

	test('503 is retried; the link is made once', async () => {
		sandbox.addFault({
			vendor: 'tulip',
			times: 2,
			fault: { kind: 'status', status: 503, body: { errorCode: 'UNAVAILABLE', errorUniqueID: 'x1', details: 'Try later' } },
		});

		const result = await run('link', [pair('o1', 'p1')]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(3);
		expect(storedLinks()).toEqual([key(pair('o1', 'p1'))]);
	});

	test('a 500 is not retried; its message carries Tulip\'s error ID', async () => {
		sandbox.addFault({
			vendor: 'tulip',
			fault: {
				kind: 'status',
				status: 500,
				body: { errorCode: 'INTERNAL_ERROR', errorUniqueID: 'aq21mSKC1rbO87TjC/4Hz2EJHd/v+jxf7MtC315vo0Y', details: 'Unexpected error' },
			},
		});

		const result = await run('link', [pair('o1', 'p1')]);

		expect(result.error?.message).toBe(
			'Tulip answered 500: Unexpected error (INTERNAL_ERROR) [error ID aq21mSKC1rbO87TjC/4Hz2EJHd/v+jxf7MtC315vo0Y]',
		);
		expect(sandbox.requestCount).toBe(1);
	});

	test('a connection dropped after Tulip linked is retried safely (linking is idempotent)', async () => {
		sandbox.addFault({ vendor: 'tulip', fault: { kind: 'drop-after' } });

		const result = await run('link', [pair('o1', 'p1')]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestCount).toBe(2);
		expect(result.items[0].json).toEqual(output('link', pair('o1', 'p1')));
		expect(storedLinks()).toEqual([key(pair('o1', 'p1'))]);
	});

	test('30 links to one table link against a 10/s limit: paced to about 3 s, no 429, none lost', async () => {
		sandbox.rateLimits.set('tulip', { perSecond: 10 });
		const items = Array.from({ length: 30 }, (_, n) => pair(`o${n}`, `p${n}`));

		const started = Date.now();
		const result = await run('link', items);
		const elapsed = Date.now() - started;

		expect(result.error).toBeUndefined();
		expect(sandbox.injected.rateLimited ?? 0).toBe(0);
		expect(sandbox.requestCount).toBe(30);
		expect(result.items.map((item) => item.json)).toEqual(items.map((item) => output('link', item)));
		expect(storedLinks()).toEqual(items.map((item) => key(item)).sort());
		expect(elapsed).toBeGreaterThanOrEqual(2500);
		expect(elapsed).toBeLessThan(6000);
	});

	test('executions running at once in one process share the pace: 2 × 15 links against 10/s take about 3 s, no 429', async () => {
		sandbox.rateLimits.set('tulip', { perSecond: 10 });
		const batches = [0, 1].map((batch) => Array.from({ length: 15 }, (_, n) => pair(`b${batch}o${n}`, `p${n}`)));

		const started = Date.now();
		const results = await Promise.all(batches.map(async (items) => await run('link', items)));
		const elapsed = Date.now() - started;

		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		expect(sandbox.injected.rateLimited ?? 0).toBe(0);
		expect(sandbox.requestCount).toBe(30);
		expect(storedLinks()).toEqual(batches.flat().map((item) => key(item)).sort());
		expect(elapsed).toBeGreaterThanOrEqual(2500);
	});

	test('pacing is per table link: 10 links to each of two table links take about 1 s, not 2', async () => {
		sandbox.rateLimits.set('tulip', { perSecond: 10 });
		const items = Array.from({ length: 20 }, (_, n) => pair(`r${n}`, `s${n}`, n % 2 ? TULIP.ordersParts : TULIP.stationsOperators));

		const started = Date.now();
		const result = await run('link', items);
		const elapsed = Date.now() - started;

		expect(result.error).toBeUndefined();
		expect(sandbox.injected.rateLimited ?? 0).toBe(0);
		expect(storedLinks()).toHaveLength(20);
		expect(elapsed).toBeLessThan(1800);
	});

	test('with pacing turned off, the 429s that follow are waited out and no item is lost', async () => {
		sandbox.rateLimits.set('tulip', { perSecond: 10 });
		const items = Array.from({ length: 30 }, (_, n) => pair(`o${n}`, `p${n}`));

		const result = await run('link', items, { options: { requestsPerSecond: 0, concurrency: 10 } });

		expect(result.error).toBeUndefined();
		expect(sandbox.injected.rateLimited).toBeGreaterThan(0);
		expect(result.items.map((item) => item.json)).toEqual(items.map((item) => output('link', item)));
		expect(storedLinks()).toHaveLength(30);
	});
});
