/**
 * Where a vendor documents nothing, the sandbox plays each plausible answer (its "variants"; see
 * test/contracts/*.contract.json). Every node runs against every variant, and the same invariants
 * hold in each: one output item per input item, in order; no link or copy made twice; nothing
 * reported done that the vendor did not do; a message a user can act on; and every credential test
 * fails on a wrong secret.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { testCredential } from './harness/credential-test';
import { CredentialStore, runNode, type RunResult } from './harness/engine';
import { listSearch } from './harness/load-options';
import { useSandbox } from './harness/use-sandbox';
import { credentialFields, vendorCase } from './harness/vendor-cases';
import { DATAGOL, DATAGOL_SERVICE_TOKEN, DATAGOL_VARIANTS, dataGolLinkKey } from './sandbox/datagol';
import { DEVREV_TOKEN, DEVREV_VARIANTS } from './sandbox/devrev';
import { FAIRCOM_PASSWORD, FAIRCOM_USERNAME, FAIRCOM_VARIANTS, listLinks } from './sandbox/faircom';
import { TULIP, TULIP_API_KEY, TULIP_API_SECRET, TULIP_VARIANTS, tulipLinkKey } from './sandbox/tulip';
import { UNICAT_API_KEY, UNICAT_ORDERING, UNICAT_RECORDS, UNICAT_VARIANTS } from './sandbox/unicat';

const sandbox = useSandbox();

/** Exactly one output item per input item, in input order. */
function expectOnePerItem(result: RunResult, count: number): INodeExecutionData[] {
	expect(result.items).toHaveLength(count);
	result.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
	return result.items;
}

const store = (type: string, data: ICredentialDataDecryptedObject) => {
	const credentials = new CredentialStore();
	credentials.set(type, data);
	return credentials;
};

// DevRev -------------------------------------------------------------------------------------------
const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;
const devRevCredentials = (token = DEVREV_TOKEN) => vendorCase('devrev').credentials(sandbox.baseUrl('devrev'), { token });
const devRev = async (parameters: INodeParameters, items: IDataObject[], continueOnFail = true) =>
	await runNode({ node: 'devRev', parameters, items, credentials: devRevCredentials(), continueOnFail });
const devRevLink = (extra: IDataObject = {}) =>
	({ operation: 'link', linkType: '={{$json.type}}', source: '={{$json.source}}', target: '={{$json.target}}', ...extra }) as INodeParameters;
const devRevLinks = () => [...sandbox.state.devrev.links.values()].map((link) => `${link.source.id}>${link.target.id}:${link.link_type}:${link.custom_link_type ?? ''}`);

