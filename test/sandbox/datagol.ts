/**
 * DataGOL as VENDORS.md describes it: `linkRecordV2` (POST links, DELETE unlinks, both with an array
 * of `{ sourceRecordId, destinationRecordId, linkColumnId }`), the workspace search used by the
 * credential test, and a token in `Authorization: Bearer` (user JWT) or `x-auth-token`
 * (service-account token). Error bodies are undocumented; the sandbox answers like a Spring service:
 * `{ timestamp, status, error, message, path }`.
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
} as const;

type Header = 'bearer' | 'x-auth-token';

interface DataGolTable {
	workspaceId: string;
	workspaceName: string;
	id: string;
	name: string;
	linkColumns: Set<string>;
}

export interface DataGolState {
	tokens: Map<string, { header: Header; role: 'EDITOR' | 'VIEWER' }>;
	/** By lower-case table id. */
	tables: Map<string, DataGolTable>;
	/** Links as `tableId|linkColumnId|sourceRecordId|destinationRecordId` (ids lower-case). */
	links: Set<string>;
	/**
	 * DataGOL does not document what a repeat does. Off: re-linking a linked pair (or unlinking an
	 * unlinked one) is a harmless no-op. On: the whole request is refused with 400 "already linked" /
	 * "not linked" and nothing changes.
	 */
	refuseRepeats: boolean;
}

export function dataGolLinkKey(tableId: string, linkColumnId: string, source: number, destination: number): string {
	return `${tableId.toLowerCase()}|${linkColumnId.toLowerCase()}|${source}|${destination}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK_PATH = /^\/noCo\/api\/v2\/workspaces\/([^/]+)\/tables\/([^/]+)\/linkRecordV2$/;

function error(request: SandboxRequest, status: number, message: string): SandboxResponse {
	const reason: Record<number, string> = {
		400: 'Bad Request',
		401: 'Unauthorized',
		403: 'Forbidden',
		404: 'Not Found',
		415: 'Unsupported Media Type',
		429: 'Too Many Requests',
	};
	return {
		status,
		body: {
			timestamp: new Date().toISOString(),
			status,
			error: reason[status] ?? 'Error',
			message,
			path: `/noCo${request.path.replace(/^\/noCo/, '')}`,
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
	if (!UUID.test(workspaceId) || !UUID.test(tableId)) return error(request, 400, 'Invalid UUID in path');
	const table = state.tables.get(tableId.toLowerCase());
	if (!table || table.workspaceId !== workspaceId.toLowerCase()) {
		return error(request, 404, `Table ${tableId} not found in workspace ${workspaceId}`);
	}
	if (role === 'VIEWER') return error(request, 403, 'Access denied: the VIEWER role cannot edit this table');
	const contentType = request.headers['content-type'];
	if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) {
		return error(request, 415, 'Content-Type must be application/json');
	}
	const pairs = readPairs(request.body, table);
	if (typeof pairs === 'string') return error(request, 400, pairs);
	const keys = pairs.map((pair) => dataGolLinkKey(table.id, pair.linkColumnId, pair.sourceRecordId, pair.destinationRecordId));
	const linking = request.method === 'POST';
	if (state.refuseRepeats) {
		// All or nothing: one repeated pair refuses the whole request.
		const repeat = keys.findIndex((key) => state.links.has(key) === linking);
		if (repeat >= 0) {
			const { sourceRecordId, destinationRecordId } = pairs[repeat];
			return error(
				request,
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

export const dataGolSandbox: VendorModule<DataGolState> = {
	prefix: '/datagol',
	createState: () => ({
		tokens: new Map([
			[DATAGOL_JWT, { header: 'bearer' as const, role: 'EDITOR' as const }],
			[DATAGOL_SERVICE_TOKEN, { header: 'x-auth-token' as const, role: 'EDITOR' as const }],
			[DATAGOL_VIEWER_JWT, { header: 'bearer' as const, role: 'VIEWER' as const }],
		]),
		tables: new Map([
			[
				DATAGOL.ordersTable,
				{
					workspaceId: DATAGOL.workspaceId,
					workspaceName: 'Sales',
					id: DATAGOL.ordersTable,
					name: 'Orders',
					linkColumns: new Set<string>([DATAGOL.ordersCustomerColumn, DATAGOL.ordersProductColumn]),
				},
			],
			[
				DATAGOL.partsTable,
				{
					workspaceId: DATAGOL.workspaceId,
					workspaceName: 'Sales',
					id: DATAGOL.partsTable,
					name: 'Parts',
					linkColumns: new Set<string>([DATAGOL.partsSupplierColumn]),
				},
			],
		]),
		links: new Set(),
		refuseRepeats: false,
	}),
	rateLimited: (retryAfterSeconds) => ({
		status: 429,
		headers: { 'Retry-After': String(retryAfterSeconds) },
		body: { status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded' },
	}),
	handle(request, state) {
		const who = caller(request, state);
		if (!who) return error(request, 401, 'Invalid or expired token');
		if (request.method === 'GET' && request.path === '/noCo/api/v2/workspaces/search') {
			const type = request.query.get('type');
			if (type !== null && type !== 'TABLE') return { status: 200, body: [] };
			return {
				status: 200,
				body: [...state.tables.values()].map((table) => ({
					type: 'TABLE',
					id: table.id,
					name: table.name,
					workspaceId: table.workspaceId,
					workspaceName: table.workspaceName,
				})),
			};
		}
		const link = LINK_PATH.exec(request.path);
		if (link && (request.method === 'POST' || request.method === 'DELETE')) {
			return changeLinks(request, state, decodeURIComponent(link[1]), decodeURIComponent(link[2]), who.role);
		}
		return error(request, 404, `No endpoint ${request.method} ${request.path}`);
	},
};
