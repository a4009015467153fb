/**
 * FairCom's JSON action API as its documentation has it (test/contracts/faircom.contract.json): one endpoint (`POST /faircom/api`), the
 * envelope `{ api, action, params, authToken, debug? }` → `{ result, errorCode, errorMessage, … }`,
 * failures as HTTP 200 with a non-zero errorCode, sessions (createSession / pingSession /
 * deleteSession, idling out, errorCode 12031 for an unknown or expired token) and the atomic
 * linkLabelsToRecords / unlinkLabelsFromRecords with "already linked" warnings in debugInfo,
 * getLabelsLinkedToRecordIds (the labels on some records of a table, each with the ids it is on), and
 * listLabels (api admin) for the label pickers: the server's labels, each with group and name.
 */
import { randomBytes } from 'node:crypto';

import { recordSecret } from '../harness/leaks';
import type { SandboxRequest, SandboxResponse, VendorModule } from './server';

export const FAIRCOM_USERNAME = 'n8n_linker';
export const FAIRCOM_PASSWORD = 'Fc-s3cret-pw-71d0';
/** A permanent session's token that exists from the start (the "existing authToken" mode). */
export const FAIRCOM_PERMANENT_TOKEN = 'fc-permanent-token-5b8e0c41d9a2';
export const FAIRCOM_DEFAULT_DATABASE = 'faircom';
export const FAIRCOM_DEFAULT_OWNER = 'admin';

/**
 * The sandbox's error codes. 12031 is FairCom's documented one; no public source gives the others
 * (a refused login's code among them), so they are the sandbox's own and the node relies on none.
 */
export const FAIRCOM_ERRORS = {
	unknownUser: 450,
	badPassword: 451,
	tableNotFound: 12,
	recordNotFound: 101,
	invalidParams: 12010,
	unknownAction: 12002,
	authTokenRequired: 12030,
	sessionExpired: 12031,
	rateLimited: 12100,
} as const;

