import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { testCredential } from './harness/credential-test';
import { CredentialStore, runNode } from './harness/engine';
import { refusingUrl, useSandbox, useUnicatServerPerTest } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import {
	expireUnicatJwts,
	issueUnicatJwt,
	UNICAT_API_KEY,
	UNICAT_MISSING_GID,
	UNICAT_ORDERING,
	UNICAT_PATHS,
	UNICAT_PROJECT_GID,
	UNICAT_RECORDS as R,
	unicatCopiesOf,
	unicatCreatedGid,
	unicatSandbox,
	type UnicatState,
} from './sandbox/unicat';

const sandbox = useSandbox();
const unicatServer = useUnicatServerPerTest(sandbox);

const state = (): UnicatState => sandbox.state.unicat;
const { link: LINK_PATH, unlink: UNLINK_PATH, auth: AUTH_PATH, children: CHILDREN_PATH, get: GET_PATH } = UNICAT_PATHS;
const lookups = () => sandbox.requestsFor('unicat', CHILDREN_PATH);
const gets = () => sandbox.requestsFor('unicat', GET_PATH);
const linkRequests = () => sandbox.requestsFor('unicat', LINK_PATH);
const authRequests = () => sandbox.requestsFor('unicat', AUTH_PATH);

const apiKeyCredentials = (apiKey = UNICAT_API_KEY) => vendorCase('unicat').credentials(unicatServer().baseUrl, { apiKey });

const jwtCredentials = (jwt: string) => vendorCase('unicat').credentials(unicatServer().baseUrl, { authMethod: 'jwt', apiKey: '', jwtToken: jwt });

/** Link parameters mapped from each item's json. */
const mappedLink: INodeParameters = {
	operation: 'link',
	record: '={{$json.record}}',
	parent: '={{$json.parent}}',
	beforeRecord: '={{$json.before ?? ""}}',
	ordering: UNICAT_ORDERING,
	options: { maxRetries: 3 },
};

/** The same with Return Existing Copy off: every item makes a copy, as Unicat does on every call. */
const everyItemCopies = { parameters: { ...mappedLink, options: { maxRetries: 3, returnExisting: false } } };

async function link(items: IDataObject[], store = apiKeyCredentials(), extra: Partial<Parameters<typeof runNode>[0]> = {}) {
	return await runNode({ node: 'unicat', parameters: mappedLink, items, credentials: store, ...extra });
}

const json = (items: INodeExecutionData[]) => items.map((item) => item.json);

/**
 * An error item as n8n leaves it: `json` holds only the message; the error (description, HTTP
 * status) rides on the item.
 */
/** One item: a linked copy of the chair under the winter collection. */
const CHAIR_TO_WINTER = [{ record: R.chair, parent: R.winter }];

/** Link parameters for that copy, without Before Record. */
const CHAIR_TO_WINTER_LINK = { operation: 'link', record: R.chair, parent: R.winter };

/** A failed item: `error`, a description that contains `hint`, and the HTTP status. */
const expectFailure = (item: INodeExecutionData, error: string, hint: string, httpCode: string | undefined) =>
	expect(failure(item)).toEqual({ error, description: expect.stringContaining(hint), httpCode });

function failure(item: INodeExecutionData) {
	expect(Object.keys(item.json)).toEqual(['error']);
	const error = item.error as (Error & { description?: string | null; httpCode?: string | null }) | undefined;
	return {
		error: item.json.error,
		description: error?.description ?? undefined,
		httpCode: error?.httpCode ?? undefined,
	};
}

/** Every secret the run could know: API key, issued JWTs (login and renewed ones), pasted JWTs. */
function secrets(extra: string[] = []): string[] {
	return [UNICAT_API_KEY, ...state().jwts.keys(), ...extra];
}

function expectNoSecrets(value: unknown, extra: string[] = []) {
	const text = JSON.stringify(value, (_key, inner: unknown) =>
		inner instanceof Error ? { message: inner.message, description: (inner as { description?: unknown }).description } : inner,
	);
	for (const secret of secrets(extra)) expect(text).not.toContain(secret);
}

function children(gid: string): string[] {
	return [...state().records.get(gid)!.childs];
}

