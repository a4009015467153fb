/**
 * Bad input, every parameter of every node: each bad value is an error that names the item and the
 * parameter, nothing is sent for that item, and the items around it are linked as usual.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { type CredentialStore, runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase, type VendorName } from './harness/vendor-cases';
import { DATAGOL } from './sandbox/datagol';
import { TULIP } from './sandbox/tulip';
import { UNICAT_ORDERING, UNICAT_RECORDS } from './sandbox/unicat';

const sandbox = useSandbox();

/** A bad value: [parameter's display name, what to change in the item, words of the problem]. */
type BadValue = [field: string, patch: IDataObject, problem: string];

interface NodeCase {
	node: string;
	credentials: () => CredentialStore;
	/** Every parameter read from the input item by an expression. */
	parameters: INodeParameters;
	/** A valid item; `n` makes it distinct. */
	good: (n: number) => IDataObject;
	/** What the sandbox received, one key per item sent, to compare with the good items' keys. */
	received: () => string[];
	key: (item: IDataObject) => string;
	bad: BadValue[];
}

/** The shared table's credentials for the vendor, pointing at the sandbox. */
const sandboxCredentials = (vendor: VendorName) => () =>
	vendorCase(vendor).credentials(sandbox.baseUrl(vendor));

const bodiesOf = (vendor: VendorName, path?: string | RegExp) =>
	sandbox.requestsFor(vendor, path).map((request) => request.body as IDataObject);

const PATH_INJECTIONS: Array<[string, string]> = [
	['a parent directory', '../x'],
	['a slash', 'a/b'],
	['a query', 'a?b=1'],
	['a fragment', 'a#b'],
	['an encoded slash', 'a%2Fb'],
	['a line break', 'a\nb'],
];

