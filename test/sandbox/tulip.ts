/**
 * Tulip as its documentation has it (test/contracts/tulip.contract.json): HTTP Basic (API key + secret), `/api/v3/…` for workspace-level
 * keys and `/api/v3/w/{workspaceId}/…` for account-level keys, scopes (tables:read, tables:write),
 * `PUT /tableLinks/{id}/link|unlink` answering 204 without a body, `GET /tables` (tables with their
 * columns; a linked-record column's `dataType.tableLinkID` feeds the table link picker), and Tulip's error
 * body `{ errorCode, errorUniqueID, details }`. Reads: `GET /tableLinks/{id}` (the tables and columns a
 * table link joins, from the tables' linked-record columns: the first table listed is the left end) and
 * `GET /tables/{tableId}/records/{recordId}?fields=[…]` (a record with its linked-record columns, string
 * arrays of the other end's record IDs). Record writes are rate limited per table link
 * (`rateScope`), answered with 429 + Retry-After.
 */
import { randomBytes } from 'node:crypto';

import type { SandboxRequest, SandboxResponse, VendorModule } from './server';

/** A workspace-level key (workspace DEFAULT), scopes tables:read and tables:write. */
export const TULIP_API_KEY = 'apikey.2_SandboxWorkspaceKey0001';
export const TULIP_API_SECRET = 'tulip-secret-9f8e7d6c5b4a39281706';
/** An account-level key: must name a workspace (`/api/v3/w/{workspaceId}/…`). */
export const TULIP_ACCOUNT_KEY = 'apikey.2_SandboxAccountKey0002';
export const TULIP_ACCOUNT_SECRET = 'tulip-account-secret-0a1b2c3d4e5f';
/** A workspace-level key with the tables:read scope only. */
export const TULIP_READONLY_KEY = 'apikey.2_SandboxReadOnlyKey0003';
export const TULIP_READONLY_SECRET = 'tulip-readonly-secret-77aa88bb99cc';

/** A workspace-level key with the tables:write scope only: may link, may not list tables. */
export const TULIP_WRITEONLY_KEY = 'apikey.2_SandboxWriteOnlyKey0004';
export const TULIP_WRITEONLY_SECRET = 'tulip-writeonly-secret-1a2b3c4d5e6f';

/** Table links the sandbox knows, by workspace. */
export const TULIP = {
	ordersParts: 'g56RCoZCtzv7borvp',
	stationsOperators: 'stations_operators',
	/** Only in workspace "plant2". */
	plant2Link: 'plant2_machines_jobs',
} as const;

/** A column of `GET /tables`; a linked-record column carries its table link in `dataType.tableLinkID`. */
export interface TulipColumn {
	name: string;
	label: string;
	dataType: { type: string; tableLinkID?: string };
}

export interface TulipTable {
	id: string;
	label: string;
	columns: TulipColumn[];
}

const idColumn: TulipColumn = { name: 'id', label: 'ID', dataType: { type: 'string' } };
const linkColumn = (name: string, label: string, tableLinkID: string): TulipColumn => ({
	name,
	label,
	dataType: { type: 'tableLink', tableLinkID },
});

/** The tables of each workspace; both ends of a table link have a linked-record column. */
function seedTables(): Map<string, TulipTable[]> {
	return new Map([
		[
			'DEFAULT',
			[
				{ id: 'Orders01', label: 'Orders', columns: [idColumn, linkColumn('order_parts', 'Parts', TULIP.ordersParts)] },
				{ id: 'Parts002', label: 'Parts', columns: [idColumn, linkColumn('part_orders', 'Orders', TULIP.ordersParts)] },
				{ id: 'Stations', label: 'Stations', columns: [idColumn, linkColumn('station_operators', 'Operators', TULIP.stationsOperators)] },
				{
					id: 'Operator1',
					label: 'Operators',
					columns: [idColumn, { name: 'name', label: 'Name', dataType: { type: 'string' } }, linkColumn('operator_stations', 'Stations', TULIP.stationsOperators)],
				},
			],
		],
		[
			'plant2',
			[
				{ id: 'Machines', label: 'Machines', columns: [idColumn, linkColumn('machine_jobs', 'Jobs', TULIP.plant2Link)] },
				{ id: 'Jobs0001', label: 'Jobs', columns: [idColumn, linkColumn('job_machine', 'Machine', TULIP.plant2Link)] },
			],
		],
	]);
}

interface ApiKey {
	secret: string;
	/** The workspace of a workspace-level key; undefined for an account-level key. */
	workspace?: string;
	scopes: Set<string>;
}