describe('Unicat Link', () => {
	test('logs in once, links one item and returns the new copy', async () => {
		const store = apiKeyCredentials();
		const result = await link(CHAIR_TO_WINTER, store);

		expect(result.error).toBeUndefined();
		const created = unicatCreatedGid(1);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const output = result.items[0].json;
		expect(output).toEqual({
			gid: created,
			parent: R.winter,
			canonical: R.chair,
			is_link: true,
			source: R.chair,
			record: expect.objectContaining({
				gid: created,
				canonical: R.chair,
				parent: R.winter,
				is_link: true,
				title: { en: 'Chair', nl: 'Stoel' },
				path: [R.root, R.collections, R.winter],
				childs: [],
			}),
			parentRecord: expect.objectContaining({ gid: R.winter, childs: [created], childcount: 1 }),
		});

		// Sandbox state: one copy, linked to the chair, last under Winter.
		expect(unicatCopiesOf(state(), R.chair).map((record) => record.gid)).toEqual([created]);
		expect(children(R.winter)).toEqual([created]);

		// One login: POST auth {api_key}; the link carried the JWT from the auth answer's header.
		expect(store.logins.get('recordLinksUnicatApi')).toBe(1);
		expect(authRequests()).toHaveLength(1);
		expect(authRequests()[0].body).toEqual({ api_key: UNICAT_API_KEY });
		const jwt = store.get('recordLinksUnicatApi').sessionToken as string;
		expect(state().jwts.has(jwt)).toBe(true);
		expect(linkRequests()).toHaveLength(1);
		expect(linkRequests()[0].headers.authorization).toBe(`Bearer ${jwt}`);
		expect(linkRequests()[0].body).toEqual({ record: R.chair, parent: R.winter, ordering: UNICAT_ORDERING });
		expectNoSecrets(result.items);
	});

	test('many items: one login, one request each, copies placed in item order, before_record honoured', async () => {
		const store = apiKeyCredentials();
		const result = await link(
			[
				{ record: R.chair, parent: R.summer },
				{ record: R.table, parent: R.summer, before: R.summerTable },
				{ record: R.summerTable, parent: R.winter },
				{ record: R.chair, parent: R.winter },
			],
			store,
			everyItemCopies,
		);

		expect(result.error).toBeUndefined();
		const [c1, c2, c3, c4] = [1, 2, 3, 4].map(unicatCreatedGid);
		expect(json(result.items).map(({ gid, parent, canonical, is_link }) => ({ gid, parent, canonical, is_link }))).toEqual([
			{ gid: c1, parent: R.summer, canonical: R.chair, is_link: true },
			{ gid: c2, parent: R.summer, canonical: R.table, is_link: true },
			// Linking a linked copy links to its canonical record.
			{ gid: c3, parent: R.winter, canonical: R.table, is_link: true },
			{ gid: c4, parent: R.winter, canonical: R.chair, is_link: true },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		// A second "Table" under Summer gets a title that says it is a linked copy.
		expect((result.items[1].json.record as IDataObject).title).toEqual({ en: 'Table (linked copy)', nl: 'Tafel (linked copy)' });

		expect(children(R.summer)).toEqual([c2, R.summerTable, c1]);
		expect(children(R.winter)).toEqual([c3, c4]);
		expect(store.logins.get('recordLinksUnicatApi')).toBe(1);
		expect(authRequests()).toHaveLength(1);
		expect(linkRequests()).toHaveLength(4);
		expect(lookups()).toHaveLength(0);
		expect(linkRequests()[1].body).toEqual({
			record: R.table,
			parent: R.summer,
			before_record: R.summerTable,
			ordering: UNICAT_ORDERING,
		});
	});

	test('language and languages options are sent and narrow the returned data', async () => {
		const result = await runNode({
			node: 'unicat',
			parameters: {
				...CHAIR_TO_WINTER_LINK,
				ordering: UNICAT_ORDERING,
				options: { language: 'nl', languages: '={{$json.langs}}', returnExisting: false },
			},
			items: [{ langs: ['de', 'en'] }, { langs: '' }],
			credentials: apiKeyCredentials(),
		});

		expect(result.error).toBeUndefined();
		expect(linkRequests().map((request) => request.body)).toEqual([
			{ record: R.chair, parent: R.winter, ordering: UNICAT_ORDERING, language: 'nl', languages: ['de', 'en'] },
			{ record: R.chair, parent: R.winter, ordering: UNICAT_ORDERING, language: 'nl' },
		]);
		expect((result.items[0].json.record as IDataObject).title).toEqual({ en: 'Chair', nl: 'Stoel' });
		// The second chair under Winter: its title says it is a linked copy.
		expect((result.items[1].json.record as IDataObject).title).toEqual({ nl: 'Stoel (linked copy)' });
		expect((result.items[1].json.record as IDataObject).fields).toEqual({ nl: { name: 'Stoel' } });
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(2);
	});

	test('logs in again when the stored JWT has expired, and retries the refused request once', async () => {
		const store = apiKeyCredentials();
		await link(CHAIR_TO_WINTER, store);
		const firstJwt = store.get('recordLinksUnicatApi').sessionToken as string;
		expect(store.logins.get('recordLinksUnicatApi')).toBe(1);

		expireUnicatJwts(state());
		const result = await link(
			[
				{ record: R.table, parent: R.winter },
				{ record: R.table, parent: R.products },
			],
			store,
			everyItemCopies,
		);

		expect(result.error).toBeUndefined();
		expect(json(result.items).map((item) => item.gid)).toEqual([unicatCreatedGid(2), unicatCreatedGid(3)]);
		expect(store.logins.get('recordLinksUnicatApi')).toBe(2);
		expect(authRequests()).toHaveLength(2);
		const secondJwt = store.get('recordLinksUnicatApi').sessionToken as string;
		expect(secondJwt).not.toBe(firstJwt);
		// Link requests: the first run's; then the refused one (old JWT), the engine's repeat through
		// n8n's re-login path (old JWT again → 401 → login), its retry, and the next item.
		expect(linkRequests().map((request) => request.headers.authorization)).toEqual([
			`Bearer ${firstJwt}`,
			`Bearer ${firstJwt}`,
			`Bearer ${firstJwt}`,
			`Bearer ${secondJwt}`,
			`Bearer ${secondJwt}`,
		]);
		// The 401 was a refusal: exactly one copy per item.
		expect(unicatCopiesOf(state(), R.table).map((record) => record.parent).sort()).toEqual(
			[R.summer, R.winter, R.products].sort(),
		);
	});

	test('a JWT that expires in the middle of a run: one re-login, every item linked once', async () => {
		const store = apiKeyCredentials();
		state().expireJwtsAfter = 2;
		const items = [R.chair, R.table, R.chair, R.table].map((record) => ({ record, parent: R.winter }));
		const result = await link(items, store, everyItemCopies);

		expect(result.error).toBeUndefined();
		expect(json(result.items).map((item) => item.gid)).toEqual([1, 2, 3, 4].map(unicatCreatedGid));
		expect(store.logins.get('recordLinksUnicatApi')).toBe(2);
		expect(authRequests()).toHaveLength(2);
		expect(linkRequests()).toHaveLength(6);
		expect(children(R.winter)).toEqual([1, 2, 3, 4].map(unicatCreatedGid));
	});

	test('renewed JWTs in answers are never stored in output; responses keep working', async () => {
		const store = apiKeyCredentials();
		const result = await link([{ record: R.chair, parent: R.winter }, { record: R.table, parent: R.winter }], store);
		expect(result.error).toBeUndefined();
		// login JWT + one renewed JWT per successful answer: two links and three reads (Winter's children
		// once for both items; the chair's backlinks, checked once after its copy was made; and, as the
		// chair's copy is under Winter now, the table's canonical record).
		expect(lookups()).toHaveLength(1);
		expect(gets()).toHaveLength(2);
		expect(state().jwts.size).toBe(6);
		expectNoSecrets(result.items);
	});

	test('a pasted JWT is used as is, without logging in', async () => {
		const jwt = issueUnicatJwt(state());
		const store = jwtCredentials(`Bearer ${jwt}`);
		const result = await link(CHAIR_TO_WINTER, store);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json.gid).toBe(unicatCreatedGid(1));
		expect(authRequests()).toHaveLength(0);
		expect(linkRequests()[0].headers.authorization).toBe(`Bearer ${jwt}`);
		expect(store.get('recordLinksUnicatApi').sessionToken).toBe('');
		expectNoSecrets(result.items, [jwt]);
	});

	test('an expired pasted JWT fails with 401 and makes no copy (and no login)', async () => {
		const jwt = issueUnicatJwt(state());
		expireUnicatJwts(state());
		const result = await link(CHAIR_TO_WINTER, jwtCredentials(jwt), { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expectFailure(result.items[0], 'Unicat answered 401: Permission denied', 'check the API key (or the pasted JWT)', '401');
		expect(authRequests()).toHaveLength(0);
		// The first request is the lookup under the parent (Return Existing Copy). A 401 goes once more
		// through n8n's re-login path (401, pre-authentication, one retry); with a pasted JWT there is
		// nothing to renew, so all three attempts are refused, and no link is sent.
		expect(lookups()).toHaveLength(3);
		expect(linkRequests()).toHaveLength(0);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(0);
		expectNoSecrets(result.items, [jwt]);
	});

	test('a wrong API key: a clear error, no link request, no key in the message', async () => {
		const wrongKey = 'unicat-apikey-wrong-0000';
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(wrongKey), { continueOnFail: true });

		expect(result.items).toHaveLength(1);
		expectFailure(
			result.items[0],
			'Unicat answered 403: Logging in to Unicat with the API key failed: Forbidden - unknown user, or not a member of the project',
			'check the Project GID and the API key',
			'403',
		);
		expect(authRequests()).toHaveLength(1);
		expect(linkRequests()).toHaveLength(0);
		expectNoSecrets(result.items, [wrongKey]);
	});

	test('without Continue On Fail a wrong API key stops the node with the same message', async () => {
		const wrongKey = 'unicat-apikey-wrong-0001';
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(wrongKey));
		expect(result.error?.message).toBe(
			'Unicat answered 403: Logging in to Unicat with the API key failed: Forbidden - unknown user, or not a member of the project',
		);
		expectNoSecrets({ message: result.error?.message, description: result.error?.description }, [wrongKey]);
	});

	test('422 parent does not exist is a clear per-item error; the other items go on', async () => {
		const result = await link(
			[
				{ record: R.chair, parent: R.winter },
				{ record: R.chair, parent: UNICAT_MISSING_GID },
				{ record: R.table, parent: R.winter },
			],
			apiKeyCredentials(),
			{ continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(failure(result.items[1])).toEqual({
			error: "Unicat answered 422: Unprocessable entity - parent record doesn't exist",
			description:
				'A record this item names does not exist in the project: for Link the parent (which must exist), the record or the before record; for Unlink the record.',
			httpCode: '422',
		});
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(json(result.items).map((item) => item.gid)).toEqual([unicatCreatedGid(1), undefined, unicatCreatedGid(2)]);
		// The 422 was not retried.
		expect(linkRequests()).toHaveLength(3);
		expect(children(R.winter)).toEqual([unicatCreatedGid(1), unicatCreatedGid(2)]);
	});

	test('Unicat app errors (1001 at 422) show code, message and info', async () => {
		sandbox.addFault({
			vendor: 'unicat',
			path: LINK_PATH,
			fault: {
				kind: 'status',
				status: 422,
				body: { success: false, result: { code: 1001, message: 'Validation error', info: { ordering: 'unknown' } }, data: {} },
			},
		});
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(), { continueOnFail: true });
		expect(failure(result.items[0])).toEqual({
			error: 'Unicat answered 422: Validation error',
			description: 'Unicat error 1001 (Validation error). Details: {"ordering":"unknown"}',
			httpCode: '422',
		});
		expect(linkRequests()).toHaveLength(1);
	});

	test('a linked copy cannot become a parent (422 from Unicat)', async () => {
		const result = await link([{ record: R.chair, parent: R.summerTable }], apiKeyCredentials(), { continueOnFail: true });
		expect(result.items[0].json.error).toBe('Unicat answered 422: Unprocessable entity - a linked copy cannot have children');
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(0);
	});
});

describe('Unicat Link is not idempotent, yet never makes a copy twice', () => {
	test('connection dropped after Unicat made the copy: the lookup finds it, not repeated, exactly one copy', async () => {
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: { kind: 'drop-after' } });
		const result = await link(
			[
				{ record: R.chair, parent: R.winter },
				{ record: R.table, parent: R.winter },
			],
			apiKeyCredentials(),
			{ continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(sandbox.injected['drop-after']).toBe(1);
		expect(result.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), parent: R.winter, canonical: R.chair, alreadyLinked: true });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[1].json.gid).toBe(unicatCreatedGid(2));
		// Exactly one copy of the chair exists: the dropped request's, never a second one.
		expect(unicatCopiesOf(state(), R.chair).map((record) => record.gid)).toEqual([unicatCreatedGid(1)]);
		expect(linkRequests().filter((request) => (request.body as IDataObject).record === R.chair)).toHaveLength(1);
	});

	test('with Return Existing Copy off a dropped answer is not looked up and not repeated; the error says the copy may exist', async () => {
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: { kind: 'drop-after' } });
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(), { ...everyItemCopies, continueOnFail: true });

		expectFailure(
			result.items[0],
			'The connection to Unicat was dropped before it answered',
			'Unicat may have made the linked copy before the request failed',
			undefined,
		);
		expect(lookups()).toHaveLength(0);
		expect(linkRequests()).toHaveLength(1);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(1);
	});

	test('connection reset before an answer: the lookup finds no copy, so it is sent again, one copy', async () => {
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: { kind: 'reset-before' } });
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(), { continueOnFail: true });

		expect(sandbox.injected['reset-before']).toBe(1);
		expect(result.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), canonical: R.chair });
		expect(result.items[0].json.alreadyLinked).toBeUndefined();
		// Looked up before the first send and after the reset; then sent again.
		expect(lookups()).toHaveLength(2);
		expect(linkRequests()).toHaveLength(2);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(1);
	});

	test('no answer within the timeout: the copy the slow request made is found and returned, not made again', async () => {
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: { kind: 'delay', ms: 1500 } });
		const result = await runNode({
			node: 'unicat',
			parameters: { ...mappedLink, options: { timeout: 300, maxRetries: 3 } },
			items: CHAIR_TO_WINTER,
			credentials: apiKeyCredentials(),
			continueOnFail: true,
		});

		expect(result.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), alreadyLinked: true });
		await new Promise((resolve) => setTimeout(resolve, 1600));
		expect(linkRequests()).toHaveLength(1);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(1);
	});

	test('503: looked up, not there (Unicat did nothing), sent again, one copy', async () => {
		sandbox.addFault({
			vendor: 'unicat',
			path: LINK_PATH,
			fault: {
				kind: 'status',
				status: 503,
				body: { success: false, result: { code: 503, message: 'Service unavailable', info: {} }, data: {} },
			},
		});
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(), { continueOnFail: true });

		expect(result.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), canonical: R.chair });
		expect(linkRequests()).toHaveLength(2);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(1);
	});

	test('a lookup that fails too leaves the 503 uncertain: not repeated, the error says the copy may exist', async () => {
		const unavailable = { kind: 'status' as const, status: 503, body: { success: false, result: { code: 503, message: 'Service unavailable', info: {} }, data: {} } };
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: unavailable });
		// The lookup before the send passes; every one after it fails.
		sandbox.addFault({ vendor: 'unicat', path: CHILDREN_PATH, after: 1, times: 10, fault: unavailable });
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials(), { continueOnFail: true });

		expectFailure(result.items[0], 'Unicat answered 503: Service unavailable', 'Unicat may have made the linked copy', '503');
		expect(linkRequests()).toHaveLength(1);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(0);
	});

	test('429 is retried (Unicat did nothing) and exactly one copy is made', async () => {
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, times: 2, fault: { kind: 'status', ...toFault(unicatSandbox.rateLimited(0)) } });
		const result = await link(CHAIR_TO_WINTER, apiKeyCredentials());

		expect(result.error).toBeUndefined();
		expect(result.items[0].json.gid).toBe(unicatCreatedGid(1));
		expect(linkRequests()).toHaveLength(3);
		expect(unicatCopiesOf(state(), R.chair)).toHaveLength(1);
	});

	test('a refused connection is retried: nothing was sent', async () => {
		// A closed port: every attempt is refused, so the node retries up to Max Retries and fails cleanly.
		const url = `${await refusingUrl()}/unicat`;
		const store = new CredentialStore();
		const jwt = issueUnicatJwt(state());
		store.set('recordLinksUnicatApi', { baseUrl: url, projectGid: UNICAT_PROJECT_GID, authMethod: 'jwt', jwtToken: jwt, sessionToken: '' });
		const started = Date.now();
		const result = await runNode({
			node: 'unicat',
			parameters: { ...mappedLink, options: { maxRetries: 2 } },
			items: CHAIR_TO_WINTER,
			credentials: store,
			continueOnFail: true,
		});

		expect(result.items[0].json).toEqual({ error: 'Could not connect to Unicat: the connection was refused' });
		// Two backoff waits (at least 250 ms and 500 ms) prove the retries happened.
		expect(Date.now() - started).toBeGreaterThanOrEqual(700);
	});
});