describe.each(DEVREV_VARIANTS.duplicateLink)('DevRev, a duplicate link is %s-ed', (duplicateLink) => {
	beforeEach(() => {
		sandbox.state.devrev.variants.duplicateLink = duplicateLink;
	});

	test('running the same input again returns the existing links, and makes none twice', async () => {
		const items = [1, 2, 3].map((n) => ({ type: 'is_related_to', source: issue(n), target: ticket(n) }));
		const first = await devRev(devRevLink(), items);
		const second = await devRev(devRevLink(), items);

		expectOnePerItem(first, 3).forEach((item) => expect(item.json.alreadyLinked).toBeUndefined());
		expectOnePerItem(second, 3).forEach((item, index) =>
			expect(item.json).toMatchObject({ id: first.items[index].json.id, alreadyLinked: true }),
		);
		expect(devRevLinks()).toEqual([1, 2, 3].map((n) => `${issue(n)}>${ticket(n)}:is_related_to:`));
	});

	test('an answer lost after DevRev made the link: the link is looked up, not made again', async () => {
		sandbox.addFault({ vendor: 'devrev', path: '/links.create', fault: { kind: 'drop-after' } });
		const result = await devRev(devRevLink({ options: { returnExisting: false } }), [
			{ type: 'serves', source: issue(7), target: ticket(8) },
		]);

		const [item] = expectOnePerItem(result, 1);
		expect(item.json).toMatchObject({ link_type: 'serves', source: { id: issue(7) }, target: { id: ticket(8) }, alreadyLinked: true });
		expect(devRevLinks()).toEqual([`${issue(7)}>${ticket(8)}:serves:`]);
		expect(sandbox.requestsFor('devrev', '/links.create')).toHaveLength(1);
	});

	test('a 503 before DevRev acted: looked up, not found, sent again once', async () => {
		sandbox.addFault({ vendor: 'devrev', path: '/links.create', fault: { kind: 'status', status: 503, body: { type: 'service_unavailable', message: 'Try again' } } });
		const result = await devRev(devRevLink({ options: { returnExisting: false } }), [{ type: 'serves', source: issue(9), target: ticket(9) }]);

		const [item] = expectOnePerItem(result, 1);
		expect(item.json).toMatchObject({ link_type: 'serves', source: { id: issue(9) } });
		expect(item.json.alreadyLinked).toBeUndefined();
		expect(devRevLinks()).toEqual([`${issue(9)}>${ticket(9)}:serves:`]);
		expect(sandbox.requestsFor('devrev', '/links.list')).toHaveLength(1);
	});

	test('unlink by ends deletes only the link of the named custom link type', async () => {
		const customA = 'don:core:dvrv-us-1:devo/0:custom_link_type/1';
		const customB = 'don:core:dvrv-us-1:devo/0:custom_link_type/2';
		await devRev(devRevLink({ customLinkType: '={{$json.custom}}' }), [
			{ type: 'custom_link', source: issue(1), target: ticket(1), custom: customA },
			{ type: 'custom_link', source: issue(1), target: ticket(1), custom: customB },
		]);
		const result = await devRev(
			{ operation: 'unlink', unlinkBy: 'ends', linkType: 'custom_link', source: issue(1), target: ticket(1), customLinkType: customB },
			[{}],
		);

		expect(expectOnePerItem(result, 1)[0].json).toMatchObject({ custom_link_type: customB, deleted: true });
		expect(devRevLinks()).toEqual([`${issue(1)}>${ticket(1)}:custom_link:${customA}`]);
	});
});

describe.each(DEVREV_VARIANTS.displayIds)('DevRev, display IDs are %s-ed', (displayIds) => {
	test('a display ID either links or fails that item with DevRev\'s message; the other items go on', async () => {
		sandbox.state.devrev.variants.displayIds = displayIds;
		const result = await devRev(devRevLink(), [
			{ type: 'serves', source: issue(1), target: ticket(1) },
			{ type: 'serves', source: 'ISS-2', target: 'TKT-2' },
		]);

		const [first, second] = expectOnePerItem(result, 2);
		expect(first.json).toMatchObject({ source: { id: issue(1) } });
		if (displayIds === 'accept') {
			expect(second.json).toMatchObject({ source: { id: issue(2) }, target: { id: ticket(2) } });
			expect(devRevLinks()).toHaveLength(2);
		} else {
			expect(second.json).toEqual({ error: 'DevRev answered 400: Invalid ID: ISS-2' });
			expect(devRevLinks()).toEqual([`${issue(1)}>${ticket(1)}:serves:`]);
		}
	});
});

describe('DevRev credential', () => {
	test.each(DEVREV_VARIANTS.duplicateLink)('fails on a wrong token (duplicateLink %s)', async (duplicateLink) => {
		sandbox.state.devrev.variants.duplicateLink = duplicateLink;
		const result = await testCredential('recordLinksDevRevApi', { token: 'wrong-token', baseUrl: sandbox.baseUrl('devrev') });
		expect(result.ok).toBe(false);
	});
});

// DataGOL and Tulip: re-linking a linked pair, unlinking an unlinked one ---------------------------
const dataGolCredentials = (token = DATAGOL_SERVICE_TOKEN) =>
	store('recordLinksDataGolApi', { token, authHeader: 'xAuthToken', baseUrl: sandbox.baseUrl('datagol') });
const dataGolPairs = (operation: 'link' | 'unlink', pairs: Array<[number, number]>) =>
	runNode({
		node: 'dataGol',
		parameters: {
			operation,
			workspaceId: DATAGOL.workspaceId,
			workbookId: DATAGOL.ordersTable,
			linkColumnId: DATAGOL.ordersCustomerColumn,
			sourceRecordId: '={{$json.s}}',
			destinationRecordId: '={{$json.d}}',
		},
		items: pairs.map(([s, d]) => ({ s, d })),
		credentials: dataGolCredentials(),
	});
const dataGolLinked = () => [...sandbox.state.datagol.links].sort();
const dataGolKey = (s: number, d: number) => dataGolLinkKey(DATAGOL.ordersTable, DATAGOL.ordersCustomerColumn, s, d);

