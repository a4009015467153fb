/**
 * Unicat as docs.unicat.app and its official client have it (test/contracts/unicat.contract.json): API key → JWT in the `Authorization`
 * response header, JWTs that expire (401 with `WWW-Authenticate: Bearer …`) and are renewed in any
 * response's `Authorization` header, a project's record tree, records/link (a linked copy under a
 * parent), records/unlink, records/get (one record, or several with `records`), records/children
 * (paged by page.top and page.size), project init, every record's `backlinks`, and Unicat's error body
 * `{ success: false, result: { code, message, info }, data: {} }`.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

import { recordSecret } from '../harness/leaks';
import { bearerToken, type SandboxRequest, type SandboxResponse, type VendorModule } from './server';

export const UNICAT_PROJECT_GID = '84a1b5e4-fb5d-4ad6-a497-a3cf7eaf29b1';
/** The sandbox project's API paths, as the sandbox records the requests. */
const API_ROOT = `/api/p/${UNICAT_PROJECT_GID}`;
export const UNICAT_PATHS = {
	auth: `${API_ROOT}/auth`,
	init: `${API_ROOT}/init`,
	link: `${API_ROOT}/records/link`,
	unlink: `${API_ROOT}/records/unlink`,
	get: `${API_ROOT}/records/get`,
	children: `${API_ROOT}/records/children`,
} as const;
export const UNICAT_API_KEY = 'unicat-apikey-7f3b9c2e5a1d48b6';
export const UNICAT_USER_GID = '3d0c6f8a-51b2-4c7e-9a4d-2e8f1b6c7d90';
/** The project's main ordering. */
export const UNICAT_ORDERING = '87b53a4e-359d-45c7-81cb-5e1c3ef444ec';
export const UNICAT_LANGUAGES = ['en', 'nl', 'de'];

/** The seeded record tree (see createState). */
export const UNICAT_RECORDS = {
	root: '0d8c1e57-9f0a-4a53-8a2b-6f1e9c4d2a10',
	products: '9c5e1c75-6b81-44e1-a3fc-1b41ec9ba58b',
	chair: 'f2e64fe0-9ffa-4d9a-8750-d561d6542453',
	table: 'e1c3e5cb-2a98-434c-87e3-b14e95e94a1b',
	collections: '5b7e2f0c-3d41-4e8a-9c6b-1a2d3e4f5a6b',
	summer: 'a4d2c9e1-7b3f-4c58-8e0a-2f6b9d1c3e47',
	winter: 'b8e1f3a2-4c6d-4e9f-a0b1-c2d3e4f5a6b7',
	/** A linked copy of `table` under `summer`. */
	summerTable: 'c6f0a1b2-3d4e-4f50-8a6b-7c8d9e0f1a2b',
};

/** A well-formed gid that names no record. */
export const UNICAT_MISSING_GID = '00000000-dead-4bad-8000-000000000000';

