/**
 * One table of the five nodes as the fault matrix and the soak drive them: how to build credentials
 * for the sandbox, the Link parameters and items for N distinct pairs, how to count each pair's links
 * in the sandbox's state, which request is the link call, whether it is idempotent, and what the
 * vendor's error bodies look like. The tests are written once over this table.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { type VendorKey, vendorInfo, VENDORS } from '../../scripts/vendors';
import type { VendorSandbox } from '../sandbox';
import { DATAGOL, DATAGOL_JWT, dataGolLinkKey } from '../sandbox/datagol';
import { DEVREV_TOKEN } from '../sandbox/devrev';
import { FAIRCOM_PASSWORD, FAIRCOM_USERNAME, fairComActions, linkKey, tableKey } from '../sandbox/faircom';
import type { SandboxRequest, SandboxResponse } from '../sandbox/server';
import { TULIP, TULIP_API_KEY, TULIP_API_SECRET, tulipLinkKey } from '../sandbox/tulip';
import { UNICAT_API_KEY, UNICAT_ORDERING, UNICAT_PATHS, UNICAT_PROJECT_GID, UNICAT_RECORDS, type UnicatRecord } from '../sandbox/unicat';
import { CredentialStore } from './engine';

export type VendorName = VendorKey;

export interface VendorCase {
	/** The sandbox's name for the vendor. */
	vendor: VendorName;
	/** The node's name in the registry. */
	node: string;
	/** As the node names the vendor in its messages ("DevRev answered 503: …"). */
	displayName: string;
	credentialType: string;
	/**
	 * Credentials pointing at `baseUrl` (the sandbox's vendor URL, or a closed port's), with `changes`
	 * to the sandbox credential's fields (a field changed to undefined is left out).
	 */
	credentials(baseUrl: string, changes?: IDataObject): CredentialStore;
	/** Puts into the sandbox what linking pairs 0…n-1 needs (records, tables). */
	prepare?(sandbox: VendorSandbox, n: number): void;
	/** Link parameters, mapped from the items, with these Options. */
	parameters(options: INodeParameters): INodeParameters;
	/** The input item for pair i. */
	item(i: number): IDataObject;
	/** What the output item of a linked pair i holds (checked with toMatchObject). */
	output(i: number): IDataObject;
	/** How many times each of pairs 0…n-1 is linked in the sandbox. */
	linkCounts(sandbox: VendorSandbox, n: number): number[];
	/** Every link the sandbox holds that a run made (to prove nothing else was linked). */
	totalLinks(sandbox: VendorSandbox): number;
	/** The path of the link call, below the vendor's prefix (FairCom: the one endpoint). */
	linkPath: string | RegExp;
	/** The link calls among the recorded requests (unless told: the requests to `linkPath`). */
	linkRequests(sandbox: VendorSandbox): SandboxRequest[];
	/** Requests before the first link call that match `linkPath` too (FairCom's createSession). */
	faultAfter: number;
	/** Whether the engine may repeat a link call whose outcome is unknown. */
	idempotent: boolean;
	/**
	 * Whether a link call whose answer was lost is looked up before it is repeated (DevRev): a call the
	 * vendor carried out is then found, not repeated.
	 */
	looksUpBeforeRepeating?: boolean;
	/** Whether the matrix's few items travel in one request (DataGOL's batch, FairCom's atomic merged call). */
	oneRequest: boolean;
	/** An empty 2xx answer is this vendor's normal success (Tulip's 204; DataGOL's body is undocumented). */
	emptyAnswerIsNormal: boolean;
	/** The vendor's error body for an HTTP status, carrying `message`. */
	errorBody(status: number, message: string): unknown;
	/** The vendor's own 429 answer (from its sandbox module). */
	rateLimited(retryAfterSeconds: number): SandboxResponse;
	/** Options for the 5,000-item soak (batch size, concurrency, pacing). */
	soakOptions: INodeParameters;
	/** Sandbox settings for the soak (rate limits). */
	prepareSoak?(sandbox: VendorSandbox): void;
}

/** A vendor's row as written below: what the registry (scripts/vendors.ts) gives is left out. */
type VendorData = Omit<VendorCase, 'vendor' | 'node' | 'displayName' | 'credentialType' | 'credentials' | 'rateLimited' | 'linkRequests'> &
	Partial<Pick<VendorCase, 'linkRequests'>> & {
		/** The fields of the vendor's credential for the sandbox at `baseUrl`. */
		credentialData(baseUrl: string): IDataObject;
	};

const pad = (n: number) => String(n).padStart(12, '0');