const cases: NodeCase[] = [
	{
		node: 'devRev',
		credentials: sandboxCredentials('devrev'),
		parameters: { operation: 'link', linkType: '={{$json.type}}', source: '={{$json.source}}', target: '={{$json.target}}' },
		good: (n) => ({ type: 'serves', source: `ISS-${n}`, target: `TKT-${n}` }),
		received: () => bodiesOf('devrev', '/links.create').map((body) => `${body.source}>${body.target}`),
		key: (item) => `${item.source}>${item.target}`,
		bad: [
			['Source', { source: '' }, 'must not be empty'],
			['Source', { source: null }, 'is required'],
			['Source', { source: 42 }, 'must be text'],
			['Source', { source: 'x'.repeat(513) }, 'at most 512 characters'],
			['Target', { target: undefined }, 'is required'],
			['Target', { target: 'TKT-1\nTKT-2' }, 'must not contain line breaks'],
			['Link Type', { type: 'blocks' }, 'must be one of'],
			['Link Type', { type: null }, 'is required'],
		],
	},
	{
		node: 'dataGol',
		credentials: sandboxCredentials('datagol'),
		parameters: {
			operation: 'link',
			workspaceId: '={{$json.ws}}',
			workbookId: '={{$json.table}}',
			linkColumnId: '={{$json.column}}',
			sourceRecordId: '={{$json.source}}',
			destinationRecordId: '={{$json.destination}}',
		},
		good: (n) => ({
			ws: DATAGOL.workspaceId,
			table: DATAGOL.ordersTable,
			column: DATAGOL.ordersCustomerColumn,
			source: n,
			destination: 100 + n,
		}),
		received: () =>
			bodiesOf('datagol').flatMap((body) =>
				(body as unknown as IDataObject[]).map((pair) => `${pair.sourceRecordId}>${pair.destinationRecordId}`),
			),
		key: (item) => `${item.source}>${item.destination}`,
		bad: [
			...PATH_INJECTIONS.map(
				([, value]): BadValue => ['Workspace ID', { ws: value }, value.includes('\n') ? 'line breaks' : 'must be a UUID'],
			),
			['Workspace ID', { ws: `${DATAGOL.workspaceId}/..` }, 'must be a UUID'],
			['Workspace ID', { ws: '' }, 'must not be empty'],
			['Workspace ID', { ws: null }, 'is required'],
			['Workbook ID', { table: `${DATAGOL.ordersTable}%2F` }, 'must be a UUID'],
			['Workbook ID', { table: 'ünïcödé' }, 'must be a UUID'],
			['Link Column ID', { column: 'orders.customer' }, 'must be a UUID'],
			['Source Record ID', { source: -1 }, 'must be a non-negative whole number (a row ID)'],
			['Source Record ID', { source: 1.5 }, 'must be a non-negative whole number (a row ID)'],
			['Source Record ID', { source: 'abc' }, 'must be a non-negative whole number (a row ID)'],
			['Destination Record ID', { destination: 2 ** 60 }, 'is too large for a row ID'],
			['Destination Record ID', { destination: null }, 'is required'],
		],
	},
	{
		node: 'tulip',
		credentials: sandboxCredentials('tulip'),
		parameters: {
			operation: 'link',
			tableLinkId: '={{$json.tableLink}}',
			leftRecord: '={{$json.left}}',
			rightRecord: '={{$json.right}}',
			options: { requestsPerSecond: 0 },
		},
		good: (n) => ({ tableLink: TULIP.ordersParts, left: `order-${n}`, right: `part-${n}` }),
		received: () => bodiesOf('tulip', /\/link$/).map((body) => `${body.leftRecord}>${body.rightRecord}`),
		key: (item) => `${item.left}>${item.right}`,
		bad: [
			...PATH_INJECTIONS.map(
				([, value]): BadValue => [
					'Table Link ID',
					{ tableLink: value },
					value.includes('\n') ? 'must not contain line breaks or control characters' : 'may contain only letters, digits and "_"',
				],
			),
			['Table Link ID', { tableLink: 'tablé_link' }, 'may contain only letters, digits and "_"'],
			['Table Link ID', { tableLink: '' }, 'must not be empty'],
			['Left Record', { left: '' }, 'must not be empty'],
			['Left Record', { left: null }, 'is required'],
			['Right Record', { right: undefined }, 'is required'],
		],
	},
	{
		node: 'unicat',
		credentials: sandboxCredentials('unicat'),
		parameters: {
			operation: 'link',
			record: '={{$json.record}}',
			parent: '={{$json.parent}}',
			beforeRecord: '={{$json.before}}',
			ordering: '={{$json.ordering}}',
		},
		good: (n) => ({
			record: n === 1 ? UNICAT_RECORDS.chair : UNICAT_RECORDS.table,
			parent: UNICAT_RECORDS.winter,
			before: '',
			ordering: UNICAT_ORDERING,
		}),
		received: () => bodiesOf('unicat', /\/records\/link$/).map((body) => `${body.record}>${body.parent}`),
		key: (item) => `${item.record}>${item.parent}`,
		bad: [
			['Record', { record: 'not-a-gid' }, 'must be a Unicat GID'],
			['Record', { record: null }, 'is required'],
			['Parent', { parent: `${UNICAT_RECORDS.winter}/../x` }, 'must be a Unicat GID'],
			['Parent', { parent: '' }, 'must not be empty'],
			['Before Record', { before: '#fragment' }, 'must be a Unicat GID'],
			['Ordering', { ordering: 42 }, 'must be text'],
		],
	},
	{
		node: 'fairCom',
		credentials: sandboxCredentials('faircom'),
		parameters: {
			operation: 'link',
			labels: { label: [{ name: '={{$json.label}}', group: '={{$json.group}}' }] },
			tableName: '={{$json.table}}',
			ids: '={{$json.ids}}',
			databaseName: '={{$json.database}}',
			ownerName: '={{$json.owner}}',
			options: { mergeItems: false },
		},
		good: (n) => ({ label: 'urgent', group: '', table: 'orders', ids: [n], database: '', owner: '' }),
		received: () =>
			bodiesOf('faircom', '/api')
				.filter((body) => body.action === 'linkLabelsToRecords')
				.map((body) => ((body.params as IDataObject).ids as number[]).join(',')),
		key: (item) => (item.ids as number[]).join(','),
		bad: [
			['Name', { label: 'x'.repeat(65) }, 'at most 64 bytes of UTF-8 (is 65)'],
			// 22 characters, but 66 bytes: the limit is in bytes.
			['Name', { label: '€'.repeat(22) }, 'at most 64 bytes of UTF-8 (is 66)'],
			['Name', { label: '' }, 'must not be empty'],
			['Group', { group: 'g'.repeat(65) }, 'at most 64 bytes'],
			['Table Name', { table: '' }, 'must not be empty'],
			['Table Name', { table: 'ord\ners' }, 'must not contain line breaks'],
			['Record IDs', { ids: [-1] }, '-1 is outside 0–2147483647'],
			['Record IDs', { ids: [2147483648] }, 'is outside 0–2147483647'],
			['Record IDs', { ids: [1.5] }, 'is not a whole number'],
			['Record IDs', { ids: 'abc' }, 'is not a whole number'],
			['Record IDs', { ids: null }, 'must contain at least one record ID'],
			['Record IDs', { ids: [] }, 'must contain at least one record ID'],
			['Record IDs', { ids: Array.from({ length: 100_000 }, (_, id) => id) }, 'at most 10,000 record IDs per item'],
			['Database Name', { database: 'd'.repeat(65) }, 'at most 64 bytes'],
			['Owner Name', { owner: 'o'.repeat(65) }, 'at most 64 bytes'],
		],
	},
];

