import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { type CredentialStore, runNode } from './harness/engine';
import { useSandbox, useUnicatServerPerTest } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import type { Fault } from './sandbox/server';
import {
	UNICAT_ORDERING,
	UNICAT_PATHS,
	UNICAT_RECORDS as R,
	UNICAT_VARIANTS,
	unicatCopiesOf,
	unicatCreatedGid,
	type UnicatRecord,
} from './sandbox/unicat';

/**
 * What Unicat's Link with Return Existing Copy costs, counted in the requests the sandbox received:
 * a batch reads each parent's children once; an item alone under its parent reads its record's
 * backlinks (one records/get) once the server's backlinks were seen to list copies, and its
 * children while that is unknown or does not hold (variant backlinks=none); a lost answer is looked
 * up afresh. Never a second copy.
 */

const sandbox = useSandbox();
const unicatServer = useUnicatServerPerTest(sandbox);

const state = () => sandbox.state.unicat;
const { link: LINK_PATH, children: CHILDREN_PATH, get: GET_PATH } = UNICAT_PATHS;

/** The requests since the last `since()`, by kind (logins apart). */
function requestsSince(from: number) {
	const requests = sandbox.requestsFor('unicat').slice(from);
	const count = (path: string) => requests.filter((request) => request.path === path).length;
	return { children: count(CHILDREN_PATH), get: count(GET_PATH), link: count(LINK_PATH), total: requests.filter((request) => !request.path.endsWith('/auth')).length };
}
const mark = () => sandbox.requestsFor('unicat').length;

const parameters = (options: IDataObject = {}): INodeParameters => ({
	operation: 'link',
	record: '={{$json.record}}',
	parent: '={{$json.parent}}',
	ordering: UNICAT_ORDERING,
	options: { maxRetries: 3, ...options },
});

async function link(store: CredentialStore, items: IDataObject[], options: IDataObject = {}) {
	const result = await runNode({ node: 'unicat', parameters: parameters(options), items, credentials: store, continueOnFail: true });
	expect(result.error).toBeUndefined();
	return result.items;
}

const credentials = () => vendorCase('unicat').credentials(unicatServer().baseUrl);