describe.each(DATAGOL_VARIANTS.noChange)('DataGOL, a repeat is %s-ed', (noChange) => {
	beforeEach(() => {
		sandbox.state.datagol.variants.noChange = noChange;
	});

	test('link with one pair already linked: every pair linked once, the repeat said so when DataGOL said so', async () => {
		await dataGolPairs('link', [[1, 1]]);
		const result = await dataGolPairs('link', [[1, 1], [2, 2], [3, 3]]);

		const items = expectOnePerItem(result, 3);
		items.forEach((item) => expect(item.json).toMatchObject({ operation: 'link', linked: true }));
		expect(items.map((item) => item.json.alreadyLinked)).toEqual(noChange === 'refuse' ? [true, undefined, undefined] : [undefined, undefined, undefined]);
		expect(dataGolLinked()).toEqual([dataGolKey(1, 1), dataGolKey(2, 2), dataGolKey(3, 3)].sort());
	});

	test('unlink with one pair not linked: the linked pairs are unlinked, none is reported unlinked that was not', async () => {
		await dataGolPairs('link', [[1, 1], [2, 2]]);
		const result = await dataGolPairs('unlink', [[1, 1], [5, 5], [2, 2]]);

		const items = expectOnePerItem(result, 3);
		items.forEach((item) => expect(item.json).toMatchObject({ operation: 'unlink', unlinked: true }));
		expect(items.map((item) => item.json.alreadyUnlinked)).toEqual(noChange === 'refuse' ? [undefined, true, undefined] : [undefined, undefined, undefined]);
		expect(dataGolLinked()).toEqual([]);
	});

	test('the credential test fails on a wrong token', async () => {
		const result = await testCredential('recordLinksDataGolApi', { token: 'wrong', authHeader: 'xAuthToken', baseUrl: sandbox.baseUrl('datagol') });
		expect(result.ok).toBe(false);
	});
});

const tulipCredentials = () =>
	store('recordLinksTulipApi', { instanceUrl: sandbox.baseUrl('tulip'), apiKey: TULIP_API_KEY, apiSecret: TULIP_API_SECRET, workspaceId: '' });
const tulipPairs = (operation: 'link' | 'unlink', pairs: Array<[string, string]>) =>
	runNode({
		node: 'tulip',
		parameters: { operation, tableLinkId: TULIP.ordersParts, leftRecord: '={{$json.l}}', rightRecord: '={{$json.r}}' },
		items: pairs.map(([l, r]) => ({ l, r })),
		credentials: tulipCredentials(),
	});
const tulipLinked = () => [...sandbox.state.tulip.links].sort();
const tulipKey = (l: string, r: string) => tulipLinkKey('DEFAULT', TULIP.ordersParts, l, r);

describe.each(TULIP_VARIANTS.noChange)('Tulip, a repeat is %s-ed', (noChange) => {
	beforeEach(() => {
		sandbox.state.tulip.variants.noChange = noChange;
	});

	test('link and unlink repeats: every pair in the wanted state once, "already" only where Tulip said so', async () => {
		await tulipPairs('link', [['o1', 'p1']]);
		const linked = await tulipPairs('link', [['o1', 'p1'], ['o2', 'p2']]);
		expect(expectOnePerItem(linked, 2).map((item) => [item.json.linked, item.json.alreadyLinked])).toEqual([
			[true, noChange === 'refuse' ? true : undefined],
			[true, undefined],
		]);
		expect(tulipLinked()).toEqual([tulipKey('o1', 'p1'), tulipKey('o2', 'p2')]);

		const unlinked = await tulipPairs('unlink', [['o1', 'p1'], ['o9', 'p9']]);
		expect(expectOnePerItem(unlinked, 2).map((item) => [item.json.unlinked, item.json.alreadyUnlinked])).toEqual([
			[true, undefined],
			[true, noChange === 'refuse' ? true : undefined],
		]);
		expect(tulipLinked()).toEqual([tulipKey('o2', 'p2')]);
	});

	test('the credential test fails on a wrong secret', async () => {
		const result = await testCredential('recordLinksTulipApi', { instanceUrl: sandbox.baseUrl('tulip'), apiKey: TULIP_API_KEY, apiSecret: 'wrong', workspaceId: '' });
		expect(result.ok).toBe(false);
	});
});

