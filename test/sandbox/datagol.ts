/**
 * DataGOL as its published contract has it (test/contracts/datagol.contract.json): `linkRecordV2`
 * (POST links, DELETE unlinks, both with an array of `{ sourceRecordId, destinationRecordId,
 * linkColumnId }`), `GET …/workspaces` (the credential test and the workspace picker),
 * `GET …/workspaces/{ws}/tables` (the workbook picker), the workbook schema `GET …/tables/{tableId}`
 * (columns with `id`, `name`, `uiDataType`, `colOptions`, `uiMetadata.title`) for the link column
 * picker, `GET …/tables/{tableId}/{linkColumnId}/linkData?id={rowId}` (the rows linked to one record,
 * `{ id, cellValues }`, in one answer), a service-account token in `x-auth-token` or a user JWT in `Authorization: Bearer`, and
 * DataGOL's error envelope `{ success: false, error: { statusCode, requestId, message, … } }`.
 */
import type { SandboxRequest, SandboxResponse, VendorModule } from './server';

/** A user JWT, accepted in `Authorization: Bearer …` only. */
export const DATAGOL_JWT = 'eyJhbGciOiJIUzI1NiJ9.datagol-sandbox-user.c2lnbmF0dXJl';
/** A service-account token, accepted in `x-auth-token` only. */
export const DATAGOL_SERVICE_TOKEN = '5e25ba66c58dd6306fff6800303616ebd0363f1f57b3f6ccaac273b192d0fc4f';
/** A VIEWER's JWT: may read, may not change links (403). */
export const DATAGOL_VIEWER_JWT = 'eyJhbGciOiJIUzI1NiJ9.datagol-sandbox-viewer.c2lnbmF0dXJl';

export const DATAGOL = {
	workspaceId: '03d079b8-ddbf-4752-926a-8700c4be056c',
	/** Orders: link column → Customers. */
	ordersTable: '77b75932-a6f3-405a-aade-fc4bff973858',
	ordersCustomerColumn: '21224153-2f85-4b24-a306-4cfbc7e73f70',
	ordersProductColumn: '5a8e0c61-93d4-4b7f-a0e2-6f1c2d3b4a59',
	/** Parts: link column → Suppliers. */
	partsTable: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
	partsSupplierColumn: 'c0ffee00-1234-4abc-9def-0123456789ab',
	/** Customers: link column → Orders (the other end of Orders' customer link). */
	customersTable: '6a175502-6458-4314-b4c5-3c2f29626dea',
	customersOrdersColumn: '518e2dfc-f8c9-459e-ac7e-99f3daa6d773',
	/** Products: no LINK column at all. */
	productsTable: '9c8a448d-7884-4158-bfca-202bc95b0515',
	/** A second workspace, "Operations". */
	opsWorkspaceId: 'b3e1a902-1234-4abc-9def-7f8a90bc1234',
	/** Suppliers (Operations): no LINK column. */
	suppliersTable: 'ec345675-06bf-4133-b8c3-f8fc1934b839',
	/** Legacy import (Operations): its schema answer carries no column list. */
	legacyTable: 'bb3f3d22-bdef-45ec-8723-08f874e42247',
} as const;

type Header = 'bearer' | 'x-auth-token';

/** A column as the table schema shows it. */
export interface DataGolColumn {
	id: string;
	name: string;
	title: string;
	uiDataType: 'ID' | 'SINGLE_LINE_TEXT' | 'NUMBER' | 'LINK' | 'LOOKUP';
	/** LINK columns: the linked table. */
	associateTableId?: string;
}

interface DataGolTable {
	workspaceId: string;
	workspaceName: string;
	id: string;
	name: string;
	linkColumns: Set<string>;
	/** The schema's columns; undefined for a table whose schema answer has no column list. */
	columns?: DataGolColumn[];
}

export interface DataGolState {
	tokens: Map<string, { header: Header; role: 'EDITOR' | 'VIEWER' }>;
	/** By lower-case table id. */
	tables: Map<string, DataGolTable>;
	/** Links as `tableId|linkColumnId|sourceRecordId|destinationRecordId` (ids lower-case). */
	links: Set<string>;
	variants: DataGolVariants;
}

/**
 * What DataGOL does not document, played each plausible way (contract fact "repeat-link"). noChange
 * "accept": re-linking a linked pair (or unlinking an unlinked one) is a harmless no-op; "refuse": the
 * whole request is refused with 400 "already linked" / "not linked" and nothing changes.
 */
export const DATAGOL_VARIANTS = { noChange: ['accept', 'refuse'], linkData: ['array', 'wrapped'] } as const;
/**
 * linkData (contract fact "link-data-shape"): "array" answers the documented bare array of rows;
 * "wrapped" answers DataGOL's response envelope with the rows in `data`.
 */
