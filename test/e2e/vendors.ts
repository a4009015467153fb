/**
 * What the end-to-end tests expect of each vendor's example workflows, driven by one table: the
 * vendor's link example creates `exampleLinks`, its unlink example removes them, and a copy of the
 * link example fed `badInput.items` fails on the bad item (or, with Continue On Fail, yields an
 * error item for it and links the others).
 *
 * A link is named by a short key (e.g. "ISS-1->TKT-2") that `links(sandbox)` reads from the
 * sandbox's state and `linkOutput(sandbox, key)` turns into the exact output item the node gives.
 */
import { VENDORS, type VendorKey } from '../../scripts/vendors';
import type { VendorSandbox } from '../sandbox';
import { DATAGOL } from '../sandbox/datagol';
import { TULIP } from '../sandbox/tulip';
import { UNICAT_RECORDS, type UnicatRecord, unicatView } from '../sandbox/unicat';

type Item = Record<string, unknown>;

export interface VendorCase {
	/** The vendor's key in the registry (scripts/vendors.ts) and in the sandbox. */
	key: VendorKey;
	/** The name of the vendor node in the example workflows (its display name). */
	nodeName: string;
	linkWorkflowId: string;
	unlinkWorkflowId: string;
	/** The links in the sandbox, as sorted keys. */
	links(sandbox: VendorSandbox): string[];
	/** The links the link example creates, in input order. */
	exampleLinks: string[];
	/** The exact output item of the link operation for the link `key` (as it is in the sandbox). */
	linkOutput(sandbox: VendorSandbox, key: string): Item;
	/** The exact output of the unlink example, given the link example's output. */
	unlinkOutput(sandbox: VendorSandbox, linkOutput: Item[]): Item[];
	badInput: {
		/** Input items for the link example, some of them bad. */
		items: Item[];
		/** The error the execution fails with. */
		message: string;
		/** With Continue On Fail: per input item, the link key it creates or the error item. */
		outcome: Array<string | { error: string }>;
	};
}

/** A vendor's row as written below: what the registry (scripts/vendors.ts) gives is left out. */
type VendorData = Omit<VendorCase, 'key' | 'nodeName' | 'linkWorkflowId' | 'unlinkWorkflowId'>;

const devRevObject = (displayId: string) => {
	const [prefix, number] = displayId.split('-');
	const kind = { ISS: 'issue', TKT: 'ticket' }[prefix] ?? prefix;
	return `don:core:dvrv-us-1:devo/0:${kind}/${number}`;
};

const devRevCase: VendorData = {
	links: (sandbox) =>
		[...sandbox.state.devrev.links.values()]
			.map((link) => `${link.source.display_id}->${link.target.display_id}`)
			.sort(),
	exampleLinks: ['ISS-1->TKT-2', 'ISS-3->TKT-4', 'ISS-5->TKT-6'],
	linkOutput(sandbox, key) {
		const link = [...sandbox.state.devrev.links.values()].find(
			(candidate) => `${candidate.source.display_id}->${candidate.target.display_id}` === key,
		);
		if (!link) throw new Error(`No DevRev link ${key} in the sandbox`);
		const { id, display_id, link_type, source, target, created_date } = link;
		// A link end as the node outputs it: DevRev's title (issues, tickets) or name becomes display_name.
		const end = ({ id, display_id, type, title, name }: typeof source) => ({ id, display_id, type, display_name: title ?? name });
		return { id, display_id, link_type, source: end(source), target: end(target), created_date };
	},
	unlinkOutput: (_sandbox, linkOutput) => linkOutput.map((item) => ({ ...item, deleted: true })),
	badInput: badInput(
		[
			{ source: devRevObject('ISS-11'), target: devRevObject('TKT-12') },
			{ source: '   ', target: devRevObject('TKT-13') },
			{ source: 'ISS-14', target: 'TKT-15' },
		],
		'Invalid "Source" in item 1: must not be empty',
		['ISS-11->TKT-12', 'ISS-14->TKT-15'],
	),
};

/** Link output → unlink output for vendors that echo the pair: `operation` and `linked` change. */
const echoUnlink = (linkOutput: Item[]) =>
	linkOutput.map((item) => {
		const unlinked: Item = { ...item, operation: 'unlink', unlinked: true };
		delete unlinked.linked;
		return unlinked;
	});

/** The links of a vendor whose sandbox keeps them as "…|…|end|end" keys, as "end->end". */
const pairKeys = (links: Iterable<string>) =>
	[...links]
		.map((key) => key.split('|'))
		.map(([, , from, to]) => `${from}->${to}`)
		.sort();

/** Bad input: the second of three items is bad and fails with `message`; the first and the third make the links `before` and `after`. */
function badInput(items: Item[], message: string, [before, after]: [string, string]): VendorCase['badInput'] {
	return { items, message, outcome: [before, { error: message }, after] };
}

function mustHave(links: string[], key: string, vendor: string): void {
	if (!links.includes(key)) throw new Error(`No ${vendor} link ${key} in the sandbox (it has ${links.join(', ') || 'none'})`);
}

/** DataGOL: rows of Orders linked to Customers through the orders' customer LINK column; key "order->customer". */
const dataGolCase: VendorData = {
	links: (sandbox) => pairKeys(sandbox.state.datagol.links),
	exampleLinks: ['1->11', '2->12', '3->11'],
	linkOutput(sandbox, key) {
		mustHave(dataGolCase.links(sandbox), key, 'DataGOL');
		const [source, destination] = key.split('->').map(Number);
		return {
			operation: 'link',
			workspaceId: DATAGOL.workspaceId,
			workbookId: DATAGOL.ordersTable,
			linkColumnId: DATAGOL.ordersCustomerColumn,
			sourceRecordId: source,
			destinationRecordId: destination,
			linked: true,
		};
	},
	unlinkOutput: (_sandbox, linkOutput) => echoUnlink(linkOutput),
	badInput: badInput(
		[
			{ orderId: 4, customerId: 13 },
			{ orderId: -1, customerId: 13 },
			{ orderId: 5, customerId: 14 },
		],
		'Invalid "Source Record ID" in item 1: must be a non-negative whole number (a row ID)',
		['4->13', '5->14'],
	),
};