const sourceGid = (n: number) => `50000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function record(gid: string, parent: string, title: string): UnicatRecord {
	return { gid, canonical: gid, parent, is_link: false, title: { en: title }, fields: {}, definition: '31cbd8ac-4f13-4ac3-8924-752ea94d1c65', childs: [], created_on: 1700000000, updated_on: 1700000000 };
}

/** `n` plain records to link, under Products. */
function seedSources(n: number): string[] {
	const { records } = state();
	return Array.from({ length: n }, (_, i) => {
		const source = record(sourceGid(i), R.products, `Source ${i}`);
		records.set(source.gid, source);
		records.get(R.products)!.childs.push(source.gid);
		return source.gid;
	});
}

/** `n` plain children under the parent (none a linked copy). */
function fill(parent: string, n: number): void {
	const { records } = state();
	for (let i = 0; i < n; i++) {
		const filler = record(`f1000000-0000-4000-8000-${String(i).padStart(12, '0')}`, parent, `Filler ${i}`);
		records.set(filler.gid, filler);
		records.get(parent)!.childs.push(filler.gid);
	}
}

/** records/children reads for a parent of `n` children: one per 100, and a last one shorter than 100. */
const pages = (n: number) => Math.floor(n / 100) + 1;

/** The output of a copy made now (the link's answer) and of one found (alreadyLinked). */
const made = (gid: string, source: string, parent = R.winter) => ({
	json: { gid, parent, canonical: source, is_link: true, source, record: expect.objectContaining({ gid, canonical: source, parent }), parentRecord: expect.objectContaining({ gid: parent }) },
	pairedItem: expect.anything() as unknown,
});
const found = (gid: string, source: string, parent = R.winter) => ({
	json: { gid, parent, canonical: source, is_link: true, source, record: expect.objectContaining({ gid, canonical: source }), alreadyLinked: true },
	pairedItem: expect.anything() as unknown,
});

const pairedInOrder = (items: INodeExecutionData[]) => expect(items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));

describe('a batch: each parent\'s children read once per execution', () => {
	test('50 links under a parent of 250 children: 3 pages, one records/get for the items\' records, one to check backlinks, 50 links', async () => {
		fill(R.winter, 250);
		const sources = seedSources(50);
		const store = credentials();
		const items = sources.map((source) => ({ record: source, parent: R.winter }));

		const start = mark();
		const first = await link(store, items);

		expect(first).toEqual(sources.map((source, i) => made(unicatCreatedGid(i + 1), source)));
		pairedInOrder(first);
		const cost = requestsSince(start);
		expect(cost).toEqual({ children: pages(250), get: 2, link: 50, total: pages(250) + 52 });
		expect((cost.total - cost.children) / 50).toBeLessThanOrEqual(1.05);
		// The second item's look needs its record's canonical (a copy of another record is under the
		// parent now): the records of every later item come along in the same read.
		const reads = sandbox.requestsFor('unicat', GET_PATH).map((request) => request.body);
		expect(reads).toEqual([{ record: sources[0] }, { records: sources.slice(1) }]);
		expect(state().records.get(R.winter)!.childs).toHaveLength(300);
		expect(sources.map((source) => unicatCopiesOf(state(), source).length)).toEqual(sources.map(() => 1));

		// The same items again: 300 children read once; every copy found, none made.
		const again = mark();
		const second = await link(store, items);

		expect(second).toEqual(sources.map((source, i) => found(unicatCreatedGid(i + 1), source)));
		expect(requestsSince(again)).toEqual({ children: pages(300), get: 0, link: 0, total: pages(300) });
		expect(state().createdRecords).toBe(50);
	});

	test.each([1, 4])('an item repeating an earlier one returns its copy, none made (concurrency %i)', async (concurrency) => {
		const items = [
			{ record: R.chair, parent: R.winter },
			{ record: R.table, parent: R.winter },
			{ record: R.chair, parent: R.winter },
			{ record: R.chair, parent: R.summer },
			{ record: R.table, parent: R.winter },
			// A linked copy of the table: Unicat would copy the table.
			{ record: R.summerTable, parent: R.winter },
		];
		const result = await link(credentials(), items, { concurrency });

		const byParent = (parent: string, canonical: string) => unicatCopiesOf(state(), canonical).filter((copy) => copy.parent === parent);
		const [chairInWinter] = byParent(R.winter, R.chair);
		const [tableInWinter] = byParent(R.winter, R.table);
		const [chairInSummer] = byParent(R.summer, R.chair);
		expect([byParent(R.winter, R.chair), byParent(R.winter, R.table), byParent(R.summer, R.chair)].map((copies) => copies.length)).toEqual([1, 1, 1]);
		expect(state().createdRecords).toBe(3);
		expect(sandbox.requestsFor('unicat', LINK_PATH)).toHaveLength(3);
		expect(result).toEqual([
			made(chairInWinter.gid, R.chair),
			made(tableInWinter.gid, R.table),
			found(chairInWinter.gid, R.chair),
			made(chairInSummer.gid, R.chair, R.summer),
			found(tableInWinter.gid, R.table),
			{ ...found(tableInWinter.gid, R.table), json: { ...found(tableInWinter.gid, R.table).json, source: R.summerTable } },
		]);
		pairedInOrder(result);
		if (concurrency === 1) {
			// Winter's children once; the chair's backlinks checked after its copy; the table's and the
			// summer table's canonical records in one read; Summer's single item by the chair's backlinks
			// (the chair, then its copy under Winter).
			expect(requestsSince(0)).toEqual({ children: 1, get: 4, link: 3, total: 8 });
			expect(sandbox.requestsFor('unicat', GET_PATH).map((request) => request.body)).toEqual([
				{ record: R.chair },
				{ records: [R.table, R.summerTable] },
				{ record: R.chair },
				{ record: chairInWinter.gid },
			]);
		}
	});
});

describe.each(UNICAT_VARIANTS.getUnknown)('records/get naming a record that does not exist: %s', (getUnknown) => {
	test('in a batch the unknown record fails its own item; every other item is linked once', async () => {
		state().variants.getUnknown = getUnknown;
		const sources = seedSources(5);
		const unknown = sourceGid(99);
		// After the first copy the parent holds a copy, so each later item needs its record's canonical:
		// the read of the items' records names the unknown one too.
		const items = [sources[0], unknown, ...sources.slice(1)].map((record) => ({ record, parent: R.winter }));

		const result = await link(credentials(), items);

		expect(result.map((item) => (item.json.error === undefined ? 'linked' : 'failed'))).toEqual(['linked', 'failed', 'linked', 'linked', 'linked', 'linked']);
		expect(result[1].json.error).toEqual(expect.stringContaining("record doesn't exist"));
		pairedInOrder(result);
		expect(sources.map((source) => unicatCopiesOf(state(), source).length)).toEqual([1, 1, 1, 1, 1]);
		expect(sandbox.requestsFor('unicat', LINK_PATH).map((request) => (request.body as IDataObject).record)).toEqual(sources);
	});
});

describe.each(UNICAT_VARIANTS.backlinks)('backlinks read as %s', (backlinks) => {
	beforeEach(() => {
		state().variants.backlinks = backlinks;
	});

	test.each([0, 250, 1000])('five records, one per execution, under a parent of %i children', async (children) => {
		fill(R.winter, children);
		const sources = seedSources(5);
		const store = credentials();

		const costs: Array<ReturnType<typeof requestsSince>> = [];
		for (const [i, source] of sources.entries()) {
			const start = mark();
			expect(await link(store, [{ record: source, parent: R.winter }])).toEqual([made(unicatCreatedGid(i + 1), source)]);
			costs.push(requestsSince(start));
		}

		// The first: Winter's children, the link, and one records/get of the source: its backlinks list
		// the copy just made ("copies") or not ("none").
		expect(costs[0]).toEqual({ children: pages(children), get: 1, link: 1, total: pages(children) + 2 });
		if (backlinks === 'copies') {
			// Trusted from then on: the source's backlinks (none yet) and the link, whatever the parent holds.
			expect(costs.slice(1)).toEqual(sources.slice(1).map(() => ({ children: 0, get: 1, link: 1, total: 2 })));
		} else {
			// Never trusted: the children each time, and the source's canonical (copies of other records
			// are under the parent now).
			expect(costs.slice(1)).toEqual(sources.slice(1).map((_, i) => ({ children: pages(children + i + 1), get: 1, link: 1, total: pages(children + i + 1) + 2 })));
		}

		// A re-run of the first: found, not made.
		const start = mark();
		expect(await link(store, [{ record: sources[0], parent: R.winter }])).toEqual([found(unicatCreatedGid(1), sources[0])]);
		expect(requestsSince(start)).toEqual(
			backlinks === 'copies' ? { children: 0, get: 2, link: 0, total: 2 } : { children: pages(children + 5), get: 0, link: 0, total: pages(children + 5) },
		);
		expect(sources.map((source) => unicatCopiesOf(state(), source).length)).toEqual([1, 1, 1, 1, 1]);
		expect(state().records.get(R.winter)!.childs).toHaveLength(children + 5);
	});

	test('a linked copy as the record: its canonical record\'s copy under the parent is found', async () => {
		const store = credentials();
		const [first] = await link(store, [{ record: R.table, parent: R.winter }]);

		const start = mark();
		expect(await link(store, [{ record: R.summerTable, parent: R.winter }])).toEqual([
			{ ...found(first.json.gid as string, R.table), json: { ...found(first.json.gid as string, R.table).json, source: R.summerTable } },
		]);
		if (backlinks === 'copies') {
			// The summer table (a copy of the table), the table's backlinks, then both copies in one read.
			expect(requestsSince(start)).toEqual({ children: 0, get: 3, link: 0, total: 3 });
			expect(sandbox.requestsFor('unicat', GET_PATH).slice(-2).map((request) => request.body)).toEqual([
				{ record: R.table },
				{ records: [R.summerTable, first.json.gid] },
			]);
		} else {
			expect(requestsSince(start)).toEqual({ children: 1, get: 1, link: 0, total: 2 });
		}
		expect(unicatCopiesOf(state(), R.table)).toHaveLength(2);
	});

	const lost: Array<[string, Fault, boolean]> = [
		['dropped after Unicat made the copy', { kind: 'drop-after' }, true],
		['reset before Unicat read it', { kind: 'reset-before' }, false],
		['503', { kind: 'status', status: 503, body: { success: false, result: { code: 503, message: 'Service unavailable', info: {} }, data: {} } }, false],
	];

	test.each(lost)('a lost answer (%s) is looked up afresh: one copy', async (_name, fault, acted) => {
		const store = credentials();
		// A first copy settles whether backlinks list copies on this server.
		const [table] = await link(store, [{ record: R.table, parent: R.products }]);
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault });

		const start = mark();
		const result = await link(store, [{ record: R.chair, parent: R.winter }]);

		expect(result).toEqual([acted ? found(unicatCreatedGid(2), R.chair) : made(unicatCreatedGid(2), R.chair)]);
		expect(unicatCopiesOf(state(), R.chair).map((copy) => copy.gid)).toEqual([unicatCreatedGid(2)]);
		expect(table.json.gid).toBe(unicatCreatedGid(1));
		const links = acted ? 1 : 2;
		// Trusted ("copies"): the chair's backlinks before the send and again after it, plus the copy
		// they name when there is one. Not ("none"): Winter's children before and again after.
		expect(requestsSince(start)).toEqual(
			backlinks === 'copies'
				? { children: 0, get: acted ? 3 : 2, link: links, total: (acted ? 3 : 2) + links }
				: { children: 2, get: 0, link: links, total: 2 + links },
		);
	});

	test('a lost answer in a batch: the parent\'s children are read again, not taken from the execution\'s read', async () => {
		const sources = seedSources(3);
		sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, after: 1, fault: { kind: 'drop-after' } });

		const result = await link(credentials(), sources.map((source) => ({ record: source, parent: R.winter })));

		expect(result).toEqual([made(unicatCreatedGid(1), sources[0]), found(unicatCreatedGid(2), sources[1]), made(unicatCreatedGid(3), sources[2])]);
		expect(sources.map((source) => unicatCopiesOf(state(), source).length)).toEqual([1, 1, 1]);
		const cost = requestsSince(0);
		expect(cost.link).toBe(3);
		// Trusted after the first copy ("copies"): the second source's backlinks name its copy. Else the
		// children once more.
		expect(cost.children).toBe(backlinks === 'copies' ? 1 : 2);
	});
});

test('when records/get carries the backlinked records too, a look is one request', async () => {
	const store = credentials();
	await link(store, [{ record: R.chair, parent: R.winter }]);
	state().getFulfilsBacklinks = true;

	const start = mark();
	expect(await link(store, [{ record: R.chair, parent: R.winter }])).toEqual([found(unicatCreatedGid(1), R.chair)]);
	expect(requestsSince(start)).toEqual({ children: 0, get: 1, link: 0, total: 1 });
});

test('a look whose records/get fails after a lost answer leaves it uncertain: not repeated', async () => {
	const store = credentials();
	await link(store, [{ record: R.table, parent: R.products }]);
	const unavailable = { kind: 'status' as const, status: 503, body: { success: false, result: { code: 503, message: 'Service unavailable', info: {} }, data: {} } };
	sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: unavailable });
	// The look before the send passes; every one after it fails.
	sandbox.addFault({ vendor: 'unicat', path: GET_PATH, after: 1, times: 20, fault: unavailable });

	const [item] = await link(store, [{ record: R.chair, parent: R.winter }], { maxRetries: 1 });

	expect(item.json).toEqual({ error: 'Unicat answered 503: Service unavailable' });
	expect((item.error as { description?: string }).description).toContain('Unicat may have made the linked copy');
	expect(sandbox.requestsFor('unicat', LINK_PATH).filter((request) => (request.body as IDataObject).record === R.chair)).toHaveLength(1);
	expect(unicatCopiesOf(state(), R.chair)).toHaveLength(0);
	expect(unicatCopiesOf(state(), R.table)).toHaveLength(2);
});