describe.each(TULIP_VARIANTS.tableLinkColumns)('Tulip, table link columns %s', (tableLinkColumns) => {
	test('the picker lists the table links, or says clearly that it cannot and what to do', async () => {
		sandbox.state.tulip.variants.tableLinkColumns = tableLinkColumns;
		const call = listSearch('searchTableLinks', undefined, { node: 'tulip', parameters: { operation: 'link' }, credentials: tulipCredentials() });
		if (tableLinkColumns === 'named') {
			const { results } = await call;
			expect(results.map((result) => result.value)).toEqual(expect.arrayContaining([TULIP.ordersParts, TULIP.stationsOperators]));
		} else {
			const error = await call.then(() => undefined, (thrown: unknown) => thrown);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).message).toBe('Tulip\'s table list names no table links');
			expect((error as NodeApiError).description).toContain('switch Table Link ID to "By ID"'.replace('switch', 'Switch'));
		}
	});
});

// Unicat: its 429 ------------------------------------------------------------------------------------
const unicatCredentialData = (apiKey = UNICAT_API_KEY) => credentialFields('unicat', sandbox.baseUrl('unicat'), { apiKey });

describe.each(UNICAT_VARIANTS.rateLimit)('Unicat, a 429 answered %s', (rateLimit) => {
	test('Link waits a 429 out and makes each copy exactly once', async () => {
		sandbox.state.unicat.variants.rateLimit = rateLimit;
		sandbox.rateLimits.set('unicat', { perSecond: 4, burst: 1 });
		const parents = [UNICAT_RECORDS.summer, UNICAT_RECORDS.winter, UNICAT_RECORDS.collections];
		const result = await runNode({
			node: 'unicat',
			parameters: { operation: 'link', record: UNICAT_RECORDS.chair, parent: '={{$json.parent}}', ordering: UNICAT_ORDERING },
			items: parents.map((parent) => ({ parent })),
			credentials: store('recordLinksUnicatApi', unicatCredentialData()),
		});

		expect(result.error).toBeUndefined();
		const items = expectOnePerItem(result, 3);
		expect(items.map((item) => item.json.parent)).toEqual(parents);
		expect(sandbox.injected.rateLimited).toBeGreaterThan(0);
		const copies = [...sandbox.state.unicat.records.values()].filter((record) => record.canonical === UNICAT_RECORDS.chair && record.gid !== UNICAT_RECORDS.chair);
		expect(copies.map((copy) => copy.parent).sort()).toEqual([...parents].sort());
	});

	test('the credential test fails on a wrong API key', async () => {
		sandbox.state.unicat.variants.rateLimit = rateLimit;
		const result = await testCredential('recordLinksUnicatApi', unicatCredentialData('not-the-key'));
		expect(result.ok).toBe(false);
	});
});

describe.each(UNICAT_VARIANTS.children)('Unicat, records/children answers %s', (children) => {
	test('a second Link finds the copy under the parent and makes none; Get Links lists it', async () => {
		sandbox.state.unicat.variants.children = children;
		const credentials = store('recordLinksUnicatApi', unicatCredentialData());
		const parameters: INodeParameters = { operation: 'link', record: UNICAT_RECORDS.chair, parent: UNICAT_RECORDS.winter, ordering: UNICAT_ORDERING };
		const first = await runNode({ node: 'unicat', parameters, items: [{}], credentials });
		const second = await runNode({ node: 'unicat', parameters, items: [{}], credentials });

		expect(first.error).toBeUndefined();
		expect(expectOnePerItem(second, 1)[0].json).toMatchObject({ gid: first.items[0].json.gid, alreadyLinked: true });
		const copies = [...sandbox.state.unicat.records.values()].filter((record) => record.is_link && record.canonical === UNICAT_RECORDS.chair);
		expect(copies).toHaveLength(1);

		const read = await runNode({
			node: 'unicat',
			parameters: { operation: 'getLinks', record: UNICAT_RECORDS.chair, parent: UNICAT_RECORDS.winter, returnAll: true },
			items: [{}],
			credentials,
		});
		expect(read.items.map((item) => item.json)).toEqual([{ gid: copies[0].gid, parent: UNICAT_RECORDS.winter, canonical: UNICAT_RECORDS.chair, is_link: true }]);
	});
});