/**
 * What Tulip does not document, played each plausible way (test/contracts/tulip.contract.json).
 * noChange "accept": re-linking a linked pair (or unlinking an unlinked one) is a no-op 204; "refuse":
 * 400 LINK_ALREADY_EXISTS / LINK_NOT_FOUND. tableLinkColumns "named": a linked-record column of
 * `GET /tables` carries `dataType.tableLinkID`; "unnamed": only the documented `dataType.type`.
 * unlinkedColumn: how a record read shows a linked-record column without links: "empty" ([]),
 * "absent" (left out) or "null".
 */
export const TULIP_VARIANTS = {
	noChange: ['accept', 'refuse'],
	tableLinkColumns: ['named', 'unnamed'],
	unlinkedColumn: ['empty', 'absent', 'null'],
} as const;
export interface TulipVariants {
	noChange: (typeof TULIP_VARIANTS.noChange)[number];
	tableLinkColumns: (typeof TULIP_VARIANTS.tableLinkColumns)[number];
	unlinkedColumn: (typeof TULIP_VARIANTS.unlinkedColumn)[number];
}

export interface TulipState {
	keys: Map<string, ApiKey>;
	/** Table link ids per workspace. */
	tableLinks: Map<string, Set<string>>;
	/** What `GET /tables` lists, per workspace. */
	tables: Map<string, TulipTable[]>;
	/** Linked pairs as `workspace|tableLinkId|leftRecord|rightRecord`. */
	links: Set<string>;
	/** Record ids that do not exist (422 when linked). */
	missingRecords: Set<string>;
	variants: TulipVariants;
	/** Every errorUniqueID handed out, in order. */
	errorIds: string[];
}

export function tulipLinkKey(workspace: string, tableLinkId: string, left: string, right: string): string {
	return `${workspace}|${tableLinkId}|${left}|${right}`;
}

function newErrorId(): string {
	// Tulip's pattern: ^[a-zA-Z0-9+/]+$ (base64 without padding).
	return randomBytes(24).toString('base64');
}

function tulipError(state: TulipState | undefined, status: number, errorCode: string, details: string): SandboxResponse {
	const errorUniqueID = newErrorId();
	state?.errorIds.push(errorUniqueID);
	return { status, body: { errorCode, errorUniqueID, details } };
}

const API_PATH = /^\/api\/v3(?:\/w\/([^/]+))?(\/.*)$/;
const TABLE_LINK_PATH = /^\/tableLinks\/([^/]+)\/(link|unlink)$/;
const TABLE_LINK_GET_PATH = /^\/tableLinks\/([^/]+)$/;
const RECORD_PATH = /^\/tables\/([^/]+)\/records\/([^/]+)$/;

/** The Basic auth user and password, or undefined. */
function basicAuth(request: SandboxRequest): { user: string; password: string } | undefined {
	const header = request.headers.authorization;
	const encoded = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1] : undefined;
	if (!encoded) return undefined;
	const decoded = Buffer.from(encoded, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function route(request: SandboxRequest) {
	const match = API_PATH.exec(request.path);
	if (!match) return undefined;
	return { workspace: match[1] === undefined ? undefined : decodeURIComponent(match[1]), rest: match[2] };
}

function changeLink(
	request: SandboxRequest,
	state: TulipState,
	workspace: string,
	tableLinkId: string,
	action: string,
): SandboxResponse {
	if (!/^[a-zA-Z0-9_]+$/.test(tableLinkId)) {
		return tulipError(state, 400, 'BAD_REQUEST', `tableLinkId "${tableLinkId}" does not match ^[a-zA-Z0-9_]+$`);
	}
	if (!state.tableLinks.get(workspace)?.has(tableLinkId)) {
		return tulipError(state, 404, 'NOT_FOUND', `Table link ${tableLinkId} was not found`);
	}
	const body = request.body as Record<string, unknown> | undefined;
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return tulipError(state, 400, 'BAD_REQUEST', 'The request body must be a JSON object');
	}
	for (const field of ['leftRecord', 'rightRecord']) {
		if (typeof body[field] !== 'string' || body[field] === '') {
			return tulipError(state, 400, 'BAD_REQUEST', `body.${field} is required and must be a string`);
		}
	}
	const left = body.leftRecord as string;
	const right = body.rightRecord as string;
	for (const [side, record] of [
		['left', left],
		['right', right],
	]) {
		if (state.missingRecords.has(record)) {
			return tulipError(state, 422, 'RECORD_NOT_FOUND', `Record "${record}" does not exist in the ${side} table`);
		}
	}
	const key = tulipLinkKey(workspace, tableLinkId, left, right);
	if (action === 'link') {
		if (state.variants.noChange === 'refuse' && state.links.has(key)) {
			return tulipError(state, 400, 'LINK_ALREADY_EXISTS', 'These records are already linked');
		}
		state.links.add(key);
	} else {
		if (state.variants.noChange === 'refuse' && !state.links.has(key)) {
			return tulipError(state, 400, 'LINK_NOT_FOUND', 'These records are not linked');
		}
		state.links.delete(key);
	}
	return { status: 204 };
}

