import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { DEVREV_VARIANTS } from './sandbox/devrev';

/** DevRev's Get Links and Set Links against the sandbox: paging, scope, Dry Run, a second run, partial failure. */

const sandbox = useSandbox();
const credentials = () => vendorCase('devrev').credentials(sandbox.baseUrl('devrev'));
const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const CUSTOM = 'don:core:dvrv-us-1:devo/0:custom_link_type/7';

async function run(parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ node: 'devRev', parameters, items, credentials: credentials(), continueOnFail });
}

/** Makes links through the node's own Link operation, as a user would have. */
async function seed(links: Array<[number, number, string?, string?]>) {
	const result = await run(
		{
			operation: 'link',
			linkType: '={{$json.type}}',
			source: '={{$json.source}}',
			target: '={{$json.target}}',
			customLinkType: '={{$json.custom}}',
			options: { returnExisting: false },
		},
		links.map(([source, target, type = 'is_related_to', custom = '']) => ({ source: issue(source), target: issue(target), type, custom })),
	);
	expect(result.error).toBeUndefined();
	sandbox.requests.length = 0;
}

/** The links the sandbox holds, as "source>target type". */
function held(): string[] {
	return [...sandbox.state.devrev.links.values()]
		.map((link) => `${link.source.id.split('/').pop()}>${link.target.id.split('/').pop()} ${link.link_type}${link.custom_link_type ? `:${link.custom_link_type.split('/').pop()}` : ''}`)
		.sort();
}

const writes = () => sandbox.requestsFor('devrev', /links\.(create|delete)/);

const setLinks = (linkedObjects: unknown, options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'setLinks',
	object: issue(1),
	direction: 'is_source',
	linkType: 'is_dependent_on',
	linkedObjects: linkedObjects as string,
	options,
	...extra,
});