describe('Unicat input validation', () => {
	const cases: Array<[string, IDataObject, string]> = [
		['record', { record: 'not-a-gid', parent: R.winter }, 'Invalid "Record" in item 0: must be a Unicat GID'],
		['parent', { record: R.chair, parent: '' }, 'Invalid "Parent" in item 0: must not be empty'],
		['parent', { record: R.chair }, 'Invalid "Parent" in item 0: is required'],
		['beforeRecord', { record: R.chair, parent: R.winter, before: '../records' }, 'Invalid "Before Record" in item 0: must be a Unicat GID'],
	];

	test.each(cases)('bad %s: error names item and field, nothing is sent', async (_field, item, message) => {
		const result = await link([item], apiKeyCredentials(), { continueOnFail: true });
		expect(result.items).toHaveLength(1);
		expect(failure(result.items[0])).toEqual({
			error: expect.stringContaining(message),
			description: 'Nothing was sent for this item.',
			httpCode: undefined,
		});
		expect(sandbox.requestsFor('unicat')).toHaveLength(0);
	});

	test('bad ordering and language options are caught per item', async () => {
		const result = await runNode({
			node: 'unicat',
			parameters: {
				...CHAIR_TO_WINTER_LINK,
				ordering: '={{$json.ordering}}',
				options: { languages: '={{$json.languages}}' },
			},
			items: [
				{ ordering: 'main', languages: 'en' },
				{ ordering: UNICAT_ORDERING, languages: 'en, n l' },
				{ ordering: UNICAT_ORDERING, languages: 42 },
				{ ordering: UNICAT_ORDERING.toUpperCase(), languages: ['nl'] },
			],
			credentials: apiKeyCredentials(),
			continueOnFail: true,
		});

		expect(json(result.items).slice(0, 3).map((item) => item.error)).toEqual([
			'Invalid "Ordering" in item 0: must be a Unicat GID (a UUID such as f2e64fe0-9ffa-4d9a-8750-d561d6542453)',
			'Invalid "Options" › "Languages" › #2 in item 1: must be a language code such as "en" or "nl"',
			'Invalid "Options" › "Languages" in item 2: must be a comma-separated list or an array of language codes',
		]);
		// Only the valid item was sent, its gid in lower case.
		expect(linkRequests().map((request) => request.body)).toEqual([
			{ record: R.chair, parent: R.winter, ordering: UNICAT_ORDERING, languages: ['nl'] },
		]);
		expect(result.items[3].json.gid).toBe(unicatCreatedGid(1));
	});

	test('without Continue On Fail bad input stops the node before anything is sent', async () => {
		const result = await link(
			[
				{ record: R.chair, parent: R.winter },
				{ record: R.chair, parent: 'nope' },
			],
			apiKeyCredentials(),
		);
		expect(result.error?.message).toBe(
			'Invalid "Parent" in item 1: must be a Unicat GID (a UUID such as f2e64fe0-9ffa-4d9a-8750-d561d6542453)',
		);
		expect(sandbox.requestsFor('unicat')).toHaveLength(0);
	});

	test('an invalid Project GID in the credential fails before anything is sent', async () => {
		const store = apiKeyCredentials();
		store.set('recordLinksUnicatApi', { ...store.get('recordLinksUnicatApi'), projectGid: '../../admin' });
		const result = await link(CHAIR_TO_WINTER, store);
		expect(result.error?.message).toContain('The Project GID in the Unicat credential must be a GID');
		expect(sandbox.requestsFor('unicat')).toHaveLength(0);
	});
});