/** The two ends of a table link: the tables whose linked-record column names it, the first listed on the left. */
function tableLinkEnds(state: TulipState, workspace: string, tableLinkId: string) {
	if (!state.tableLinks.get(workspace)?.has(tableLinkId)) return undefined;
	const ends = (state.tables.get(workspace) ?? []).flatMap((table) =>
		table.columns.filter((column) => column.dataType.tableLinkID === tableLinkId).map((column) => ({ table: table.id, column: column.name })),
	);
	return ends.length >= 2 ? { left: ends[0], right: ends[1] } : undefined;
}

function getTableLink(state: TulipState, workspace: string, tableLinkId: string): SandboxResponse {
	const ends = tableLinkEnds(state, workspace, tableLinkId);
	if (!ends) return tulipError(state, 404, 'NOT_FOUND', `Table link ${tableLinkId} was not found`);
	return {
		status: 200,
		body: {
			id: tableLinkId,
			leftTableId: ends.left.table,
			leftTableColumnId: ends.left.column,
			rightTableId: ends.right.table,
			rightTableColumnId: ends.right.column,
			type: 'MANY_TO_MANY',
		},
	};
}

/** The records a linked-record column holds: the other end of every link of this record through its table link. */
function linkedRecords(state: TulipState, workspace: string, tableLinkId: string, left: boolean, recordId: string): string[] {
	const prefix = `${workspace}|${tableLinkId}|`;
	return [...state.links]
		.filter((key) => key.startsWith(prefix))
		.map((key) => key.slice(prefix.length).split('|'))
		.filter(([leftRecord, rightRecord]) => (left ? leftRecord : rightRecord) === recordId)
		.map(([leftRecord, rightRecord]) => (left ? rightRecord : leftRecord));
}

function getRecord(request: SandboxRequest, state: TulipState, workspace: string, tableId: string, recordId: string): SandboxResponse {
	const table = (state.tables.get(workspace) ?? []).find((candidate) => candidate.id === tableId);
	if (!table) return tulipError(state, 404, 'NOT_FOUND', `Table ${tableId} was not found`);
	if (state.missingRecords.has(recordId)) return tulipError(state, 404, 'NOT_FOUND', `Record "${recordId}" was not found in table ${tableId}`);
	let columns = table.columns;
	const fields = request.query.get('fields');
	if (fields !== null) {
		let names: unknown;
		try {
			names = JSON.parse(fields);
		} catch {
			names = undefined;
		}
		if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
			return tulipError(state, 400, 'BAD_REQUEST', 'query.fields must be a JSON array of column names');
		}
		const unknown = names.find((name) => !table.columns.some((column) => column.name === name));
		if (unknown !== undefined) return tulipError(state, 400, 'BAD_REQUEST', `Table ${tableId} has no column "${unknown}"`);
		columns = table.columns.filter((column) => column.name === 'id' || names.includes(column.name));
	}
	const body: Record<string, unknown> = { id: recordId };
	for (const column of columns) {
		const tableLinkId = column.dataType.tableLinkID;
		if (column.name === 'id' || !tableLinkId) continue;
		const ends = tableLinkEnds(state, workspace, tableLinkId);
		const left = ends?.left.table === tableId && ends.left.column === column.name;
		const records = linkedRecords(state, workspace, tableLinkId, left, recordId);
		if (records.length > 0 || state.variants.unlinkedColumn === 'empty') body[column.name] = records;
		else if (state.variants.unlinkedColumn === 'null') body[column.name] = null;
	}
	return { status: 200, body };
}