describe('DevRev Get Links', () => {
	test('pages through links.list with Return All: one item per link, paired to its record', async () => {
		await seed(Array.from({ length: 120 }, (_, n) => [1, n + 10] as [number, number]));
		await seed([[2, 3]]);

		const result = await run({ operation: 'getLinks', object: '={{$json.object}}', direction: 'is_source', returnAll: true }, [
			{ object: issue(1) },
			{ object: issue(99) },
			{ object: issue(2) },
		]);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(121);
		expect(result.items.slice(0, 120).every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		// The record without links gives nothing; the third record's link is paired to item 2.
		expect(result.items[120]).toEqual({
			json: expect.objectContaining({ link_type: 'is_related_to', source: expect.objectContaining({ id: issue(2) }), target: expect.objectContaining({ id: issue(3) }) }),
			pairedItem: { item: 2 },
		});
		// Records are read concurrently: the pages in any order.
		const lists = sandbox.requestsFor('devrev', '/links.list').map((request) => JSON.stringify(request.body));
		expect(lists.sort()).toEqual(
			[
			{ object: issue(1), direction: 'is_source', limit: 100 },
			{ object: issue(1), direction: 'is_source', limit: 100, cursor: '100' },
			{ object: issue(99), direction: 'is_source', limit: 100 },
			{ object: issue(2), direction: 'is_source', limit: 100 },
			]
				.map((body) => JSON.stringify(body))
				.sort(),
		);
	});

	test('stops at Limit, asking for no more than it needs', async () => {
		await seed(Array.from({ length: 30 }, (_, n) => [1, n + 10] as [number, number]));

		const result = await run({ operation: 'getLinks', object: issue(1), limit: 5, linkTypes: ['is_related_to'] });

		expect(result.items.map((item) => (item.json.target as IDataObject).id)).toEqual([10, 11, 12, 13, 14].map(issue));
		expect(sandbox.requestsFor('devrev', '/links.list').map((request) => request.body)).toEqual([
			{ object: issue(1), link_type: ['is_related_to'], limit: 5 },
		]);
	});
});

describe('DevRev Set Links', () => {
	beforeEach(async () => {
		// In scope (issue 1 → …, is_dependent_on): 2 and 3. Out of scope: another type, a link to issue 1, a custom link.
		await seed([
			[1, 2, 'is_dependent_on'],
			[1, 3, 'is_dependent_on'],
			[1, 4, 'is_related_to'],
			[5, 1, 'is_dependent_on'],
			[1, 6, 'custom_link', CUSTOM],
		]);
	});

	const before = ['1>2 is_dependent_on', '1>3 is_dependent_on', '1>4 is_related_to', '1>6 custom_link:7', '5>1 is_dependent_on'];

	test('links what is missing, deletes what is extra, and touches nothing outside the scope', async () => {
		const result = await run(setLinks(`${issue(3)}, ${issue(7)}`));

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: { object: issue(1), direction: 'is_source', linkType: 'is_dependent_on', added: [issue(7)], removed: [issue(2)], unchanged: [issue(3)] },
				pairedItem: { item: 0 },
			},
		]);
		expect(held()).toEqual(['1>3 is_dependent_on', '1>4 is_related_to', '1>6 custom_link:7', '1>7 is_dependent_on', '5>1 is_dependent_on']);
		// One read, then only the two changes (the delete first).
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/links.list', '/links.delete', '/links.create']);
	});

	test('lists what it added and removed in the order read and wanted, whatever order DevRev confirms them in', async () => {
		// The first create and the first delete answer late, so the later ones are confirmed first.
		sandbox.addFault({ vendor: 'devrev', path: '/links.create', fault: { kind: 'delay', ms: 300 } });
		sandbox.addFault({ vendor: 'devrev', path: '/links.delete', fault: { kind: 'delay', ms: 300 } });

		const result = await run(setLinks(`${issue(9)}, ${issue(8)}, ${issue(7)}`));

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			object: issue(1),
			direction: 'is_source',
			linkType: 'is_dependent_on',
			added: [issue(9), issue(8), issue(7)],
			removed: [issue(2), issue(3)],
			unchanged: [],
		});
	});

	test('a second run with the same input reads only and writes nothing', async () => {
		await run(setLinks([issue(3), issue(7)]));
		sandbox.requests.length = 0;

		const second = await run(setLinks([issue(3), issue(7)]));

		expect(second.items[0].json).toMatchObject({ added: [], removed: [], unchanged: [issue(3), issue(7)] });
		expect(writes()).toEqual([]);
		expect(sandbox.requests).toHaveLength(1);
	});

	test('Dry Run outputs the same diff and sends no write', async () => {
		const result = await run(setLinks([issue(3), issue(7)], { dryRun: true }));

		expect(result.items[0].json).toEqual({
			object: issue(1),
			direction: 'is_source',
			linkType: 'is_dependent_on',
			added: [issue(7)],
			removed: [issue(2)],
			unchanged: [issue(3)],
			dryRun: true,
		});
		expect(writes()).toEqual([]);
		expect(held()).toEqual(before);
	});

	test('Dry Run from an expression holds for its own item only', async () => {
		const result = await run({ ...setLinks([issue(3), issue(7)], { dryRun: '={{ $json.dry }}' }), object: '={{ $json.object }}' }, [
			{ object: issue(1), dry: true },
			{ object: issue(5), dry: false },
		]);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			{ object: issue(1), direction: 'is_source', linkType: 'is_dependent_on', added: [issue(7)], removed: [issue(2)], unchanged: [issue(3)], dryRun: true },
			{ object: issue(5), direction: 'is_source', linkType: 'is_dependent_on', added: [issue(3), issue(7)], removed: [issue(1)], unchanged: [] },
		]);
		// Only issue 5's links were written; issue 1's stay as they were.
		expect(held()).toEqual(['1>2 is_dependent_on', '1>3 is_dependent_on', '1>4 is_related_to', '1>6 custom_link:7', '5>3 is_dependent_on', '5>7 is_dependent_on']);
	});

	test('an empty set is an error naming the field unless Allow Removing All is on', async () => {
		const refused = await run(setLinks(''));
		expect(refused.error?.message).toBe('Invalid "Linked Objects" in item 0: is empty, which would remove all 2 links in scope; turn on Options › Allow Removing All to do that');
		expect(writes()).toEqual([]);

		const allowed = await run(setLinks('', { allowRemovingAll: true }));
		expect(allowed.items[0].json).toMatchObject({ added: [], removed: [issue(2), issue(3)], unchanged: [] });
		expect(held()).toEqual(['1>4 is_related_to', '1>6 custom_link:7', '5>1 is_dependent_on']);
	});

	test('Direction "Object Is Target" keys the links by their source', async () => {
		const result = await run(setLinks([issue(8)], {}, { direction: 'is_target' }));

		expect(result.items[0].json).toMatchObject({ added: [issue(8)], removed: [issue(5)], unchanged: [] });
		expect(held()).toEqual(['1>2 is_dependent_on', '1>3 is_dependent_on', '1>4 is_related_to', '1>6 custom_link:7', '8>1 is_dependent_on']);
	});

	test.each(DEVREV_VARIANTS.listedCustomLinkType)('a custom link type is its own scope (listed as its %s)', async (listedCustomLinkType) => {
		sandbox.state.devrev.variants.listedCustomLinkType = listedCustomLinkType;
		const result = await run(setLinks([issue(9)], {}, { linkType: 'custom_link', customLinkType: CUSTOM }));

		expect(result.items[0].json).toMatchObject({ added: [issue(9)], removed: [issue(6)], customLinkType: CUSTOM });
		expect(held()).toEqual(['1>2 is_dependent_on', '1>3 is_dependent_on', '1>4 is_related_to', '1>9 custom_link:7', '5>1 is_dependent_on']);
	});

	test('a partial failure says what was done before it; Continue On Fail keeps it on the error item', async () => {
		sandbox.addFault({ vendor: 'devrev', path: '/links.create', after: 1, fault: { kind: 'status', status: 404, body: { type: 'not_found', message: 'Object not found' } } });

		const result = await run(setLinks([issue(3), issue(7), issue(8)]), [{}, {}].slice(0, 1), true);

		expect(result.items).toHaveLength(1);
		const error = result.items[0].error as unknown as { message: string; description: string; context: IDataObject };
		expect(result.items[0].json).toEqual({ error: 'DevRev answered 404: Object not found' });
		expect(error.description).toContain(`Before the failure added ${issue(7)} and removed ${issue(2)}; nothing else was confirmed.`);
		expect(error.context).toMatchObject({ added: [issue(7)], removed: [issue(2)] });
		expect(held()).toEqual(['1>3 is_dependent_on', '1>4 is_related_to', '1>6 custom_link:7', '1>7 is_dependent_on', '5>1 is_dependent_on']);
	});

	test('a display ID in the set is refused before anything is sent', async () => {
		const result = await run(setLinks(['ISS-3']));

		expect(result.error?.message).toBe('Invalid "Linked Objects" › #1 in item 0: must be a DevRev object ID (DON) such as don:core:dvrv-us-1:devo/0:issue/1');
		expect(sandbox.requests).toEqual([]);
	});
});