describe('Unicat Unlink', () => {
	test('makes a linked copy independent; repeating it is harmless', async () => {
		const parameters = { operation: 'unlink', record: '={{$json.gid}}', options: { language: 'en' } };
		const result = await runNode({
			node: 'unicat',
			parameters,
			items: [{ gid: R.summerTable }],
			credentials: apiKeyCredentials(),
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			gid: R.summerTable,
			parent: R.summer,
			canonical: R.summerTable,
			is_link: false,
			record: expect.objectContaining({ gid: R.summerTable, canonical: R.summerTable, is_link: false, title: { en: 'Table' } }),
		});
		expect(sandbox.requestsFor('unicat', UNLINK_PATH).map((request) => request.body)).toEqual([
			{ record: R.summerTable, language: 'en' },
		]);
		// Not an undo: the copy stays under its parent, now a plain record.
		expect(children(R.summer)).toEqual([R.summerTable]);
		expect(state().records.get(R.summerTable)).toMatchObject({ canonical: R.summerTable, is_link: false });
		expect(unicatCopiesOf(state(), R.table)).toHaveLength(0);
	});

	test('an answer lost in transit is retried (unlink is idempotent)', async () => {
		sandbox.addFault({ vendor: 'unicat', path: UNLINK_PATH, fault: { kind: 'drop-after' } });
		const result = await runNode({
			node: 'unicat',
			parameters: { operation: 'unlink', record: R.summerTable },
			items: [{}],
			credentials: apiKeyCredentials(),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ gid: R.summerTable, canonical: R.summerTable, is_link: false });
		expect(sandbox.requestsFor('unicat', UNLINK_PATH)).toHaveLength(2);
	});

	test('a missing record is a per-item 422 error', async () => {
		const result = await runNode({
			node: 'unicat',
			parameters: { operation: 'unlink', record: '={{$json.gid}}' },
			items: [{ gid: UNICAT_MISSING_GID }, { gid: R.summerTable }],
			credentials: apiKeyCredentials(),
			continueOnFail: true,
		});
		expect(failure(result.items[0])).toEqual({
			error: "Unicat answered 422: Unprocessable entity - record doesn't exist",
			description: expect.not.stringContaining('may have'),
			httpCode: '422',
		});
		expect(result.items[1].json).toMatchObject({ gid: R.summerTable, is_link: false });
	});
});

