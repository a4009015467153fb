/**
 * DevRev as its published OpenAPI spec has it (test/contracts/devrev.openapi.json): bearer PAT,
 * links.create (201), links.list, links.delete, dev-users.self, and DevRev's error bodies
 * `{ type, message, … }`. What the spec leaves open is played each plausible way (variants).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bearerToken, type SandboxRequest, type SandboxResponse, type VendorModule } from './server';

export const DEVREV_TOKEN = 'devrev-pat-3c9e1f0a7b5d';

/**
 * The link types DevRev accepts: the `link-type` enum of its OpenAPI spec, read from the contract
 * (not a copy), so a link type the node offers that DevRev does not know is refused here too.
 */
export const DEVREV_LINK_TYPES: readonly string[] = (
	JSON.parse(readFileSync(join(__dirname, '..', 'contracts', 'devrev.openapi.json'), 'utf8')) as {
		components: { schemas: { 'link-type': { enum: string[] } } };
	}
).components.schemas['link-type'].enum;

/** Object ids the sandbox knows: `don:core:dvrv-us-1:devo/0:<kind>/<n>`, or display ids like ISS-1. */
const OBJECT_ID = /^don:core:dvrv-us-1:devo\/0:(issue|ticket|product|enhancement)\/(\d+)$/;
const DISPLAY_ID = /^(ISS|TKT|PROD|ENH)-(\d+)$/;
/** Object kinds, as link ends carry them in `type` (the spec's link-endpoint-summary types). */
const KIND_BY_PREFIX: Record<string, string> = { ISS: 'issue', TKT: 'ticket', PROD: 'product', ENH: 'enhancement' };
const PREFIX_BY_KIND = Object.fromEntries(Object.entries(KIND_BY_PREFIX).map(([prefix, kind]) => [kind, prefix]));

/** A link end as links.create and links.list return it (the spec's link-endpoint-summary). */
export interface DevRevObject {
	id: string;
	display_id: string;
	type: string;
	/** Issues and tickets carry a title, products and enhancements a name. */
	title?: string;
	name?: string;
	owned_by: Array<{ type: 'dev_user'; id: string; display_id: string }>;
}

const OWNER = { type: 'dev_user' as const, id: 'don:identity:dvrv-us-1:devo/0:devu/1', display_id: 'DEVU-1' };

function objectSummary(id: string, kind: string, number: string): DevRevObject {
	const label = `${kind} ${number}`;
	return {
		id,
		display_id: `${PREFIX_BY_KIND[kind]}-${number}`,
		type: kind,
		...(kind === 'issue' || kind === 'ticket' ? { title: label } : { name: label }),
		owned_by: [OWNER],
	};
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

/**
 * What DevRev does not document (test/contracts/devrev.contract.json). duplicateLink "refuse": a
 * second identical link is refused with 400; "accept": it is created as another link.
 * displayIds "accept": a display ID (ISS-1) names an object as its ID does; "refuse": 400 invalid_id.
 * listedCustomLinkType: how links.list gives a link's custom link type, as its ID ("id") or as an
 * object with that ID ("object", as links.create answers).
 */
export const DEVREV_VARIANTS = {
	duplicateLink: ['refuse', 'accept'],
	displayIds: ['accept', 'refuse'],
	listedCustomLinkType: ['id', 'object'],
} as const;
export interface DevRevVariants {
	duplicateLink: (typeof DEVREV_VARIANTS.duplicateLink)[number];
	displayIds: (typeof DEVREV_VARIANTS.displayIds)[number];
	listedCustomLinkType: (typeof DEVREV_VARIANTS.listedCustomLinkType)[number];
}

export interface DevRevState {
	tokens: Set<string>;
	links: Map<string, DevRevLink>;
	/** The links' (source, target, type, custom type), to refuse a duplicate without scanning every link. */
	linkedEnds: Set<string>;
	variants: DevRevVariants;
	/** Objects that do not exist (any other well-formed id does). */
	missingObjects: Set<string>;
	nextLink: number;
}

function endsKey(source: string, target: string, linkType: string, customLinkType?: string): string {
	return `${source}|${target}|${linkType}|${customLinkType ?? ''}`;
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
		return objectSummary(id, kind, number);
	}
	if (display && state.variants.displayIds === 'accept') {
		const [, prefix, number] = display;
		const kind = KIND_BY_PREFIX[prefix];
		const fullId = `don:core:dvrv-us-1:devo/0:${kind}/${number}`;
		return state.missingObjects.has(fullId) ? undefined : objectSummary(fullId, kind, number);
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
	if (state.variants.displayIds === 'refuse') {
		const field = source.match(DISPLAY_ID) ? 'source' : target.match(DISPLAY_ID) ? 'target' : undefined;
		if (field) return error(400, 'invalid_id', `Invalid ID: ${input[field] as string}`, { field_name: field });
	}
	const sourceObject = resolveObject(source, state);
	const targetObject = resolveObject(target, state);
	if (!sourceObject) return error(404, 'not_found', `Object ${source} not found`);
	if (!targetObject) return error(404, 'not_found', `Object ${target} not found`);
	if (sourceObject.id === targetObject.id) return error(400, 'bad_request', 'An object cannot be linked to itself');
	const ends = endsKey(sourceObject.id, targetObject.id, linkType, customLinkType as string | undefined);
	if (state.linkedEnds.has(ends) && state.variants.duplicateLink === 'refuse') {
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
				created_by: OWNER,
				object_version: 1,
			},
		},
	};
}

