import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox, useUnicatServerPerTest } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
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
 * Unicat's Get Links (the linked copies of a record under a parent, read from records/children page
 * by page) and Link's Return Existing Copy (a re-run or a lost answer never makes a second copy),
 * against both shapes of records/children the sandbox plays.
 */

const sandbox = useSandbox();
const unicatServer = useUnicatServerPerTest(sandbox);
const credentials = () => vendorCase('unicat').credentials(unicatServer().baseUrl);
const { link: LINK_PATH, children: CHILDREN_PATH } = UNICAT_PATHS;
const linkRequests = () => sandbox.requestsFor('unicat', LINK_PATH);
const childrenReads = () => sandbox.requestsFor('unicat', CHILDREN_PATH);

async function run(parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) {
	return await runNode({ node: 'unicat', parameters, items, credentials: credentials(), continueOnFail });
}

const linkChair = (options: INodeParameters = {}): INodeParameters => ({
	operation: 'link',
	record: R.chair,
	parent: R.winter,
	ordering: UNICAT_ORDERING,
	options,
});

const getLinks = (extra: INodeParameters): INodeParameters => ({ operation: 'getLinks', record: R.chair, parent: R.winter, ...extra });

/** Puts `n` plain records under Winter, then a linked copy of the chair after every `every`-th. */
function fillWinter(n: number, every: number): string[] {
	const { records } = sandbox.state.unicat;
	const winter = records.get(R.winter)!;
	const copies: string[] = [];
	for (let i = 0; i < n; i++) {
		const gid = `f111ed00-0000-4000-8000-${String(i).padStart(12, '0')}`;
		const record: UnicatRecord = {
			gid,
			canonical: gid,
			parent: R.winter,
			is_link: false,
			title: { en: `Filler ${i}` },
			fields: {},
			definition: '31cbd8ac-4f13-4ac3-8924-752ea94d1c65',
			childs: [],
			created_on: 1700000000,
			updated_on: 1700000000,
		};
		records.set(gid, record);
		winter.childs.push(gid);
		if ((i + 1) % every === 0) {
			const copy = `c0c0c0c0-0000-4000-8000-${String(i).padStart(12, '0')}`;
			records.set(copy, { ...record, gid: copy, canonical: R.chair, is_link: true, title: { en: 'Chair' } });
			winter.childs.push(copy);
			copies.push(copy);
		}
	}
	return copies;
}