describe('Unicat credential', () => {
	const data = (overrides: IDataObject = {}) => ({
		baseUrl: sandbox.baseUrl('unicat'),
		projectGid: UNICAT_PROJECT_GID,
		authMethod: 'apiKey',
		apiKey: UNICAT_API_KEY,
		jwtToken: '',
		sessionToken: '',
		...overrides,
	});

	test('a good API key passes: the test logs in with the key as it is now, not with a stored JWT', async () => {
		const result = await testCredential('recordLinksUnicatApi', data());
		expect(result).toEqual({ ok: true, status: 200 });
		// n8n's login (preAuthentication), then the test's own login with the key as entered.
		expect(authRequests().map((request) => [request.method, request.body])).toEqual([
			['POST', { api_key: UNICAT_API_KEY }],
			['POST', { api_key: UNICAT_API_KEY }],
		]);
		expect(sandbox.requestsFor('unicat', UNICAT_PATHS.init)).toHaveLength(0);
	});

	test('a wrong API key fails with Unicat\'s message and never echoes the key', async () => {
		const wrongKey = 'unicat-apikey-wrong-0002';
		const result = await testCredential('recordLinksUnicatApi', data({ apiKey: wrongKey }));
		expect(result.ok).toBe(false);
		expect(result.message).toBe(
			'Logging in to Unicat with the API key failed: Forbidden - unknown user, or not a member of the project',
		);
		expect(JSON.stringify(result)).not.toContain(wrongKey);
		expect(sandbox.requestsFor('unicat', UNICAT_PATHS.init)).toHaveLength(0);
	});

	test('a wrong project GID fails', async () => {
		const result = await testCredential('recordLinksUnicatApi', data({ projectGid: UNICAT_MISSING_GID }));
		expect(result.ok).toBe(false);
		expect(result.message).toContain('not a member of the project');
	});

	test('a pasted JWT is tested without a login; an expired one fails with 401', async () => {
		const jwt = issueUnicatJwt(state());
		expect(await testCredential('recordLinksUnicatApi', data({ authMethod: 'jwt', apiKey: '', jwtToken: jwt }))).toEqual({ ok: true, status: 200 });
		expireUnicatJwts(state());
		const expired = await testCredential('recordLinksUnicatApi', data({ authMethod: 'jwt', apiKey: '', jwtToken: jwt }));
		expect(expired).toMatchObject({ ok: false, status: 401 });
		expect(expired.message).toContain('Permission denied');
		expect(authRequests()).toHaveLength(0);
	});
});

/** A module's SandboxResponse as a `status` fault. */
function toFault(response: { status: number; headers?: Record<string, string>; body?: unknown }) {
	return { status: response.status, headers: response.headers, body: response.body };
}