/** The gid the sandbox gives the n-th record it creates (1-based). */
export function unicatCreatedGid(n: number): string {
	return `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export interface UnicatRecord {
	gid: string;
	canonical: string;
	parent: string | null;
	is_link: boolean;
	title: Record<string, string>;
	fields: Record<string, Record<string, unknown>>;
	definition: string;
	/** Child gids in the main ordering. */
	childs: string[];
	created_on: number;
	updated_on: number;
}

interface Jwt {
	user: string;
	project: string;
	expired: boolean;
}

/**
 * What Unicat does not document (test/contracts/unicat.contract.json), played both ways: its 429,
 * the shape of records/children, the meaning of `backlinks`, and records/get naming an unknown GID
 * (each described on UnicatVariants). rateLimit "envelope": 429 with Retry-After and Unicat's error
 * body; "bare": 429 with a plain-text body and no Retry-After.
 */
export const UNICAT_VARIANTS = {
	rateLimit: ['envelope', 'bare'],
	children: ['records', 'gids'],
	backlinks: ['copies', 'none'],
	getUnknown: ['refuse', 'omit'],
} as const;
export interface UnicatVariants {
	rateLimit: (typeof UNICAT_VARIANTS.rateLimit)[number];
	/**
	 * records/children: "records" answers `result.children` as record objects; "gids" as GIDs, with
	 * the records in `data.records` (Unicat's documentation does not settle which).
	 */
	children: (typeof UNICAT_VARIANTS.children)[number];
	/**
	 * A record's `backlinks` (every record Unicat answers carries them; their meaning is not
	 * documented): "copies" lists the GIDs of the record's current linked copies; "none" is always empty.
	 */
	backlinks: (typeof UNICAT_VARIANTS.backlinks)[number];
	/**
	 * records/get with `records` naming a GID that is no record (not documented): "refuse" fails the
	 * whole request with 422; "omit" answers the others.
	 */
	getUnknown: (typeof UNICAT_VARIANTS.getUnknown)[number];
}

export interface UnicatState {
	variants: UnicatVariants;
	/** API key → user gid. */
	apiKeys: Map<string, string>;
	jwts: Map<string, Jwt>;
	/** Whether successful authenticated answers carry a renewed JWT in `Authorization` (default true). */
	renewJwts: boolean;
	/** When set, every JWT issued so far expires after this many more authenticated requests. */
	expireJwtsAfter?: number;
	/**
	 * Whether records/get answers, in data.records, the records its records' backlinks name too
	 * (default false: only the records asked for; Unicat does not say which).
	 */
	getFulfilsBacklinks: boolean;
	records: Map<string, UnicatRecord>;
	orderings: string[];
	languages: string[];
	createdRecords: number;
	issuedJwts: number;
}

const DEFINITION = '31cbd8ac-4f13-4ac3-8924-752ea94d1c65';

function base64url(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Issues a JWT-looking token for the user and project. */
export function issueUnicatJwt(state: UnicatState, user = UNICAT_USER_GID, project = UNICAT_PROJECT_GID): string {
	const n = ++state.issuedJwts;
	const token = [
		base64url({ alg: 'HS256', typ: 'JWT' }),
		base64url({ sub: user, project, jti: n }),
		Buffer.from(`sandbox-signature-${n}`).toString('base64url'),
	].join('.');
	state.jwts.set(token, { user, project, expired: false });
	recordSecret(token);
	return token;
}

/** Expires every JWT issued so far (the next request with one gets a 401). */
export function expireUnicatJwts(state: UnicatState): void {
	for (const jwt of state.jwts.values()) jwt.expired = true;
}

/** The linked copies of a canonical record. */
export function unicatCopiesOf(state: UnicatState, canonical: string): UnicatRecord[] {
	return [...state.records.values()].filter((record) => record.is_link && record.canonical === canonical);
}

/** Each record's backlinks as the variant plays them, for one answer: canonical record → copies' GIDs. */
export type UnicatBacklinks = Map<string, string[]>;

export function unicatBacklinks(state: UnicatState): UnicatBacklinks {
	const backlinks: UnicatBacklinks = new Map();
	if (state.variants.backlinks === 'none') return backlinks;
	for (const record of state.records.values()) {
		if (!record.is_link || record.canonical === record.gid) continue;
		backlinks.set(record.canonical, [...(backlinks.get(record.canonical) ?? []), record.gid]);
	}
	return backlinks;
}

function error(status: number, message: string, code = status, info: Record<string, unknown> = {}): SandboxResponse {
	return { status, body: { success: false, result: { code, message, info }, data: {} } };
}

function unauthorized(): SandboxResponse {
	return {
		...error(401, 'Permission denied'),
		headers: { 'WWW-Authenticate': 'Bearer realm="JWT access to Unicat."' },
	};
}

function seed(): Map<string, UnicatRecord> {
	const records = new Map<string, UnicatRecord>();
	const add = (gid: string, parent: string | null, en: string, nl: string, extra: Partial<UnicatRecord> = {}) => {
		records.set(gid, {
			gid,
			canonical: gid,
			parent,
			is_link: false,
			title: { en, nl },
			fields: { en: { name: en }, nl: { name: nl } },
			definition: DEFINITION,
			childs: [],
			created_on: 1700000000,
			updated_on: 1700000000,
			...extra,
		});
		if (parent) records.get(parent)!.childs.push(gid);
	};
	const r = UNICAT_RECORDS;
	add(r.root, null, 'Catalog', 'Catalogus');
	add(r.products, r.root, 'Products', 'Producten');
	add(r.chair, r.products, 'Chair', 'Stoel');
	add(r.table, r.products, 'Table', 'Tafel');
	add(r.collections, r.root, 'Collections', 'Collecties');
	add(r.summer, r.collections, 'Summer', 'Zomer');
	add(r.winter, r.collections, 'Winter', 'Winter');
	add(r.summerTable, r.summer, 'Table', 'Tafel', { canonical: r.table, is_link: true });
	return records;
}

function pathTo(state: UnicatState, record: UnicatRecord): string[] {
	const path: string[] = [];
	for (let gid = record.parent; gid; gid = state.records.get(gid)?.parent ?? null) path.unshift(gid);
	return path;
}

function pick<T>(byLanguage: Record<string, T>, languages: string[] | undefined): Record<string, T> {
	if (!languages) return { ...byLanguage };
	return Object.fromEntries(Object.entries(byLanguage).filter(([language]) => languages.includes(language)));
}

/** A record as Unicat returns it in `data.records` (in every language unless `languages` names some). */
export function unicatView(state: UnicatState, record: UnicatRecord, languages?: string[], backlinks = unicatBacklinks(state)) {
	const path = pathTo(state, record);
	return {
		gid: record.gid,
		canonical: record.canonical,
		parent: record.parent,
		backup_of: null,
		is_link: record.is_link,
		backlinks: [...(backlinks.get(record.gid) ?? [])],
		is_deleted: false,
		treelevel: path.length,
		path,
		title: pick(record.title, languages),
		channels: [],
		childs: [...record.childs],
		childcount: record.childs.length,
		definition: record.definition,
		fields: pick(record.fields, languages),
		created_on: record.created_on,
		updated_on: record.updated_on,
	};
}

function body(request: SandboxRequest): Record<string, unknown> | undefined {
	const value = request.body;
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads `language` / `languages`; a string is an error response. */
function requestedLanguages(input: Record<string, unknown>, state: UnicatState): string[] | undefined | SandboxResponse {
	const { language, languages } = input;
	if (language === undefined && languages === undefined) return undefined;
	const wanted: string[] = [];
	if (language !== undefined) {
		if (typeof language !== 'string') return error(400, 'Bad request - language must be a string');
		wanted.push(language);
	}
	if (languages !== undefined) {
		if (!Array.isArray(languages) || !languages.every((item) => typeof item === 'string')) {
			return error(400, 'Bad request - languages must be a list of strings');
		}
		wanted.push(...(languages as string[]));
	}
	const unknown = wanted.find((item) => !state.languages.includes(item));
	if (unknown) return error(400, `Bad request - ${unknown} is not a project language`);
	return wanted;
}

function isResponse(value: unknown): value is SandboxResponse {
	return typeof value === 'object' && value !== null && 'status' in value && !Array.isArray(value);
}

function link(request: SandboxRequest, state: UnicatState): SandboxResponse {
	const input = body(request);
	if (!input) return error(400, 'Bad request - the body must be a JSON object');
	const { record, parent, before_record: beforeRecord, ordering } = input;
	for (const [name, value] of Object.entries({ record, parent, ordering })) {
		if (typeof value !== 'string' || value === '') return error(400, `Bad request - missing parameter ${name}`);
	}
	if (beforeRecord !== undefined && typeof beforeRecord !== 'string') {
		return error(400, 'Bad request - before_record must be a gid');
	}
	const languages = requestedLanguages(input, state);
	if (isResponse(languages)) return languages;
	const source = state.records.get(record as string);
	if (!source) return error(422, "Unprocessable entity - record doesn't exist");
	const parentRecord = state.records.get(parent as string);
	if (!parentRecord) return error(422, "Unprocessable entity - parent record doesn't exist");
	if (!state.orderings.includes(ordering as string)) return error(422, "Unprocessable entity - ordering doesn't exist");
	if (parentRecord.is_link) return error(422, 'Unprocessable entity - a linked copy cannot have children');
	if (beforeRecord !== undefined && !parentRecord.childs.includes(beforeRecord)) {
		return error(422, 'Unprocessable entity - before_record is not a child of the parent');
	}

	const gid = unicatCreatedGid(++state.createdRecords);
	const siblingTitles = new Set(parentRecord.childs.flatMap((child) => Object.values(state.records.get(child)?.title ?? {})));
	const title = Object.fromEntries(
		Object.entries(source.title).map(([language, text]) => [language, siblingTitles.has(text) ? `${text} (linked copy)` : text]),
	);
	const now = Math.floor(Date.now() / 1000);
	const copy: UnicatRecord = {
		gid,
		canonical: source.is_link ? source.canonical : source.gid,
		parent: parentRecord.gid,
		is_link: true,
		title,
		fields: JSON.parse(JSON.stringify(source.fields)) as UnicatRecord['fields'],
		definition: source.definition,
		childs: [],
		created_on: now,
		updated_on: now,
	};
	state.records.set(gid, copy);
	const at = beforeRecord === undefined ? parentRecord.childs.length : parentRecord.childs.indexOf(beforeRecord);
	parentRecord.childs.splice(at, 0, gid);
	parentRecord.updated_on = now;
	const backlinks = unicatBacklinks(state);
	return {
		status: 200,
		body: {
			success: true,
			result: { record: gid, parent: parentRecord.gid },
			data: {
				records: {
					[gid]: unicatView(state, copy, languages, backlinks),
					[parentRecord.gid]: unicatView(state, parentRecord, languages, backlinks),
				},
			},
		},
	};
}

/** The record a request names (`record`) and the languages it asks for, or Unicat's refusal. */
function namedRecord(request: SandboxRequest, state: UnicatState): { target: UnicatRecord; languages: string[] | undefined } | SandboxResponse {
	const input = body(request);
	if (!input) return error(400, 'Bad request - the body must be a JSON object');
	const { record } = input;
	if (typeof record !== 'string' || record === '') return error(400, 'Bad request - missing parameter record');
	const languages = requestedLanguages(input, state);
	if (isResponse(languages)) return languages;
	const target = state.records.get(record);
	if (!target) return error(422, "Unprocessable entity - record doesn't exist");
	return { target, languages };
}

function unlink(request: SandboxRequest, state: UnicatState): SandboxResponse {
	const named = namedRecord(request, state);
	if (isResponse(named)) return named;
	const { target, languages } = named;
	target.canonical = target.gid;
	target.is_link = false;
	target.updated_on = Math.floor(Date.now() / 1000);
	return {
		status: 200,
		body: { success: true, result: { record: target.gid }, data: { records: { [target.gid]: unicatView(state, target, languages) } } },
	};
}

/**
 * records/get: one record (`record`), or several (`records`, answered as a list; a GID that names
 * no record fails the whole request or is left out, by variant: Unicat does not say). With
 * `getFulfilsBacklinks`, the records their backlinks name come along in data.records.
 */
function getRecord(request: SandboxRequest, state: UnicatState): SandboxResponse {
	const input = body(request);
	const many = input?.record === undefined ? input?.records : undefined;
	if (many === undefined) {
		const named = namedRecord(request, state);
		if (isResponse(named)) return named;
		return recordsAnswer(state, { record: named.target.gid }, [named.target], named.languages);
	}
	if (!Array.isArray(many) || many.length === 0 || !many.every((gid) => typeof gid === 'string')) {
		return error(400, 'Bad request - records must be a list of gids');
	}
	const languages = requestedLanguages(input!, state);
	if (isResponse(languages)) return languages;
	const targets = (many as string[]).flatMap((gid) => state.records.get(gid) ?? []);
	if (targets.length < many.length && state.variants.getUnknown === 'refuse') return error(422, "Unprocessable entity - record doesn't exist");
	return recordsAnswer(state, { records: targets.map((target) => target.gid) }, targets, languages);
}

function recordsAnswer(state: UnicatState, result: Record<string, unknown>, targets: UnicatRecord[], languages: string[] | undefined): SandboxResponse {
	const backlinks = unicatBacklinks(state);
	const answered = [...targets];
	if (state.getFulfilsBacklinks) {
		for (const target of targets) answered.push(...(backlinks.get(target.gid) ?? []).flatMap((gid) => state.records.get(gid) ?? []));
	}
	const records = Object.fromEntries(answered.map((record) => [record.gid, unicatView(state, record, languages, backlinks)]));
	return { status: 200, body: { success: true, result, data: { records } } };
}

/** records/children: one page of a record's children in the main ordering (`page.top`, `page.size`, default 100). */
function children(request: SandboxRequest, state: UnicatState): SandboxResponse {
	const input = body(request);
	if (!input) return error(400, 'Bad request - the body must be a JSON object');
	const { record, page = {} } = input as { record?: unknown; page?: unknown };
	if (typeof record !== 'string' || record === '') return error(400, 'Bad request - missing parameter record');
	if (!page || typeof page !== 'object' || Array.isArray(page)) return error(400, 'Bad request - page must be an object');
	const { top = 0, size = 100 } = page as { top?: unknown; size?: unknown };
	if (!Number.isInteger(top) || (top as number) < 0) return error(400, 'Bad request - page.top must be a non-negative integer');
	if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 100) return error(400, 'Bad request - page.size must be 1 to 100');
	const languages = requestedLanguages(input, state);
	if (isResponse(languages)) return languages;
	const parent = state.records.get(record);
	if (!parent) return error(422, "Unprocessable entity - record doesn't exist");
	const backlinks = unicatBacklinks(state);
	const views = parent.childs
		.slice(top as number, (top as number) + (size as number))
		.flatMap((gid) => (state.records.has(gid) ? [unicatView(state, state.records.get(gid)!, languages, backlinks)] : []));
	const result = { record: parent.gid, page: { top, size }, childcount: parent.childs.length };
	return {
		status: 200,
		body:
			state.variants.children === 'gids'
				? { success: true, result: { ...result, children: views.map((view) => view.gid) }, data: { records: Object.fromEntries(views.map((view) => [view.gid, view])) } }
				: { success: true, result: { ...result, children: views }, data: {} },
	};
}

function init(state: UnicatState, user: string): SandboxResponse {
	return {
		status: 200,
		body: {
			success: true,
			result: {
				user,
				user_projects: { [UNICAT_PROJECT_GID]: ['member'] },
				project: UNICAT_PROJECT_GID,
				project_members: [user],
				'cc.version': '2022.01.001',
				'cc.cursor': 4132,
				cursor: 7864,
			},
			data: {
				'cc.projects': {
					[UNICAT_PROJECT_GID]: {
						gid: UNICAT_PROJECT_GID,
						name: 'Sandbox Project',
						status: 'active',
						options: {
							languages: [...state.languages],
							orderings: Object.fromEntries(state.orderings.map((gid, index) => [gid, index === 0 ? 'Main ordering' : `Ordering ${index + 1}`])),
						},
					},
				},
			},
		},
	};
}

const PROJECT_PATH = /^\/api\/p\/([^/]+)\/(.+)$/;

function authenticate(request: SandboxRequest, state: UnicatState, project: string): SandboxResponse | string {
	if (project !== UNICAT_PROJECT_GID) return error(403, 'Forbidden - unknown user, or not a member of the project');
	const input = body(request);
	const apiKey = input?.api_key;
	if (typeof apiKey !== 'string' || apiKey === '') return error(400, 'Bad request - missing parameter api_key');
	const user = state.apiKeys.get(apiKey);
	if (!user) return error(403, 'Forbidden - unknown user, or not a member of the project');
	return issueUnicatJwt(state, user, project);
}

export const unicatSandbox: VendorModule<UnicatState> = {
	prefix: '/unicat',
	createState: () => ({
		apiKeys: new Map([[UNICAT_API_KEY, UNICAT_USER_GID]]),
		jwts: new Map(),
		renewJwts: true,
		getFulfilsBacklinks: false,
		records: seed(),
		orderings: [UNICAT_ORDERING, '2a7c9e31-5b4d-4f60-8e1a-3c5d7f9b1e20'],
		languages: [...UNICAT_LANGUAGES],
		createdRecords: 0,
		issuedJwts: 0,
		variants: { rateLimit: 'envelope', children: 'records', backlinks: 'copies', getUnknown: 'refuse' },
	}),
	rateLimited: (retryAfterSeconds, state) =>
		state?.variants.rateLimit === 'bare'
			? { status: 429, body: 'Too Many Requests' }
			: {
					status: 429,
					headers: { 'Retry-After': String(retryAfterSeconds) },
					body: { success: false, result: { code: 429, message: 'Too many requests', info: { retry_after: retryAfterSeconds } }, data: {} },
				},
	handle(request, state) {
		const match = PROJECT_PATH.exec(request.path);
		if (!match) return error(404, `Not found - ${request.path}`);
		const [, project, action] = match;
		const route = `${request.method} ${action}`;

		if (route === 'POST auth') {
			const outcome = authenticate(request, state, project);
			if (typeof outcome !== 'string') return outcome;
			const answer = init(state, state.jwts.get(outcome)!.user);
			return { ...answer, headers: { Authorization: outcome } };
		}

		const token = bearerToken(request);
		const jwt = token ? state.jwts.get(token) : undefined;
		if (!token || !jwt || jwt.expired) return unauthorized();
		if (jwt.project !== project) return error(403, 'Forbidden - not a member of this project');

		let answer: SandboxResponse;
		switch (route) {
			case 'GET init':
				answer = init(state, jwt.user);
				break;
			case 'POST records/link':
				answer = link(request, state);
				break;
			case 'POST records/unlink':
				answer = unlink(request, state);
				break;
			case 'POST records/get':
				answer = getRecord(request, state);
				break;
			case 'POST records/children':
				answer = children(request, state);
				break;
			default:
				answer = error(404, `Not found - ${route}`);
		}
		if (state.renewJwts && answer.status < 400) {
			answer = { ...answer, headers: { ...answer.headers, Authorization: issueUnicatJwt(state, jwt.user, jwt.project) } };
		}
		if (state.expireJwtsAfter !== undefined && --state.expireJwtsAfter <= 0) {
			state.expireJwtsAfter = undefined;
			expireUnicatJwts(state);
		}
		return answer;
	},
};

/** A relay to the sandbox on a port of its own (see `unicatServerAddress`). */
export interface UnicatServerAddress {
	/** The credential's base URL through the relay. */
	baseUrl: string;
	close(): Promise<void>;
}

/**
 * Another address of the sandbox's Unicat (a TCP relay on a port of its own): to the node another
 * Unicat server. The node keeps what it learns about a server (whether its backlinks list a
 * record's copies) per API root for the life of its process, so a test that must start from a
 * server the node has not seen uses its own address. Connections and faults pass through as they are.
 */
export async function unicatServerAddress(baseUrl: string): Promise<UnicatServerAddress> {
	const target = new URL(baseUrl);
	const sockets = new Set<Socket>();
	const relay = createServer((client) => {
		const upstream = connect(Number(target.port), target.hostname);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => {
				sockets.delete(socket);
				client.destroy();
				upstream.destroy();
			});
			socket.on('error', () => socket.destroy());
		}
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
	const { port } = relay.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}${target.pathname}`,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => relay.close(() => resolve()));
		},
	};
}