export interface FairComTable {
	databaseName: string;
	ownerName: string;
	tableName: string;
	/** Primary keys of the records in the table. */
	ids: number[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** Tables seeded in every fresh state. */
export const FAIRCOM_TABLES = {
	orders: { databaseName: 'faircom', ownerName: 'admin', tableName: 'orders', ids: range(1, 50) },
	customers: { databaseName: 'faircom', ownerName: 'admin', tableName: 'customers', ids: range(1, 20) },
	invoices: { databaseName: 'faircom', ownerName: 'sales', tableName: 'invoices', ids: range(100, 120) },
	archivedOrders: { databaseName: 'archive', ownerName: 'admin', tableName: 'orders', ids: range(1, 10) },
} satisfies Record<string, FairComTable>;

/** A label as listLabels returns it; `group` is "" for a label without a group. */
export interface FairComLabel {
	id: number;
	group: string;
	name: string;
	deprecated?: boolean;
}

/** The labels seeded in every fresh state (the pickers list these, plus any label a link uses). */
export const FAIRCOM_LABELS: FairComLabel[] = [
	{ id: 1, group: 'status', name: 'open' },
	{ id: 2, group: 'status', name: 'closed' },
	{ id: 3, group: 'status', name: 'priority' },
	{ id: 4, group: 'customer', name: 'vip' },
	{ id: 5, group: 'colour', name: 'red' },
	{ id: 6, group: 'colour', name: 'beige', deprecated: true },
	{ id: 7, group: '', name: 'priority' },
	{ id: 8, group: '', name: 'blue' },
];

export interface FairComSession {
	token: string;
	username: string;
	permanent: boolean;
	lastUsedAt: number;
	defaultDatabaseName: string;
	defaultOwnerName: string;
}

/** One label ↔ record link. `group` is "" for a label without a group. */
export interface FairComLink {
	databaseName: string;
	ownerName: string;
	tableName: string;
	id: number;
	group: string;
	name: string;
}

/**
 * What FairCom does not document, played each plausible way (test/contracts/faircom.contract.json).
 * badLogin: a refused login answers HTTP 200 or HTTP 401, with the envelope and a non-zero errorCode.
 * expiredStatus: errorCode 12031 arrives with HTTP 200 or HTTP 401. listLabels: the labels are at
 * `result.labels` or `result.data`. noGroup: getLabelsLinkedToRecordIds gives a label without a group
 * with `group: ""`, without `group`, or with `group: null`.
 */
export const FAIRCOM_VARIANTS = {
	badLogin: ['http200', 'http401'],
	expiredStatus: ['http200', 'http401'],
	listLabels: ['labels', 'data'],
	noGroup: ['empty', 'absent', 'null'],
} as const;
export interface FairComVariants {
	badLogin: (typeof FAIRCOM_VARIANTS.badLogin)[number];
	expiredStatus: (typeof FAIRCOM_VARIANTS.expiredStatus)[number];
	listLabels: (typeof FAIRCOM_VARIANTS.listLabels)[number];
	noGroup: (typeof FAIRCOM_VARIANTS.noGroup)[number];
}

export interface FairComState {
	/** username → password */
	users: Map<string, string>;
	sessions: Map<string, FairComSession>;
	/** Every token createSession handed out, in order. */
	issuedTokens: string[];
	/** Tokens ended by deleteSession, in order. */
	deletedTokens: string[];
	/** Sessions idle out after this long without use (FairCom's default is about an hour). */
	idleTimeoutMs: number;
	/** The next N requests that carry a token find their session expired (12031), then it is gone. */
	expireNext: number;
	/** tableKey → primary keys */
	tables: Map<string, Set<number>>;
	/** linkKey → link */
	links: Map<string, FairComLink>;
	/** The server's labels (listLabels); labels used by links are listed too. */
	labels: FairComLabel[];
	variants: FairComVariants;
}

export function tableKey(databaseName: string, ownerName: string, tableName: string): string {
	return JSON.stringify([databaseName, ownerName, tableName]);
}

export function linkKey(link: FairComLink): string {
	return JSON.stringify([link.databaseName, link.ownerName, link.tableName, link.id, link.group, link.name]);
}

/** Adds links directly (test setup). */
export function seedLinks(state: FairComState, links: FairComLink[]): void {
	for (const link of links) state.links.set(linkKey(link), link);
}

/** Links in one fixed order (for exact assertions). */
export function sortLinks(links: FairComLink[]): FairComLink[] {
	return [...links].sort((a, b) => (linkKey(a) < linkKey(b) ? -1 : linkKey(a) > linkKey(b) ? 1 : 0));
}

/** The links that exist, sorted. */
export function listLinks(state: FairComState): FairComLink[] {
	return sortLinks([...state.links.values()]);
}

function utf8Bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** FairCom answers HTTP 200 whether the action worked or not; errorCode tells. */
function answer(request: Json, result: Json, extra: Json = {}): SandboxResponse {
	return {
		status: 200,
		body: {
			...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
			// Newer servers echo the token at the top level.
			...(typeof request.authToken === 'string' ? { authToken: request.authToken } : {}),
			result,
			errorCode: 0,
			errorMessage: '',
			...extra,
		},
	};
}

function failure(request: Json, errorCode: number, errorMessage: string, status = 200): SandboxResponse {
	const body: Json = {
		...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
		...(typeof request.authToken === 'string' ? { authToken: request.authToken } : {}),
		errorCode,
		errorMessage,
	};
	// FairCom's documented 12031 answer has no `result`; the sandbox's other failures do.
	if (errorCode !== FAIRCOM_ERRORS.sessionExpired) body.result = {};
	return { status, body };
}

/** The session a request's authToken names, or the failure to answer with. */
function sessionOf(request: Json, state: FairComState): FairComSession | SandboxResponse {
	const token = request.authToken;
	if (typeof token !== 'string' || token === '') {
		return failure(request, FAIRCOM_ERRORS.authTokenRequired, "'authToken' is required for this action. Use 'createSession' to get one.");
	}
	const session = state.sessions.get(token);
	const now = Date.now();
	const idledOut = session && !session.permanent && now - session.lastUsedAt > state.idleTimeoutMs;
	if (session && (idledOut || state.expireNext > 0)) {
		if (!idledOut) state.expireNext--;
		state.sessions.delete(token);
	}
	const live = state.sessions.get(token);
	if (!live) {
		return failure(
			request,
			FAIRCOM_ERRORS.sessionExpired,
			"'authToken' does not match any existing session. Use a valid 'authToken' or use 'createSession' to create a valid 'authToken'.",
			state.variants.expiredStatus === 'http401' ? 401 : 200,
		);
	}
	live.lastUsedAt = now;
	return live;
}

function createSession(request: Json, state: FairComState): SandboxResponse {
	const params = isObject(request.params) ? request.params : {};
	const { username, password } = params;
	const status = state.variants.badLogin === 'http401' ? 401 : 200;
	if (typeof username !== 'string' || !state.users.has(username)) {
		return failure(request, FAIRCOM_ERRORS.unknownUser, 'Invalid user ID: the account does not exist', status);
	}
	if (state.users.get(username) !== password) {
		return failure(request, FAIRCOM_ERRORS.badPassword, 'Invalid password for this account', status);
	}
	const token = `fc-session-${randomBytes(12).toString('hex')}`;
	const session: FairComSession = {
		token,
		username,
		permanent: false,
		lastUsedAt: Date.now(),
		defaultDatabaseName: FAIRCOM_DEFAULT_DATABASE,
		defaultOwnerName: FAIRCOM_DEFAULT_OWNER,
	};
	state.sessions.set(token, session);
	state.issuedTokens.push(token);
	recordSecret(token);
	return {
		status: 200,
		body: {
			...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
			authToken: token,
			result: {
				authToken: token,
				username,
				description: typeof params.description === 'string' ? params.description : '',
				defaultDatabaseName: session.defaultDatabaseName,
				defaultOwnerName: session.defaultOwnerName,
				idleConnectionTimeoutSeconds: Math.round(state.idleTimeoutMs / 1000),
			},
			errorCode: 0,
			errorMessage: '',
		},
	};
}

interface LabelInput {
	group: string;
	name: string;
}

/** Checks everything first; nothing changes unless all of it is valid (the actions are atomic). */
function validateLinkParams(
	request: Json,
	session: FairComSession,
	state: FairComState,
): { labels: LabelInput[]; ids: number[]; databaseName: string; ownerName: string; tableName: string } | SandboxResponse {
	const invalid = (message: string) => failure(request, FAIRCOM_ERRORS.invalidParams, message);
	const params = request.params;
	if (!isObject(params)) return invalid("'params' must be an object");
	const { labels } = params;
	if (!Array.isArray(labels) || labels.length === 0) return invalid("'labels' must be an array of one or more label objects");
	const parsedLabels: LabelInput[] = [];
	for (const [index, label] of labels.entries()) {
		if (!isObject(label) || typeof label.name !== 'string') return invalid(`'labels[${index}].name' is required`);
		const group = label.group ?? '';
		if (typeof group !== 'string') return invalid(`'labels[${index}].group' must be a string`);
		if (utf8Bytes(label.name) < 1 || utf8Bytes(label.name) > 64) {
			return invalid(`'labels[${index}].name' must be 1 to 64 bytes of UTF-8`);
		}
		if (utf8Bytes(group) > 64) return invalid(`'labels[${index}].group' must be at most 64 bytes of UTF-8`);
		parsedLabels.push({ group, name: label.name });
	}
	const target = validateTarget(request, params, session, state);
	return 'status' in target ? target : { labels: parsedLabels, ...target };
}

/** The table and records an action names (every label action has them), checked as validateLinkParams does. */
function validateTarget(
	request: Json,
	params: Json,
	session: FairComSession,
	state: FairComState,
): { ids: number[]; databaseName: string; ownerName: string; tableName: string } | SandboxResponse {
	const invalid = (message: string) => failure(request, FAIRCOM_ERRORS.invalidParams, message);
	const { tableName, ids, databaseName, ownerName, verifyLinks } = params;
	for (const [field, value] of Object.entries({ tableName, databaseName, ownerName })) {
		if (value === undefined && field !== 'tableName') continue;
		if (typeof value !== 'string' || utf8Bytes(value) < 1 || utf8Bytes(value) > 64) {
			return invalid(`'${field}' must be a string of 1 to 64 bytes`);
		}
	}
	if (!Array.isArray(ids) || ids.length === 0) return invalid("'ids' must be an array of one or more integers");
	for (const [index, id] of ids.entries()) {
		if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 2147483647) {
			return invalid(`'ids[${index}]' must be an integer from 0 to 2147483647`);
		}
	}
	if (verifyLinks !== undefined && typeof verifyLinks !== 'boolean') return invalid("'verifyLinks' must be a Boolean");
	const database = (databaseName as string | undefined) ?? session.defaultDatabaseName;
	const owner = (ownerName as string | undefined) ?? session.defaultOwnerName;
	const records = state.tables.get(tableKey(database, owner, tableName as string));
	if (!records) {
		return failure(
			request,
			FAIRCOM_ERRORS.tableNotFound,
			`Table '${String(tableName)}' does not exist in database '${database}' for owner '${owner}'`,
		);
	}
	// FairCom's page leaves verifyLinks unexplained; the sandbox takes it as "the records must exist".
	if (verifyLinks !== false) {
		const missing = (ids as number[]).find((id) => !records.has(id));
		if (missing !== undefined) {
			return failure(request, FAIRCOM_ERRORS.recordNotFound, `No record with primary key ${missing} in table '${String(tableName)}'`);
		}
	}
	return { ids: ids as number[], databaseName: database, ownerName: owner, tableName: tableName as string };
}

function wantsDebug(request: Json): boolean {
	return typeof request.debug === 'string' && ['min', 'max'].includes(request.debug.toLowerCase());
}

function changeLinks(request: Json, state: FairComState, mode: 'link' | 'unlink'): SandboxResponse {
	const session = sessionOf(request, state);
	if ('status' in session) return session;
	const valid = validateLinkParams(request, session, state);
	if ('status' in valid) return valid;
	const warnings: Json[] = [];
	for (const label of valid.labels) {
		for (const id of valid.ids) {
			const link: FairComLink = {
				databaseName: valid.databaseName,
				ownerName: valid.ownerName,
				tableName: valid.tableName,
				id,
				group: label.group,
				name: label.name,
			};
			const key = linkKey(link);
			if (mode === 'unlink') {
				state.links.delete(key);
			} else if (state.links.has(key)) {
				const shown = label.group ? `${label.group}/${label.name}` : label.name;
				warnings.push({
					warningCode: 1,
					warningMessage: `Label ${shown} is already linked to database ${valid.databaseName}, owner ${valid.ownerName}, and table ${valid.tableName} with primary key ${id}`,
					warningData: { group: label.group, name: label.name, id },
				});
			} else {
				state.links.set(key, link);
			}
		}
	}
	const debugInfo = wantsDebug(request)
		? { debugInfo: { request, serverSuppliedValues: {}, errorData: {}, warnings } }
		: {};
	return answer(request, {}, debugInfo);
}

/**
 * getLabelsLinkedToRecordIds: the labels linked to any of the records asked for, each with those of
 * its records; a label without a group as the noGroup variant says.
 */
function labelsLinkedToRecords(request: Json, state: FairComState): SandboxResponse {
	const session = sessionOf(request, state);
	if ('status' in session) return session;
	if (!isObject(request.params)) return failure(request, FAIRCOM_ERRORS.invalidParams, "'params' must be an object");
	const target = validateTarget(request, request.params, session, state);
	if ('status' in target) return target;
	const asked = new Set(target.ids);
	const found = new Map<string, { group: string; name: string; ids: number[] }>();
	for (const link of listLinks(state)) {
		if (link.databaseName !== target.databaseName || link.ownerName !== target.ownerName || link.tableName !== target.tableName) continue;
		if (!asked.has(link.id)) continue;
		const key = JSON.stringify([link.group, link.name]);
		const label = found.get(key) ?? { group: link.group, name: link.name, ids: [] };
		label.ids.push(link.id);
		found.set(key, label);
	}
	const labels = [...found.values()].map(({ group, name, ids }) => {
		const shown = group !== '' ? { group } : state.variants.noGroup === 'absent' ? {} : { group: state.variants.noGroup === 'null' ? null : '' };
		return { ...shown, name, ids: ids.sort((a, b) => a - b) };
	});
	return answer(request, { labels });
}

/** listLabels: every label (no filters are read), those used by links included. */
function listLabels(request: Json, state: FairComState): SandboxResponse {
	const session = sessionOf(request, state);
	if ('status' in session) return session;
	const labels = state.labels.map((label) => ({ ...label, deprecated: label.deprecated === true, enum: label.id, sequence: label.id }));
	let next = Math.max(0, ...labels.map((label) => label.id)) + 1;
	for (const link of state.links.values()) {
		if (labels.some((label) => label.group === link.group && label.name === link.name)) continue;
		labels.push({ id: next, group: link.group, name: link.name, deprecated: false, enum: next, sequence: next });
		next++;
	}
	return answer(request, state.variants.listLabels === 'labels' ? { labels } : { data: labels });
}

recordSecret(FAIRCOM_PERMANENT_TOKEN);
recordSecret(FAIRCOM_PASSWORD);

export const fairComSandbox: VendorModule<FairComState> = {
	prefix: '/faircom',
	createState: () => ({
		users: new Map([[FAIRCOM_USERNAME, FAIRCOM_PASSWORD]]),
		sessions: new Map([
			[
				FAIRCOM_PERMANENT_TOKEN,
				{
					token: FAIRCOM_PERMANENT_TOKEN,
					username: FAIRCOM_USERNAME,
					permanent: true,
					lastUsedAt: Date.now(),
					defaultDatabaseName: FAIRCOM_DEFAULT_DATABASE,
					defaultOwnerName: FAIRCOM_DEFAULT_OWNER,
				},
			],
		]),
		issuedTokens: [],
		deletedTokens: [],
		idleTimeoutMs: 3_600_000,
		expireNext: 0,
		tables: new Map(
			Object.values(FAIRCOM_TABLES).map((table) => [
				tableKey(table.databaseName, table.ownerName, table.tableName),
				new Set(table.ids),
			]),
		),
		links: new Map(),
		labels: FAIRCOM_LABELS.map((label) => ({ ...label })),
		variants: { badLogin: 'http200', expiredStatus: 'http200', listLabels: 'labels', noGroup: 'empty' },
	}),
	rateLimited: (retryAfterSeconds) => ({
		status: 429,
		headers: { 'Retry-After': String(retryAfterSeconds) },
		body: { result: {}, errorCode: FAIRCOM_ERRORS.rateLimited, errorMessage: 'Too many requests' },
	}),
	handle(request: SandboxRequest, state: FairComState): SandboxResponse {
		if (request.path !== '/api') return { status: 404, body: `No FairCom endpoint at ${request.path}` };
		if (request.method !== 'POST') return { status: 405, body: 'The JSON action API takes POST requests' };
		const body = request.body;
		if (!isObject(body)) return failure({}, FAIRCOM_ERRORS.invalidParams, 'The request is not a JSON object');
		const { api, action } = body;
		const route = `${typeof api === 'string' ? api : 'db'}/${String(action)}`;
		switch (route) {
			case 'admin/createSession':
				return createSession(body, state);
			case 'admin/pingSession': {
				if (body.authToken === undefined) return answer(body, {});
				const session = sessionOf(body, state);
				return 'status' in session ? session : answer(body, {});
			}
			case 'admin/deleteSession': {
				const session = typeof body.authToken === 'string' ? state.sessions.get(body.authToken) : undefined;
				// An unknown token is no error: errorCode 0 with warning 12031 (FairCom's deleteSession page).
				if (!session) {
					return answer(body, {}, {
						debugInfo: { warnings: [{ code: FAIRCOM_ERRORS.sessionExpired, message: "'authToken' does not match any existing session" }] },
					});
				}
				state.sessions.delete(session.token);
				state.deletedTokens.push(session.token);
				return answer(body, {});
			}
			case 'admin/alterSession': {
				// Nothing is changed here: the answer describes the session, its token included.
				const session = sessionOf(body, state);
				if ('status' in session) return session;
				return answer(body, {
					authToken: session.token,
					username: session.username,
					defaultDatabaseName: session.defaultDatabaseName,
					defaultOwnerName: session.defaultOwnerName,
					idleConnectionTimeoutSeconds: Math.round(state.idleTimeoutMs / 1000),
				});
			}
			case 'admin/listLabels':
				return listLabels(body, state);
			case 'db/linkLabelsToRecords':
				return changeLinks(body, state, 'link');
			case 'db/unlinkLabelsFromRecords':
				return changeLinks(body, state, 'unlink');
			case 'db/getLabelsLinkedToRecordIds':
				return labelsLinkedToRecords(body, state);
			default:
				return failure(body, FAIRCOM_ERRORS.unknownAction, `Unknown action '${String(action)}' for api '${String(api)}'`);
		}
	},
};

/** The recorded FairCom requests' actions, in arrival order. */
export function fairComActions(requests: SandboxRequest[]): string[] {
	return requests.filter((request) => request.vendor === 'faircom').map((request) => String((request.body as Json | undefined)?.action));
}