function listLinks(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const input = body(request) ?? Object.fromEntries(request.query);
	if (state.variants.displayIds === 'refuse' && typeof input.object === 'string' && DISPLAY_ID.test(input.object)) {
		return error(400, 'invalid_id', `Invalid ID: ${input.object}`, { field_name: 'object' });
	}
	const object = resolveObject(input.object, state);
	if (!object) return error(400, 'bad_request', 'Missing or unknown field: object');
	// No direction lists the links in both directions.
	const direction = input.direction;
	const types = Array.isArray(input.link_type) ? (input.link_type as string[]) : undefined;
	const limit = Math.min(Number(input.limit ?? 50), 100);
	const offset = Number(input.cursor ?? 0);
	const matching = [...state.links.values()].filter(
		(link) =>
			(direction === 'is_source'
				? link.source.id === object.id
				: direction === 'is_target'
					? link.target.id === object.id
					: link.source.id === object.id || link.target.id === object.id) &&
			(!types || types.includes(link.link_type)),
	);
	const page = matching
		.slice(offset, offset + limit)
		.map((link) =>
			link.custom_link_type && state.variants.listedCustomLinkType === 'object' ? { ...link, custom_link_type: { id: link.custom_link_type, display_id: 'CLT-1' } } : link,
		);
	const next = offset + limit < matching.length ? String(offset + limit) : undefined;
	return { status: 200, body: { links: page, ...(next ? { next_cursor: next } : {}) } };
}

function deleteLink(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const id = body(request)?.id;
	if (typeof id !== 'string') return error(400, 'bad_request', 'Missing required field: id');
	const link = state.links.get(id);
	if (!link) return error(404, 'not_found', `Link ${id} not found`);
	state.links.delete(id);
	const ends = endsKey(link.source.id, link.target.id, link.link_type, link.custom_link_type);
	// Another link with the same ends (variant duplicateLink "accept") keeps them linked.
	if (![...state.links.values()].some((other) => endsKey(other.source.id, other.target.id, other.link_type, other.custom_link_type) === ends)) {
		state.linkedEnds.delete(ends);
	}
	return { status: 200, body: {} };
}

export const devRevSandbox: VendorModule<DevRevState> = {
	prefix: '/devrev',
	createState: () => ({
		tokens: new Set([DEVREV_TOKEN]),
		links: new Map(),
		linkedEnds: new Set(),
		variants: { duplicateLink: 'refuse', displayIds: 'accept', listedCustomLinkType: 'id' },
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