export interface DataGolVariants {
	noChange: (typeof DATAGOL_VARIANTS.noChange)[number];
	linkData: (typeof DATAGOL_VARIANTS.linkData)[number];
}

export function dataGolLinkKey(tableId: string, linkColumnId: string, source: number, destination: number): string {
	return `${tableId.toLowerCase()}|${linkColumnId.toLowerCase()}|${source}|${destination}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK_PATH = /^\/noCo\/api\/v2\/workspaces\/([^/]+)\/tables\/([^/]+)\/linkRecordV2$/;
const TABLES_PATH = /^\/noCo\/api\/v2\/workspaces\/([^/]+)\/tables$/;
const TABLE_PATH = /^\/noCo\/api\/v2\/workspaces\/([^/]+)\/tables\/([^/]+)$/;
const LINK_DATA_PATH = /^\/noCo\/api\/v2\/workspaces\/([^/]+)\/tables\/([^/]+)\/([^/]+)\/linkData$/;

const idColumn = (id: string): DataGolColumn => ({ id, name: 'noco_id', title: 'ID', uiDataType: 'ID' });
const text = (id: string, name: string, title: string): DataGolColumn => ({ id, name, title, uiDataType: 'SINGLE_LINE_TEXT' });
const linkTo = (id: string, name: string, title: string, associateTableId: string): DataGolColumn => ({
	id,
	name,
	title,
	uiDataType: 'LINK',
	associateTableId,
});

function table(workspaceId: string, workspaceName: string, id: string, name: string, columns?: DataGolColumn[]): [string, DataGolTable] {
	return [
		id,
		{
			workspaceId,
			workspaceName,
			id,
			name,
			columns,
			linkColumns: new Set((columns ?? []).filter((column) => column.uiDataType === 'LINK').map((column) => column.id)),
		},
	];
}

/** The seeded tables: Sales (Orders, Parts, Customers, Products) and Operations (Suppliers, Legacy import). */
function seedTables(): Map<string, DataGolTable> {
	const sales = (id: string, name: string, columns?: DataGolColumn[]) => table(DATAGOL.workspaceId, 'Sales', id, name, columns);
	const ops = (id: string, name: string, columns?: DataGolColumn[]) => table(DATAGOL.opsWorkspaceId, 'Operations', id, name, columns);
	return new Map([
		sales(DATAGOL.ordersTable, 'Orders', [
			idColumn('75272cd2-63c4-4d4c-b2eb-20a864834a2a'),
			text('f0f38619-4396-420f-aa20-5bf13bfac51c', 'order_no', 'Order No'),
			linkTo(DATAGOL.ordersCustomerColumn, 'customer', 'Customer', DATAGOL.customersTable),
			linkTo(DATAGOL.ordersProductColumn, 'product', 'Product', DATAGOL.productsTable),
			{ id: '0d9a7b1e-5c3f-4e2a-8b6d-1f0e9c8b7a65', name: 'customer_name', title: 'Customer Name', uiDataType: 'LOOKUP' },
		]),
		// Its link column points to a table in the other workspace.
		sales(DATAGOL.partsTable, 'Parts', [idColumn('2b0c9d8e-7f6a-4b5c-9d4e-3f2a1b0c9d8e'), linkTo(DATAGOL.partsSupplierColumn, 'supplier', 'Supplier', DATAGOL.suppliersTable)]),
		sales(DATAGOL.customersTable, 'Customers', [
			idColumn('d1d1e3f0-8a3f-48e5-b93e-9e3f3d1ef4ff'),
			text('9f642d9c-54ae-4801-95fe-e83e452b5b4b', 'name', 'Name'),
			linkTo(DATAGOL.customersOrdersColumn, 'orders', 'Orders', DATAGOL.ordersTable),
		]),
		sales(DATAGOL.productsTable, 'Products', [idColumn('f830fd3f-8624-4ae5-959f-36f1756d828a'), text('a19221ad-ef55-4de7-b9b3-2e6a05e3bd93', 'title', 'Title')]),
		ops(DATAGOL.suppliersTable, 'Suppliers', [idColumn('f668c79a-11ca-4640-bcf9-ae214712f0a7'), text('e19ab19c-3a38-4d28-9eff-767019524186', 'name', 'Name')]),
		ops(DATAGOL.legacyTable, 'Legacy import'),
	]);
}

const tableNameOf = (table: DataGolTable) => `table_${table.id.slice(0, 8)}`;

/** `GET …/workspaces/{ws}/tables/{tableId}`: the table and its columns, as DataGOL's `linkTables` answer shows them. */
function tableSchema(state: DataGolState, workspaceId: string, tableId: string): SandboxResponse {
	if (!UUID.test(workspaceId) || !UUID.test(tableId)) return error(400, 'Invalid UUID in path');
	const found = state.tables.get(tableId.toLowerCase());
	if (!found || found.workspaceId !== workspaceId.toLowerCase()) {
		return error(404, `Table ${tableId} not found in workspace ${workspaceId}`);
	}
	const body: Record<string, unknown> = {
		id: found.id,
		workspaceId: found.workspaceId,
		tableName: tableNameOf(found),
		title: found.name,
		description: '',
		tableType: 'DYNAMIC',
	};
	if (found.columns) {
		body.columns = found.columns.map((column) => ({
			id: column.id,
			name: column.name,
			uiDataType: column.uiDataType,
			backendDataType: column.uiDataType === 'SINGLE_LINE_TEXT' ? 'TEXT' : 'BIGSERIAL',
			...(column.associateTableId
				? {
						colOptions: {
							relationType: 'MANY_TO_MANY',
							columnId: column.id,
							tableId: found.id,
							associateTableId: column.associateTableId,
							isItSource: true,
						},
					}
				: {}),
			uiMetadata: { title: column.title },
		}));
	}
	return { status: 200, body };
}

let requestCounter = 0;

/** DataGOL's error envelope (SaasxlResponseDTO with an ErrorMessage). */
function error(status: number, message: string, errorCode = `DG_${status}`): SandboxResponse {
	requestCounter++;
	return {
		status,
		body: {
			success: false,
			version: 'v2',
			date: new Date().toISOString(),
			data: null,
			error: {
				statusCode: status,
				requestId: `req-${Date.now().toString(36)}-${requestCounter}`,
				message,
				details: {},
				errorCodes: [errorCode],
			},
		},
	};
}

/** The caller, by the header that carries its token; each token is accepted in its own header only. */
function caller(request: SandboxRequest, state: DataGolState) {
	const authorization = request.headers.authorization;
	const bearer = typeof authorization === 'string' ? /^Bearer (.+)$/.exec(authorization)?.[1] : undefined;
	const xAuth = request.headers['x-auth-token'];
	const candidates: Array<[string | undefined, Header]> = [
		[bearer, 'bearer'],
		[typeof xAuth === 'string' ? xAuth : undefined, 'x-auth-token'],
	];
	for (const [token, header] of candidates) {
		const known = token ? state.tokens.get(token) : undefined;
		if (known && known.header === header) return known;
	}
	return undefined;
}

interface Pair {
	sourceRecordId: number;
	destinationRecordId: number;
	linkColumnId: string;
}

/** Validates the array body; returns the pairs or the 400 message. */
function readPairs(body: unknown, table: DataGolTable): Pair[] | string {
	if (!Array.isArray(body)) return 'Request body must be a JSON array of link records';
	if (body.length === 0) return 'Request body must contain at least one link record';
	const pairs: Pair[] = [];
	for (const [index, entry] of body.entries()) {
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return `[${index}] must be an object`;
		const { sourceRecordId, destinationRecordId, linkColumnId } = entry as Record<string, unknown>;
		for (const [name, value] of [
			['sourceRecordId', sourceRecordId],
			['destinationRecordId', destinationRecordId],
		] as const) {
			if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
				return `[${index}].${name} must be a non-negative integer`;
			}
		}
		if (typeof linkColumnId !== 'string' || !UUID.test(linkColumnId)) return `[${index}].linkColumnId must be a UUID`;
		if (!table.linkColumns.has(linkColumnId.toLowerCase())) {
			return `Link column ${linkColumnId} not found in table ${table.name}`;
		}
		pairs.push({ sourceRecordId: sourceRecordId as number, destinationRecordId: destinationRecordId as number, linkColumnId });
	}
	return pairs;
}

function changeLinks(request: SandboxRequest, state: DataGolState, workspaceId: string, tableId: string, role: string) {
	if (!UUID.test(workspaceId) || !UUID.test(tableId)) return error(400, 'Invalid UUID in path');
	const table = state.tables.get(tableId.toLowerCase());
	if (!table || table.workspaceId !== workspaceId.toLowerCase()) {
		return error(404, `Table ${tableId} not found in workspace ${workspaceId}`);
	}
	if (role === 'VIEWER') return error(403, 'Access denied: the VIEWER role cannot edit this table');
	const contentType = request.headers['content-type'];
	if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) {
		return error(415, 'Content-Type must be application/json');
	}
	const pairs = readPairs(request.body, table);
	if (typeof pairs === 'string') return error(400, pairs);
	const keys = pairs.map((pair) => dataGolLinkKey(table.id, pair.linkColumnId, pair.sourceRecordId, pair.destinationRecordId));
	const linking = request.method === 'POST';
	if (state.variants.noChange === 'refuse') {
		// All or nothing: one repeated pair refuses the whole request.
		const repeat = keys.findIndex((key) => state.links.has(key) === linking);
		if (repeat >= 0) {
			const { sourceRecordId, destinationRecordId } = pairs[repeat];
			return error(
				400,
				linking
					? `Records already linked: ${sourceRecordId} → ${destinationRecordId}`
					: `Records not linked: ${sourceRecordId} → ${destinationRecordId}`,
			);
		}
	}
	for (const key of keys) {
		if (linking) state.links.add(key);
		else state.links.delete(key);
	}
	return { status: 200, body: { message: linking ? 'Records linked successfully' : 'Records unlinked successfully' } };
}

/** `GET …/tables/{tableId}/{linkColumnId}/linkData?id={rowId}`: the rows linked to one record, all in one answer. */
function linkData(request: SandboxRequest, state: DataGolState, workspaceId: string, tableId: string, linkColumnId: string): SandboxResponse {
	if (!UUID.test(workspaceId) || !UUID.test(tableId) || !UUID.test(linkColumnId)) return error(400, 'Invalid UUID in path');
	const table = state.tables.get(tableId.toLowerCase());
	if (!table || table.workspaceId !== workspaceId.toLowerCase()) {
		return error(404, `Table ${tableId} not found in workspace ${workspaceId}`);
	}
	if (!table.linkColumns.has(linkColumnId.toLowerCase())) return error(404, `Link column ${linkColumnId} not found in table ${table.name}`);
	const id = request.query.get('id');
	if (id === null || !/^\d+$/.test(id)) return error(400, 'Query parameter id must be a non-negative integer');
	const prefix = `${dataGolLinkKey(table.id, linkColumnId, Number(id), 0).replace(/\|0$/, '')}|`;
	const rows = [...state.links]
		.filter((key) => key.startsWith(prefix))
		.map((key) => Number(key.slice(prefix.length)))
		.sort((a, b) => a - b)
		.map((destination) => ({ id: destination, cellValues: { noco_id: destination } }));
	if (state.variants.linkData === 'wrapped') {
		return { status: 200, body: { success: true, version: 'v2', date: new Date().toISOString(), data: rows, error: null } };
	}
	return { status: 200, body: rows };
}

export const dataGolSandbox: VendorModule<DataGolState> = {
	prefix: '/datagol',
	createState: () => ({
		tokens: new Map([
			[DATAGOL_JWT, { header: 'bearer' as const, role: 'EDITOR' as const }],
			[DATAGOL_SERVICE_TOKEN, { header: 'x-auth-token' as const, role: 'EDITOR' as const }],
			[DATAGOL_VIEWER_JWT, { header: 'bearer' as const, role: 'VIEWER' as const }],
		]),
		tables: seedTables(),
		links: new Set(),
		variants: { noChange: 'accept', linkData: 'array' },
	}),
	rateLimited: (retryAfterSeconds) => ({ ...error(429, 'Rate limit exceeded'), headers: { 'Retry-After': String(retryAfterSeconds) } }),
	handle(request, state) {
		const who = caller(request, state);
		if (!who) return error(401, 'Invalid or expired token');
		if (request.method === 'GET' && request.path === '/noCo/api/v2/workspaces') {
			const workspaces = new Map([...state.tables.values()].map((table) => [table.workspaceId, table.workspaceName]));
			return { status: 200, body: [...workspaces].map(([id, name]) => ({ id, name, description: '' })) };
		}
		const tables = TABLES_PATH.exec(request.path);
		if (tables && request.method === 'GET') {
			const workspaceId = decodeURIComponent(tables[1]).toLowerCase();
			const inWorkspace = [...state.tables.values()].filter((table) => table.workspaceId === workspaceId);
			if (inWorkspace.length === 0) return error(404, `Workspace ${workspaceId} not found`);
			// The list carries no columns (DataGOL's own node reads them from the single-table endpoint).
			return {
				status: 200,
				body: inWorkspace.map((table) => ({ id: table.id, workspaceId, title: table.name, tableName: tableNameOf(table), tableType: 'DYNAMIC', columns: [] })),
			};
		}
		const schema = TABLE_PATH.exec(request.path);
		if (schema && request.method === 'GET') {
			return tableSchema(state, decodeURIComponent(schema[1]), decodeURIComponent(schema[2]));
		}
		const linked = LINK_DATA_PATH.exec(request.path);
		if (linked && request.method === 'GET') {
			return linkData(request, state, decodeURIComponent(linked[1]), decodeURIComponent(linked[2]), decodeURIComponent(linked[3]));
		}
		const link = LINK_PATH.exec(request.path);
		if (link && (request.method === 'POST' || request.method === 'DELETE')) {
			return changeLinks(request, state, decodeURIComponent(link[1]), decodeURIComponent(link[2]), who.role);
		}
		return error(404, `No endpoint ${request.method} ${request.path}`);
	},
};