describe.each(UNICAT_VARIANTS.children)('Unicat reads, records/children answers %s', (children) => {
	beforeEach(() => {
		sandbox.state.unicat.variants.children = children;
	});

	describe('Get Links', () => {
		test('Return All pages through more than 100 children: one item per copy of the record, paired to its item', async () => {
			// 150 fillers with a copy after every 50th: 153 children, the copies at 50, 101 and 152.
			const copies = fillWinter(150, 50);

			const result = await run(getLinks({ record: '={{$json.record}}', returnAll: true }), [{ record: R.chair }, { record: R.table }]);

			expect(result.error).toBeUndefined();
			expect(result.items).toEqual(
				copies.map((gid) => ({ json: { gid, parent: R.winter, canonical: R.chair, is_link: true }, pairedItem: { item: 0 } })),
			);
			// Two full pages and a short one for each record (the table has no copy under Winter).
			const pages = childrenReads().map((request) => JSON.stringify(request.body));
			const expected = [0, 100].map((top) => JSON.stringify({ record: R.winter, page: { top, size: 100 } }));
			expect(pages).toEqual([...expected, ...expected]);
		});

		test('stops at Limit', async () => {
			const copies = fillWinter(150, 50);

			const result = await run(getLinks({ limit: 2 }));

			expect(result.items.map((item) => item.json.gid)).toEqual(copies.slice(0, 2));
			expect(childrenReads()).toHaveLength(2);
		});

		test('a record with no copies under the parent yields nothing; the record itself is not its own copy', async () => {
			const none = await run(getLinks({ returnAll: true }));
			expect(none.error).toBeUndefined();
			expect(none.items).toEqual([]);

			// The chair is a child of Products, but it is the record, not a linked copy of it.
			const own = await run(getLinks({ parent: R.products, returnAll: true }));
			expect(own.items).toEqual([]);

			// The seeded copy of the table under Summer is found.
			const table = await run(getLinks({ record: R.table, parent: R.summer, returnAll: true }));
			expect(table.items.map((item) => item.json)).toEqual([{ gid: R.summerTable, parent: R.summer, canonical: R.table, is_link: true }]);
		});
	});

	describe('Link, Return Existing Copy', () => {
		test('a re-run makes no second copy and outputs the copy with alreadyLinked', async () => {
			const first = await run(linkChair());
			expect(first.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), canonical: R.chair });
			expect(first.items[0].json.alreadyLinked).toBeUndefined();

			const second = await run(linkChair());

			expect(second.error).toBeUndefined();
			expect(second.items).toEqual([
				{
					json: expect.objectContaining({ gid: unicatCreatedGid(1), parent: R.winter, canonical: R.chair, is_link: true, source: R.chair, alreadyLinked: true }),
					pairedItem: { item: 0 },
				},
			]);
			expect(unicatCopiesOf(sandbox.state.unicat, R.chair)).toHaveLength(1);
			expect(linkRequests()).toHaveLength(1);
		});

		test('a copy past the first page of children is found too', async () => {
			// 120 fillers, then a copy of the chair: the 121st child, on the second page.
			const [copy] = fillWinter(120, 120);

			const result = await run(linkChair());

			expect(result.items).toEqual([
				{ json: { gid: copy, parent: R.winter, canonical: R.chair, is_link: true, source: R.chair, record: expect.objectContaining({ gid: copy }), alreadyLinked: true }, pairedItem: { item: 0 } },
			]);
			expect(childrenReads().map((request) => (request.body as { page: unknown }).page)).toEqual([
				{ top: 0, size: 100 },
				{ top: 100, size: 100 },
			]);
			expect(linkRequests()).toHaveLength(0);
		});

		test('a copy of a linked copy is found by the canonical record', async () => {
			await run({ ...linkChair(), record: R.table, parent: R.winter });
			sandbox.requests.length = 0;

			// The summer table is a copy of the table: linking it under Winter again finds the table's copy.
			const again = await run({ ...linkChair(), record: R.summerTable });

			expect(again.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), canonical: R.table, alreadyLinked: true });
			expect(linkRequests()).toHaveLength(0);
			expect(unicatCopiesOf(sandbox.state.unicat, R.table)).toHaveLength(2);
		});

		test('a dropped answer after Unicat made the copy: the lookup finds it, no second copy', async () => {
			sandbox.addFault({ vendor: 'unicat', path: LINK_PATH, fault: { kind: 'drop-after' } });

			const result = await run(linkChair());

			expect(result.error).toBeUndefined();
			expect(sandbox.injected['drop-after']).toBe(1);
			expect(result.items[0].json).toMatchObject({ gid: unicatCreatedGid(1), canonical: R.chair, alreadyLinked: true });
			expect(unicatCopiesOf(sandbox.state.unicat, R.chair)).toHaveLength(1);
			expect(linkRequests()).toHaveLength(1);
			// Before the send, and after the dropped answer.
			expect(childrenReads()).toHaveLength(2);
		});

		test('off: no lookup, and a second run makes a second copy', async () => {
			await run(linkChair({ returnExisting: false }));
			const second = await run(linkChair({ returnExisting: false }));

			expect(second.items[0].json).toMatchObject({ gid: unicatCreatedGid(2), canonical: R.chair });
			expect(second.items[0].json.alreadyLinked).toBeUndefined();
			expect(unicatCopiesOf(sandbox.state.unicat, R.chair)).toHaveLength(2);
			expect(childrenReads()).toHaveLength(0);
		});
	});
});