// FairCom: a refused login, an expired token, listLabels' shape ------------------------------------
/** Each test counts its own sessions: the sandbox credential has one per execution, ended every time. */
const fairComCredentials = (password = FAIRCOM_PASSWORD) => vendorCase('faircom').credentials(sandbox.baseUrl('faircom'), { password });
const fairComLink = (ids: string, password?: string) =>
	runNode({
		node: 'fairCom',
		parameters: { operation: 'link', labels: { label: [{ group: 'status', name: 'open' }] }, tableName: 'orders', ids },
		items: [{}],
		credentials: fairComCredentials(password),
		continueOnFail: true,
	});

describe.each(FAIRCOM_VARIANTS.badLogin)('FairCom, a refused login answered %s', (badLogin) => {
	beforeEach(() => {
		sandbox.state.faircom.variants.badLogin = badLogin;
	});

	test('a wrong password fails the item with FairCom\'s message and links nothing', async () => {
		const result = await fairComLink('1, 2', 'wrong-password');
		const [item] = expectOnePerItem(result, 1);
		expect(String(item.json.error)).toMatch(/^Could not log in to FairCom: .*Invalid password for this account/);
		expect(listLinks(sandbox.state.faircom)).toEqual([]);
	});

	test('the credential test fails on a wrong password and passes on the right one', async () => {
		const data = (password: string) => ({ endpoint: `${sandbox.baseUrl('faircom')}/api`, authentication: 'password', username: FAIRCOM_USERNAME, password, authToken: '', ignoreSslIssues: false });
		expect((await testCredential('recordLinksFairComApi', data('wrong-password'))).ok).toBe(false);
		expect((await testCredential('recordLinksFairComApi', data(FAIRCOM_PASSWORD))).ok).toBe(true);
	});
});

describe.each(FAIRCOM_VARIANTS.expiredStatus)('FairCom, an expired token answered %s', (expiredStatus) => {
	test('one new session, one repeat, everything linked, every session ended', async () => {
		sandbox.state.faircom.variants.expiredStatus = expiredStatus;
		sandbox.state.faircom.expireNext = 1;
		const result = await fairComLink('1, 2, 3');

		const [item] = expectOnePerItem(result, 1);
		expect(item.json).toMatchObject({ operation: 'link', linked: true, ids: [1, 2, 3] });
		expect(listLinks(sandbox.state.faircom).map((link) => link.id)).toEqual([1, 2, 3]);
		const { issuedTokens, deletedTokens } = sandbox.state.faircom;
		expect(issuedTokens).toHaveLength(2);
		expect(issuedTokens.filter((token) => !deletedTokens.includes(token) && sandbox.state.faircom.sessions.has(token))).toEqual([]);
	});
});

describe.each(FAIRCOM_VARIANTS.listLabels)('FairCom, listLabels answers at result.%s', (listLabels) => {
	test('the group picker lists the label groups', async () => {
		sandbox.state.faircom.variants.listLabels = listLabels;
		const { results } = await listSearch('searchLabelGroups', undefined, {
			node: 'fairCom',
			parameters: { operation: 'link', labels: { label: [{}] } } as INodeParameters,
			credentials: fairComCredentials(),
			path: 'parameters.labels.label[0].group',
		});
		expect(results.map((result) => result.value)).toEqual(['colour', 'customer', 'status']);
	});
});

describe.each(FAIRCOM_VARIANTS.noGroup)('FairCom, a label without a group read back as %s', (noGroup) => {
	test('Get Labels of Records gives it without a group', async () => {
		sandbox.state.faircom.variants.noGroup = noGroup;
		await fairComLink('1, 2');
		await runNode({
			node: 'fairCom',
			parameters: { operation: 'link', labels: { label: [{ group: '', name: 'priority' }] }, tableName: 'orders', ids: '1' },
			items: [{}],
			credentials: fairComCredentials(),
		});
		const result = await runNode({
			node: 'fairCom',
			parameters: { operation: 'getLinks', tableName: 'orders', ids: '1, 2', returnAll: true },
			items: [{}],
			credentials: fairComCredentials(),
		});
		expect(result.items.map((item) => item.json)).toEqual([
			{ tableName: 'orders', name: 'priority', ids: [1] },
			{ tableName: 'orders', group: 'status', name: 'open', ids: [1, 2] },
		]);
	});
});