export const tulipSandbox: VendorModule<TulipState> = {
	prefix: '/tulip',
	createState: () => ({
		keys: new Map<string, ApiKey>([
			[TULIP_API_KEY, { secret: TULIP_API_SECRET, workspace: 'DEFAULT', scopes: new Set(['tables:read', 'tables:write']) }],
			[TULIP_ACCOUNT_KEY, { secret: TULIP_ACCOUNT_SECRET, scopes: new Set(['tables:read', 'tables:write']) }],
			[TULIP_READONLY_KEY, { secret: TULIP_READONLY_SECRET, workspace: 'DEFAULT', scopes: new Set(['tables:read']) }],
			[TULIP_WRITEONLY_KEY, { secret: TULIP_WRITEONLY_SECRET, workspace: 'DEFAULT', scopes: new Set(['tables:write']) }],
		]),
		tableLinks: new Map([
			['DEFAULT', new Set<string>([TULIP.ordersParts, TULIP.stationsOperators])],
			['plant2', new Set<string>([TULIP.plant2Link])],
		]),
		tables: seedTables(),
		links: new Set(),
		missingRecords: new Set(),
		variants: { noChange: 'accept', tableLinkColumns: 'named', unlinkedColumn: 'empty' },
		errorIds: [],
	}),
	rateLimited: (retryAfterSeconds) => ({
		status: 429,
		headers: { 'Retry-After': String(retryAfterSeconds) },
		body: {
			errorCode: 'RATE_LIMITED',
			errorUniqueID: newErrorId(),
			details: 'Rate limit exceeded: at most 10 record writes per second per table',
		},
	}),
	rateScope(request) {
		const path = route(request);
		const link = path && TABLE_LINK_PATH.exec(path.rest);
		if (link) return `${path.workspace ?? ''}|${decodeURIComponent(link[1])}`;
		// Record reads: per table (Tulip: 50 per second per table).
		const record = path && request.method === 'GET' ? RECORD_PATH.exec(path.rest) : null;
		return record ? `records|${path?.workspace ?? ''}|${decodeURIComponent(record[1])}` : 'reads';
	},
	handle(request, state) {
		const path = route(request);
		if (!path) return tulipError(state, 404, 'NOT_FOUND', `No route ${request.method} ${request.path}`);
		const credentials = basicAuth(request);
		const key = credentials ? state.keys.get(credentials.user) : undefined;
		if (!credentials || !key || key.secret !== credentials.password) {
			return tulipError(state, 401, 'UNAUTHORIZED', 'HTTP Basic Authorization using a valid Tulip API key is required');
		}
		let workspace: string;
		if (key.workspace === undefined) {
			if (path.workspace === undefined) {
				return tulipError(state, 403, 'FORBIDDEN', 'Account-level API keys must use /api/v3/w/{workspaceId}/…');
			}
			if (!state.tableLinks.has(path.workspace)) {
				return tulipError(state, 404, 'NOT_FOUND', `Workspace ${path.workspace} was not found`);
			}
			workspace = path.workspace;
		} else {
			if (path.workspace !== undefined && path.workspace !== key.workspace) {
				return tulipError(state, 403, 'FORBIDDEN', `This API key has no access to workspace ${path.workspace}`);
			}
			workspace = key.workspace;
		}

		if (request.method === 'GET' && path.rest === '/tables') {
			if (!key.scopes.has('tables:read')) return tulipError(state, 403, 'FORBIDDEN', 'Missing scope tables:read');
			return {
				status: 200,
				body: (state.tables.get(workspace) ?? []).map((table) => ({
					id: table.id,
					label: table.label,
					description: '',
					workspace,
					columns: table.columns.map((column) => ({
						...column,
						dataType: state.variants.tableLinkColumns === 'named' ? column.dataType : { type: column.dataType.type },
						description: '',
						hidden: false,
						unique: false,
					})),
				})),
			};
		}
		const tableLink = TABLE_LINK_GET_PATH.exec(path.rest);
		if (tableLink && request.method === 'GET') {
			if (!key.scopes.has('tables:read')) return tulipError(state, 403, 'FORBIDDEN', 'Missing scope tables:read');
			return getTableLink(state, workspace, decodeURIComponent(tableLink[1]));
		}
		const record = RECORD_PATH.exec(path.rest);
		if (record && request.method === 'GET') {
			if (!key.scopes.has('tables:read')) return tulipError(state, 403, 'FORBIDDEN', 'Missing scope tables:read');
			return getRecord(request, state, workspace, decodeURIComponent(record[1]), decodeURIComponent(record[2]));
		}
		const link = TABLE_LINK_PATH.exec(path.rest);
		if (link && request.method === 'PUT') {
			if (!key.scopes.has('tables:write')) {
				return tulipError(state, 403, 'FORBIDDEN', 'This API key lacks the tables:write scope');
			}
			return changeLink(request, state, workspace, decodeURIComponent(link[1]), link[2]);
		}
		return tulipError(state, 404, 'NOT_FOUND', `No route ${request.method} ${path.rest}`);
	},
};