/** Counts keys, for vendors whose state is a list of links. */
function countBy<T>(values: Iterable<T>, key: (value: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
	return counts;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// DevRev -------------------------------------------------------------------------------------------
const devRevIssue = (i: number) => `don:core:dvrv-us-1:devo/0:issue/${i + 1}`;
const devRevTicket = (i: number) => `don:core:dvrv-us-1:devo/0:ticket/${i + 1}`;

const devRev: VendorData = {
	credentialData: (baseUrl) => ({ token: DEVREV_TOKEN, baseUrl }),
	parameters: (options) => ({
		operation: 'link',
		linkType: 'is_related_to',
		source: '={{$json.source}}',
		target: '={{$json.target}}',
		options,
	}),
	item: (i) => ({ source: devRevIssue(i), target: devRevTicket(i) }),
	output: (i) => ({ link_type: 'is_related_to', source: { id: devRevIssue(i) }, target: { id: devRevTicket(i) } }),
	linkCounts(sandbox, n) {
		const counts = countBy(sandbox.state.devrev.links.values(), (link) => `${link.source.id}|${link.target.id}|${link.link_type}`);
		return range(n).map((i) => counts.get(`${devRevIssue(i)}|${devRevTicket(i)}|is_related_to`) ?? 0);
	},
	totalLinks: (sandbox) => sandbox.state.devrev.links.size,
	linkPath: '/links.create',
	faultAfter: 0,
	// Not idempotent (DevRev does not document refusing a duplicate), but every lost answer is looked
	// up first, so for the matrix it repeats what DevRev did not do and never what it did.
	idempotent: true,
	looksUpBeforeRepeating: true,
	oneRequest: false,
	emptyAnswerIsNormal: false,
	errorBody: (status, message) => ({
		type: status === 429 ? 'too_many_requests' : status === 503 ? 'service_unavailable' : 'internal_error',
		message,
		...(status >= 500 ? { reference_id: `ref-${status}` } : {}),
	}),
	soakOptions: { concurrency: 16 },
};

// DataGOL ------------------------------------------------------------------------------------------
const DATAGOL_PATH = `/noCo/api/v2/workspaces/${DATAGOL.workspaceId}/tables/${DATAGOL.ordersTable}/linkRecordV2`;

const dataGol: VendorData = {
	credentialData: (baseUrl) => ({ token: DATAGOL_JWT, authHeader: 'bearer', baseUrl }),
	parameters: (options) => ({
		operation: 'link',
		workspaceId: DATAGOL.workspaceId,
		workbookId: DATAGOL.ordersTable,
		linkColumnId: DATAGOL.ordersCustomerColumn,
		sourceRecordId: '={{$json.src}}',
		destinationRecordId: '={{$json.dst}}',
		options,
	}),
	item: (i) => ({ src: i + 1, dst: 100_000 + i }),
	output: (i) => ({ operation: 'link', sourceRecordId: i + 1, destinationRecordId: 100_000 + i, linked: true }),
	// A set: a pair is linked or not, so "exactly once" is "present".
	linkCounts: (sandbox, n) =>
		range(n).map((i) =>
			sandbox.state.datagol.links.has(dataGolLinkKey(DATAGOL.ordersTable, DATAGOL.ordersCustomerColumn, i + 1, 100_000 + i)) ? 1 : 0,
		),
	totalLinks: (sandbox) => sandbox.state.datagol.links.size,
	linkPath: DATAGOL_PATH,
	faultAfter: 0,
	idempotent: true,
	oneRequest: true,
	emptyAnswerIsNormal: true,
	errorBody: (status, message) => ({
		timestamp: '2026-01-01T00:00:00.000+00:00',
		status,
		error: { 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status] ?? 'Error',
		message,
		path: DATAGOL_PATH,
	}),
	// Smaller batches than the default 100, so the soak's faults hit 500 requests, not 50.
	soakOptions: { batchSize: 10 },
};

// Tulip --------------------------------------------------------------------------------------------
const TULIP_PATH = `/api/v3/tableLinks/${TULIP.ordersParts}/link`;

const tulip: VendorData = {
	credentialData: (baseUrl) => ({ instanceUrl: baseUrl, apiKey: TULIP_API_KEY, apiSecret: TULIP_API_SECRET, workspaceId: '' }),
	parameters: (options) => ({
		operation: 'link',
		tableLinkId: TULIP.ordersParts,
		leftRecord: '={{$json.left}}',
		rightRecord: '={{$json.right}}',
		options,
	}),
	item: (i) => ({ left: `order-${i}`, right: `part-${i}` }),
	output: (i) => ({ operation: 'link', tableLinkId: TULIP.ordersParts, leftRecord: `order-${i}`, rightRecord: `part-${i}`, linked: true }),
	linkCounts: (sandbox, n) =>
		range(n).map((i) => (sandbox.state.tulip.links.has(tulipLinkKey('DEFAULT', TULIP.ordersParts, `order-${i}`, `part-${i}`)) ? 1 : 0)),
	totalLinks: (sandbox) => sandbox.state.tulip.links.size,
	linkPath: TULIP_PATH,
	faultAfter: 0,
	idempotent: true,
	oneRequest: false,
	emptyAnswerIsNormal: true,
	errorBody: (status, message) => ({ errorCode: status === 429 ? 'RATE_LIMITED' : 'SERVER_ERROR', errorUniqueID: `err${status}`, details: message }),
	// Tulip's documented 10 writes/s per table would make 5,000 links take 500 s: the sandbox's limit
	// and the node's pacing are both raised (pacing below the limit, so the limit itself never answers 429).
	soakOptions: { requestsPerSecond: 1000, concurrency: 16 },
	prepareSoak(sandbox) {
		sandbox.rateLimits.set('tulip', { perSecond: 1200 });
	},
};

// Unicat -------------------------------------------------------------------------------------------
/**
 * Source record i (seeded by prepare) and the folder its copy goes under (10 copies per folder: Link
 * reads the folder's children before each copy, and the soak's 5,000 reads stay small).
 */
const unicatSource = (i: number) => `5eed0000-0000-4000-8000-${pad(i)}`;
const unicatFolder = (i: number) => `f01de000-0000-4000-8000-${pad(Math.floor(i / 10))}`;

function unicatRecord(gid: string, parent: string, title: string): UnicatRecord {
	return {
		gid,
		canonical: gid,
		parent,
		is_link: false,
		title: { en: title },
		fields: { en: { name: title } },
		definition: '31cbd8ac-4f13-4ac3-8924-752ea94d1c65',
		childs: [],
		created_on: 1700000000,
		updated_on: 1700000000,
	};
}

const unicat: VendorData = {
	credentialData: (baseUrl) => ({
		baseUrl,
		projectGid: UNICAT_PROJECT_GID,
		authMethod: 'apiKey',
		apiKey: UNICAT_API_KEY,
		jwtToken: '',
		sessionToken: '',
	}),
	prepare(sandbox, n) {
		const { records } = sandbox.state.unicat;
		const products = records.get(UNICAT_RECORDS.products)!;
		const collections = records.get(UNICAT_RECORDS.collections)!;
		for (const i of range(n)) {
			const source = unicatRecord(unicatSource(i), products.gid, `Source ${i}`);
			records.set(source.gid, source);
			products.childs.push(source.gid);
			const folder = unicatFolder(i);
			if (!records.has(folder)) {
				records.set(folder, unicatRecord(folder, collections.gid, `Folder ${folder}`));
				collections.childs.push(folder);
			}
		}
	},
	parameters: (options) => ({
		operation: 'link',
		record: '={{$json.record}}',
		parent: '={{$json.parent}}',
		beforeRecord: '',
		ordering: UNICAT_ORDERING,
		options,
	}),
	item: (i) => ({ record: unicatSource(i), parent: unicatFolder(i) }),
	output: (i) => ({ source: unicatSource(i), parent: unicatFolder(i), canonical: unicatSource(i), is_link: true }),
	linkCounts(sandbox, n) {
		const copies = [...sandbox.state.unicat.records.values()].filter((record) => record.is_link);
		const counts = countBy(copies, (copy) => `${copy.canonical}|${copy.parent}`);
		return range(n).map((i) => counts.get(`${unicatSource(i)}|${unicatFolder(i)}`) ?? 0);
	},
	// Every copy the sandbox made (the seeded summer table copy is not one).
	totalLinks: (sandbox) => sandbox.state.unicat.createdRecords,
	linkPath: UNICAT_PATHS.link,
	faultAfter: 0,
	// Not idempotent (every call makes another copy), but Return Existing Copy (on by default) looks
	// under the parent before the first send and after every lost answer, so for the matrix it repeats
	// what Unicat did not do and never what it did.
	idempotent: true,
	looksUpBeforeRepeating: true,
	oneRequest: false,
	emptyAnswerIsNormal: false,
	errorBody: (status, message) => ({ success: false, result: { code: status, message, info: {} }, data: {} }),
	// The default concurrency (1): copies land in item order.
	soakOptions: {},
	prepareSoak(sandbox) {
		// The sandbox renews the JWT in every answer and records each one for the suite's secret scan;
		// 5,000 of them would make that scan slow. The node does not read renewals.
		sandbox.state.unicat.renewJwts = false;
	},
};

// FairCom ------------------------------------------------------------------------------------------
/** A table the runs link to: ids 1…n (prepare). */
const FAIRCOM_TABLE = 'linked_orders';
const fairComLinkKey = (i: number) =>
	linkKey({ databaseName: 'faircom', ownerName: 'admin', tableName: FAIRCOM_TABLE, id: i + 1, group: '', name: 'reliable' });

const fairCom: VendorData = {
	credentialData: (baseUrl) => ({
		endpoint: `${baseUrl}/api`,
		authentication: 'password',
		username: FAIRCOM_USERNAME,
		password: FAIRCOM_PASSWORD,
		authToken: '',
		ignoreSslIssues: false,
		// A session per execution, so every run shows its session opened and ended.
		session: 'perExecution',
	}),
	prepare(sandbox, n) {
		sandbox.state.faircom.tables.set(tableKey('faircom', 'admin', FAIRCOM_TABLE), new Set(range(n).map((i) => i + 1)));
	},
	parameters: (options) => ({
		operation: 'link',
		labels: { label: [{ name: 'reliable', group: '' }] },
		tableName: FAIRCOM_TABLE,
		ids: '={{$json.ids}}',
		databaseName: '',
		ownerName: '',
		verifyLinks: true,
		options,
	}),
	item: (i) => ({ ids: [i + 1] }),
	output: (i) => ({ operation: 'link', labels: [{ name: 'reliable' }], tableName: FAIRCOM_TABLE, ids: [i + 1], linked: true }),
	// A map keyed by link: present or not.
	linkCounts: (sandbox, n) => range(n).map((i) => (sandbox.state.faircom.links.has(fairComLinkKey(i)) ? 1 : 0)),
	totalLinks: (sandbox) => sandbox.state.faircom.links.size,
	// Every action goes to /api: the first is createSession.
	linkPath: '/api',
	linkRequests: (sandbox) =>
		sandbox.requestsFor('faircom', '/api').filter((request) => (request.body as IDataObject | undefined)?.action === 'linkLabelsToRecords'),
	faultAfter: 1,
	idempotent: true,
	oneRequest: true,
	emptyAnswerIsNormal: false,
	// FairCom's envelope; the code for a server error is the sandbox's invention.
	errorBody: (status, message) => ({ result: {}, errorCode: status === 429 ? 12100 : status, errorMessage: message }),
	// Items with the same labels and table merge into atomic calls of at most 10 ids: 500 calls.
	soakOptions: { batchSize: 10 },
};

const rows: Record<VendorName, VendorData> = { devrev: devRev, datagol: dataGol, tulip, unicat, faircom: fairCom };

/** The table, one row per vendor of the registry. */
export const vendorCases: VendorCase[] = VENDORS.map((vendor) => ({
	vendor: vendor.key,
	node: vendor.node,
	displayName: vendor.displayName,
	credentialType: vendor.credentialType,
	credentials(baseUrl: string, changes: IDataObject = {}) {
		const data: IDataObject = { ...rows[vendor.key].credentialData(baseUrl), ...changes };
		for (const field of Object.keys(data)) if (data[field] === undefined) delete data[field];
		const store = new CredentialStore();
		store.set(vendor.credentialType, data as ICredentialDataDecryptedObject);
		return store;
	},
	rateLimited: vendor.sandbox.rateLimited,
	linkRequests: (sandbox: VendorSandbox) => sandbox.requestsFor(vendor.key, rows[vendor.key].linkPath),
	...rows[vendor.key],
}));

/** The row of one vendor. */
export function vendorCase(vendor: VendorName): VendorCase {
	return vendorCases.find((each) => each.vendor === vendor)!;
}

/** The fields of the vendor's sandbox credential at `baseUrl` (for a credential test), with `changes`. */
export function credentialFields(vendor: VendorName, baseUrl: string, changes: IDataObject = {}): ICredentialDataDecryptedObject {
	return vendorCase(vendor).credentials(baseUrl, changes).get(vendorInfo(vendor).credentialType);
}

/** FairCom's session bookkeeping: sessions opened and ended, deleteSession calls sent. */
export function fairComSessions(sandbox: VendorSandbox) {
	const { issuedTokens, deletedTokens } = sandbox.state.faircom;
	return {
		issued: [...issuedTokens],
		deleted: [...deletedTokens],
		deleteSessionCalls: fairComActions(sandbox.requests).filter((action) => action === 'deleteSession').length,
	};
}
