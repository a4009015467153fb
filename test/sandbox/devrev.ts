/**
 * DevRev as VENDORS.md describes it: bearer PAT, links.create (201), links.list, links.delete,
 * dev-users.self, and DevRev's error bodies `{ type, message, … }`.
 */
import { bearerToken, type SandboxRequest, type SandboxResponse, type VendorModule } from './server';

export const DEVREV_TOKEN = 'devrev-pat-3c9e1f0a7b5d';

export const DEVREV_LINK_TYPES = [
	'custom_link',
	'developed_with',
	'imports',
	'is_analyzed_by',
	'is_converted_to',
	'is_dependent_on',
	'is_duplicate_of',
	'is_follow_up_of',
	'is_merged_into',
	'is_parent_of',
	'is_part_of',
	'is_related_to',
	'serves',
];

/** Object ids the sandbox knows: `don:core:dvrv-us-1:devo/0:<kind>/<n>`, or display ids like ISS-1. */
const OBJECT_ID = /^don:core:dvrv-us-1:devo\/0:(issue|ticket|part|enhancement|account)\/(\d+)$/;
const DISPLAY_ID = /^(ISS|TKT|PROD|ENH|ACC)-(\d+)$/;
const KIND_BY_PREFIX: Record<string, string> = { ISS: 'issue', TKT: 'ticket', PROD: 'part', ENH: 'enhancement', ACC: 'account' };
const PREFIX_BY_KIND = Object.fromEntries(Object.entries(KIND_BY_PREFIX).map(([prefix, kind]) => [kind, prefix]));

export interface DevRevObject {
	id: string;
	display_id: string;
	type: string;
	display_name: string;
}

export interface DevRevLink {
	id: string;
	display_id: string;
	link_type: string;
	custom_link_type?: string;
	source: DevRevObject;
	target: DevRevObject;
	created_date: string;
}

export interface DevRevState {
	tokens: Set<string>;
	links: Map<string, DevRevLink>;
	/** The links' (source, target, type), to refuse a duplicate without scanning every link. */
	linkedEnds: Set<string>;
	/** Objects that do not exist (any other well-formed id does). */
	missingObjects: Set<string>;
	nextLink: number;
}

function endsKey(source: string, target: string, linkType: string): string {
	return `${source}|${target}|${linkType}`;
}

function error(status: number, type: string, message: string, extra: Record<string, unknown> = {}): SandboxResponse {
	return { status, body: { type, message, ...extra } };
}

function resolveObject(id: unknown, state: DevRevState): DevRevObject | undefined {
	if (typeof id !== 'string' || state.missingObjects.has(id)) return undefined;
	const full = OBJECT_ID.exec(id);
	const display = DISPLAY_ID.exec(id);
	if (full) {
		const [, kind, number] = full;
		return { id, display_id: `${PREFIX_BY_KIND[kind]}-${number}`, type: kind, display_name: `${kind} ${number}` };
	}
	if (display) {
		const [, prefix, number] = display;
		const kind = KIND_BY_PREFIX[prefix];
		const fullId = `don:core:dvrv-us-1:devo/0:${kind}/${number}`;
		return state.missingObjects.has(fullId)
			? undefined
			: { id: fullId, display_id: id, type: kind, display_name: `${kind} ${number}` };
	}
	return undefined;
}