const rows = cases.flatMap((nodeCase) =>
	nodeCase.bad.map(([field, patch, problem]) => ({
		name: `${nodeCase.node}: ${field} = ${JSON.stringify(patch).slice(0, 60)}`,
		nodeCase,
		field,
		patch,
		problem,
	})),
);

test.each(rows)('$name', async ({ nodeCase, field, patch, problem }) => {
	const items = [nodeCase.good(1), { ...nodeCase.good(2), ...patch }, nodeCase.good(3)];

	const result = await runNode({
		node: nodeCase.node,
		parameters: nodeCase.parameters,
		items,
		credentials: nodeCase.credentials(),
		continueOnFail: true,
	});

	expect(result.error).toBeUndefined();
	expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	const message = result.items[1].json.error as string;
	expect(message.startsWith('Invalid ')).toBe(true);
	expect(message).toContain(`"${field}"`);
	expect(message).toContain(' in item 1: ');
	expect(message).toContain(problem);
	expect(result.items[1].error?.description).toBe('Nothing was sent for this item.');
	// The items around it are linked, and nothing was sent for the bad one.
	expect(result.items[0].json.error).toBeUndefined();
	expect(result.items[2].json.error).toBeUndefined();
	expect(nodeCase.received().sort()).toEqual([nodeCase.key(items[0]), nodeCase.key(items[2])].sort());
});

test.each(cases)('$node: without Continue On Fail, a bad item stops the node before anything is sent', async (nodeCase) => {
	const [field, patch] = nodeCase.bad[0];
	const result = await runNode({
		node: nodeCase.node,
		parameters: nodeCase.parameters,
		items: [nodeCase.good(1), { ...nodeCase.good(2), ...patch }],
		credentials: nodeCase.credentials(),
	});

	expect(result.error?.message).toContain(`"${field}" in item 1: `);
	expect(sandbox.requestCount).toBe(0);
});

test('FairCom: names in any script are fine within 64 bytes of UTF-8', async () => {
	const fairCom = cases.find((nodeCase) => nodeCase.node === 'fairCom')!;
	const label = 'Überprüfung-検査'; // 22 bytes
	const result = await runNode({
		node: 'fairCom',
		parameters: fairCom.parameters,
		items: [{ ...fairCom.good(1), label, group: 'Qualität' }],
		credentials: fairCom.credentials(),
	});

	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ labels: [{ name: label, group: 'Qualität' }], linked: true });
});