/** Tulip: orders linked to parts through a table link; key "order->part". */
const tulipCase: VendorData = {
	links: (sandbox) => pairKeys(sandbox.state.tulip.links),
	exampleLinks: ['ORD-1001->PRT-17', 'ORD-1001->PRT-23', 'ORD-1002->PRT-17'],
	linkOutput(sandbox, key) {
		mustHave(tulipCase.links(sandbox), key, 'Tulip');
		const [leftRecord, rightRecord] = key.split('->');
		return { operation: 'link', tableLinkId: TULIP.ordersParts, leftRecord, rightRecord, linked: true };
	},
	unlinkOutput: (_sandbox, linkOutput) => echoUnlink(linkOutput),
	badInput: badInput(
		[
			{ order: 'ORD-2001', part: 'PRT-5' },
			{ order: '', part: 'PRT-6' },
			{ order: 'ORD-2002', part: 'PRT-7' },
		],
		'Invalid "Left Record" in item 1: must not be empty',
		['ORD-2001->PRT-5', 'ORD-2002->PRT-7'],
	),
};

const unicatName = (gid: string) =>
	Object.entries(UNICAT_RECORDS).find(([, candidate]) => candidate === gid)?.[0] ?? gid;

/** The linked copies the tests made (not the seeded one), by key "record->parent" (names of seeded records). */
function unicatCopies(sandbox: VendorSandbox): Map<string, UnicatRecord> {
	const copies = [...sandbox.state.unicat.records.values()].filter(
		(record) => record.is_link && record.gid !== UNICAT_RECORDS.summerTable,
	);
	return new Map(copies.map((record) => [`${unicatName(record.canonical)}->${unicatName(record.parent ?? '')}`, record]));
}

/** Unicat: a link is a linked copy of a product record placed under a collection; key "product->collection". */
const unicatCase: VendorData = {
	links: (sandbox) => [...unicatCopies(sandbox).keys()].sort(),
	exampleLinks: ['chair->summer', 'table->winter'],
	linkOutput(sandbox, key) {
		const copy = unicatCopies(sandbox).get(key);
		if (!copy?.parent) throw new Error(`No Unicat linked copy ${key} in the sandbox`);
		return {
			gid: copy.gid,
			parent: copy.parent,
			canonical: copy.canonical,
			is_link: true,
			source: copy.canonical,
			record: unicatView(sandbox.state.unicat, copy),
			parentRecord: unicatView(sandbox.state.unicat, sandbox.state.unicat.records.get(copy.parent)!),
		};
	},
	unlinkOutput: (sandbox, linkOutput) =>
		linkOutput.map((item) => {
			const record = sandbox.state.unicat.records.get(item.gid as string)!;
			return { gid: record.gid, parent: record.parent, canonical: record.gid, is_link: false, record: unicatView(sandbox.state.unicat, record) };
		}),
	badInput: badInput(
		[
			{ product: UNICAT_RECORDS.chair, collection: UNICAT_RECORDS.summer },
			{ product: 'not-a-gid', collection: UNICAT_RECORDS.winter },
			{ product: UNICAT_RECORDS.table, collection: UNICAT_RECORDS.winter },
		],
		'Invalid "Record" in item 1: must be a Unicat GID (a UUID such as f2e64fe0-9ffa-4d9a-8750-d561d6542453)',
		['chair->summer', 'table->winter'],
	),
};

/** FairCom: the label status/priority linked to order records; key "table/id group:name". */
const fairComCase: VendorData = {
	links: (sandbox) =>
		[...sandbox.state.faircom.links.values()].map((link) => `${link.tableName}/${link.id} ${link.group}:${link.name}`).sort(),
	exampleLinks: ['orders/1 status:priority', 'orders/7 status:priority', 'orders/42 status:priority'],
	linkOutput(sandbox, key) {
		mustHave(fairComCase.links(sandbox), key, 'FairCom');
		const [, tableName, id, group, name] = /^(\w+)\/(\d+) (\w*):(\w+)$/.exec(key)!;
		return { operation: 'link', labels: [{ group, name }], tableName, ids: [Number(id)], linked: true };
	},
	unlinkOutput: (_sandbox, linkOutput) => echoUnlink(linkOutput),
	badInput: badInput(
		[{ orderId: 3 }, { orderId: -7 }, { orderId: 4 }],
		'Invalid "Record IDs" › #1 in item 1: -7 is outside 0–2147483647',
		['orders/3 status:priority', 'orders/4 status:priority'],
	),
};

const data: Record<VendorKey, VendorData> = {
	devrev: devRevCase,
	datagol: dataGolCase,
	tulip: tulipCase,
	unicat: unicatCase,
	faircom: fairComCase,
};

/** The table, one row per vendor of the registry. */
export const vendorCases: VendorCase[] = VENDORS.map((vendor) => ({
	key: vendor.key,
	nodeName: vendor.displayName,
	linkWorkflowId: vendor.linkWorkflowId,
	unlinkWorkflowId: vendor.unlinkWorkflowId,
	...data[vendor.key],
}));

/** The case of one vendor. */
export function vendorCase(key: VendorKey): VendorCase {
	return vendorCases.find((each) => each.key === key)!;
}