function body(request: SandboxRequest): Record<string, unknown> | undefined {
	const value = request.body;
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function createLink(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const input = body(request);
	if (!input) return error(400, 'bad_request', 'The request body must be a JSON object');
	const { link_type: linkType, source, target, custom_link_type: customLinkType } = input;
	if (typeof linkType !== 'string') return error(400, 'bad_request', 'Missing required field: link_type');
	if (!DEVREV_LINK_TYPES.includes(linkType)) return error(400, 'bad_request', `Invalid link_type: ${linkType}`);
	if (typeof source !== 'string' || typeof target !== 'string') {
		return error(400, 'bad_request', 'Missing required field: source or target');
	}
	if (linkType === 'custom_link' && typeof customLinkType !== 'string') {
		return error(400, 'bad_request', 'custom_link_type is required for a custom_link');
	}
	const sourceObject = resolveObject(source, state);
	const targetObject = resolveObject(target, state);
	if (!sourceObject) return error(404, 'not_found', `Object ${source} not found`);
	if (!targetObject) return error(404, 'not_found', `Object ${target} not found`);
	if (sourceObject.id === targetObject.id) return error(400, 'bad_request', 'An object cannot be linked to itself');
	const ends = endsKey(sourceObject.id, targetObject.id, linkType);
	if (state.linkedEnds.has(ends)) {
		// DevRev does not document this case; the sandbox refuses a duplicate link.
		return error(400, 'bad_request', 'Link already exists between these objects');
	}
	const number = state.nextLink++;
	const link: DevRevLink = {
		id: `don:core:dvrv-us-1:devo/0:link/${number}`,
		display_id: `LNK-${number}`,
		link_type: linkType,
		...(typeof customLinkType === 'string' ? { custom_link_type: customLinkType } : {}),
		source: sourceObject,
		target: targetObject,
		created_date: new Date().toISOString(),
	};
	state.links.set(link.id, link);
	state.linkedEnds.add(ends);
	return {
		status: 201,
		body: {
			link: {
				...link,
				custom_link_type: customLinkType ? { id: customLinkType, display_id: 'CLT-1' } : undefined,
				created_by: { type: 'dev_user', id: 'don:identity:dvrv-us-1:devo/0:devu/1', display_id: 'DEVU-1' },
				object_version: 1,
			},
		},
	};
}

function listLinks(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const input = body(request) ?? Object.fromEntries(request.query);
	const object = resolveObject(input.object, state);
	if (!object) return error(400, 'bad_request', 'Missing or unknown field: object');
	const direction = input.direction ?? 'is_source';
	const types = Array.isArray(input.link_type) ? (input.link_type as string[]) : undefined;
	const limit = Math.min(Number(input.limit ?? 50), 100);
	const offset = Number(input.cursor ?? 0);
	const matching = [...state.links.values()].filter(
		(link) =>
			(direction === 'is_source' ? link.source.id : link.target.id) === object.id &&
			(!types || types.includes(link.link_type)),
	);
	const page = matching.slice(offset, offset + limit);
	const next = offset + limit < matching.length ? String(offset + limit) : undefined;
	return { status: 200, body: { links: page, ...(next ? { next_cursor: next } : {}) } };
}

function deleteLink(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const id = body(request)?.id;
	if (typeof id !== 'string') return error(400, 'bad_request', 'Missing required field: id');
	const link = state.links.get(id);
	if (!link) return error(404, 'not_found', `Link ${id} not found`);
	state.links.delete(id);
	state.linkedEnds.delete(endsKey(link.source.id, link.target.id, link.link_type));
	return { status: 200, body: {} };
}

export const devRevSandbox: VendorModule<DevRevState> = {
	prefix: '/devrev',
	createState: () => ({
		tokens: new Set([DEVREV_TOKEN]),
		links: new Map(),
		linkedEnds: new Set(),
		missingObjects: new Set(),
		nextLink: 1,
	}),
	rateLimited: (retryAfterSeconds) => ({
		status: 429,
		headers: { 'Retry-After': String(retryAfterSeconds) },
		body: { type: 'too_many_requests', message: 'Rate limit exceeded', retry_after: retryAfterSeconds },
	}),
	handle(request, state) {
		const token = bearerToken(request);
		if (!token || !state.tokens.has(token)) return error(401, 'unauthenticated', 'Unauthorized: invalid or missing token');
		const route = `${request.method} ${request.path}`;
		switch (route) {
			case 'GET /dev-users.self':
				return {
					status: 200,
					body: { dev_user: { id: 'don:identity:dvrv-us-1:devo/0:devu/1', display_id: 'DEVU-1', full_name: 'Sandbox User' } },
				};
			case 'POST /links.create':
				return createLink(request, state);
			case 'POST /links.list':
			case 'GET /links.list':
				return listLinks(request, state);
			case 'POST /links.delete':
				return deleteLink(request, state);
			default:
				return error(404, 'not_found', `No such endpoint: ${route}`);
		}
	},
};
