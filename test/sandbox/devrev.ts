/**
 * DevRev as its published OpenAPI spec has it (test/contracts/devrev.openapi.json): bearer PAT,
 * links.create (201), links.list, links.delete, dev-users.self, and DevRev's error bodies
 * `{ type, message, … }`. What the spec leaves open is played each plausible way (variants).
 *
 * And DevRev's webhooks (webhooks.create/get/list/update/delete): a new webhook is `unverified` until
 * its URL echoes a signed `verify` challenge; then every link created, updated (updateDevRevLink, a
 * change made in DevRev's app) or deleted is POSTed, signed (`X-DevRev-Signature`), to each active
 * webhook that asked for its event type, after the API call has answered, concurrently, and again on
 * DevRev's retry schedule until acknowledged. Each HTTP attempt is recorded in `state.deliveries`;
 * `state.forgeNext` makes the next event delivery a forgery (unsigned, wrongly signed, stale, repeated,
 * for an unknown webhook). Facts and sources: test/contracts/devrev.contract.json.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { recordSecret } from '../harness/leaks';
import { bearerToken, type SandboxRequest, type SandboxResponse, type VendorModule } from './server';

export const DEVREV_TOKEN = 'devrev-pat-3c9e1f0a7b5d';

/**
 * The link types DevRev accepts: the `link-type` enum of its OpenAPI spec, read from the contract
 * (not a copy), so a link type the node offers that DevRev does not know is refused here too.
 */
const SPEC_SCHEMAS = (
	JSON.parse(readFileSync(join(__dirname, '..', 'contracts', 'devrev.openapi.json'), 'utf8')) as {
		components: { schemas: { 'link-type': { enum: string[] }; 'webhook-event-type': { enum: string[] } } };
	}
).components.schemas;
export const DEVREV_LINK_TYPES: readonly string[] = SPEC_SCHEMAS['link-type'].enum;

/** The event types a webhook can ask for: the spec's `webhook-event-type` enum, read from the contract. */
export const DEVREV_EVENT_TYPES: readonly string[] = SPEC_SCHEMAS['webhook-event-type'].enum;

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
	/** Set when the link was changed (updateDevRevLink). */
	modified_date?: string;
}

/**
 * What DevRev does not document (test/contracts/devrev.contract.json). duplicateLink "refuse": a
 * second identical link is refused with 400; "accept": it is created as another link.
 * displayIds "accept": a display ID (ISS-1) names an object as its ID does; "refuse": 400 invalid_id.
 * listedCustomLinkType: how links.list gives a link's custom link type, as its ID ("id") or as an
 * object with that ID ("object", as links.create answers).
 * signatureEncoding: how `X-DevRev-Signature` writes the HMAC-SHA256 digest, "hex" (as DevRev's own
 * example receiver, devrev/examples webhooks/main.go, checks it) or "base64" (the guide states none).
 */
export const DEVREV_VARIANTS = {
	duplicateLink: ['refuse', 'accept'],
	displayIds: ['accept', 'refuse'],
	listedCustomLinkType: ['id', 'object'],
	signatureEncoding: ['hex', 'base64'],
} as const;
export interface DevRevVariants {
	duplicateLink: (typeof DEVREV_VARIANTS.duplicateLink)[number];
	displayIds: (typeof DEVREV_VARIANTS.displayIds)[number];
	listedCustomLinkType: (typeof DEVREV_VARIANTS.listedCustomLinkType)[number];
	signatureEncoding: (typeof DEVREV_VARIANTS.signatureEncoding)[number];
}

/**
 * DevRev's webhook and event IDs never repeat, so they are numbered across sandbox resets: a trigger
 * remembers the events it saw, also from one test to the next.
 */
let webhooksMade = 0;
let eventsMade = 0;

export type DevRevWebhookStatus = 'active' | 'inactive' | 'unverified';

/** A webhook as the sandbox keeps it; `webhookAnswer` gives it as DevRev's API answers it. */
export interface DevRevWebhook {
	/** `don:integration:dvrv-us-1:devo/0:webhook/<n>` */
	id: string;
	url: string;
	event_types: string[];
	secret: string;
	status: DevRevWebhookStatus;
	created_date: string;
	modified_date: string;
	/** The URL and secret a verify last succeeded for: activating an inactive webhook needs no new verify while they hold. */
	verifiedFor?: string;
	/** Counts the verifications started or called off: an echoed challenge counts only for the latest. */
	verification: number;
}

/**
 * A forged event delivery, taken from `state.forgeNext` by the next event delivery (never a verify).
 * unsigned: no X-DevRev-Signature; wrong-signature: signed with another secret; stale: a timestamp
 * 10 minutes old (correctly signed); repeat: once acknowledged, the same request (same event id, body
 * and signature) is delivered again and must be acknowledged again; unknown-webhook: the body's
 * webhook_id names a webhook that does not exist (sent to the real webhook's URL, signed with its secret).
 */
export type DevRevForgery = 'unsigned' | 'wrong-signature' | 'stale' | 'repeat' | 'unknown-webhook';

/** One HTTP attempt to deliver an event (or a verify) to a webhook's URL. */
export interface DevRevDelivery {
	/** The webhook it was sent for (with forgery unknown-webhook, the body names another). */
	webhookId: string;
	eventId: string;
	type: string;
	/** 1 for the first attempt, 2 for the first retry, … (counted again from 1 for a repeated delivery). */
	attempt: number;
	/** The second delivery of forgery "repeat". */
	duplicate: boolean;
	forgery?: DevRevForgery;
	url: string;
	/** The exact request body sent. */
	body: string;
	/** The X-DevRev-Signature header sent (absent: none). */
	signature?: string;
	/** The HTTP status answered; absent on a network error or no answer in time (see error). */
	status?: number;
	error?: string;
	responseBody?: string;
	/** A 2xx answer (for a verify: one that echoes the challenge). */
	acknowledged: boolean;
	sentAt: number;
	answeredAt: number;
}

/** The deliveries under way: their pending timers and requests, so that a reset can call them off. */
interface DevRevOutbox {
	pending: number;
	stopped: boolean;
	timers: Map<NodeJS.Timeout, (go: boolean) => void>;
	requests: Set<AbortController>;
	whenSettled: Array<() => void>;
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
	/** Each changed link's object_version (absent: 1). */
	linkVersions: Map<string, number>;
	webhooks: Map<string, DevRevWebhook>;
	/** Every HTTP attempt to deliver an event or a verify, in the order they were answered. */
	deliveries: DevRevDelivery[];
	/** The wait before each attempt (before the first, then after each failed one): DevRev's three attempts. */
	retryDelaysMs: number[];
	/** An attempt not answered in this time is aborted and counts as failed (DevRev: 3 s). */
	deliveryTimeoutMs: number;
	/** Forgeries for the next event deliveries, one each, in order. */
	forgeNext: DevRevForgery[];
	outbox: DevRevOutbox;
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
	const answer = linkAnswer(link, state);
	emitEvent(state, 'link_created', { link: answer });
	return { status: 201, body: { link: answer } };
}

/** A link as links.create answers it (and as link events carry it). */
function linkAnswer(link: DevRevLink, state: DevRevState): Record<string, unknown> {
	return {
		...link,
		custom_link_type: link.custom_link_type ? { id: link.custom_link_type, display_id: 'CLT-1' } : undefined,
		created_by: OWNER,
		...(link.modified_date ? { modified_by: OWNER } : {}),
		object_version: state.linkVersions.get(link.id) ?? 1,
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
	state.linkVersions.delete(id);
	emitEvent(state, 'link_deleted', { id });
	return { status: 200, body: {} };
}

/**
 * A change to a link made in DevRev's app (the public API has no links.update; links.replace is not
 * played): changes the stored link and sends `link_updated` `{ link, old_link }` to the webhooks that
 * ask for it. Throws on an unknown link, link type or target. Answers the event's payload.
 */
export function updateDevRevLink(
	state: DevRevState,
	linkId: string,
	changes: { link_type?: string; target?: string },
): { link: Record<string, unknown>; old_link: Record<string, unknown> } {
	const link = state.links.get(linkId);
	if (!link) throw new Error(`No link ${linkId}`);
	const linkType = changes.link_type ?? link.link_type;
	if (!DEVREV_LINK_TYPES.includes(linkType)) throw new Error(`Invalid link_type: ${linkType}`);
	const target = changes.target === undefined ? link.target : resolveObject(changes.target, state);
	if (!target) throw new Error(`Object ${changes.target} not found`);
	const oldLink = linkAnswer(link, state);
	const oldEnds = endsKey(link.source.id, link.target.id, link.link_type, link.custom_link_type);
	link.link_type = linkType;
	link.target = target;
	if (linkType !== 'custom_link') delete link.custom_link_type;
	link.modified_date = new Date().toISOString();
	state.linkVersions.set(link.id, (state.linkVersions.get(link.id) ?? 1) + 1);
	const others = [...state.links.values()].filter((other) => other !== link);
	if (!others.some((other) => endsKey(other.source.id, other.target.id, other.link_type, other.custom_link_type) === oldEnds)) {
		state.linkedEnds.delete(oldEnds);
	}
	state.linkedEnds.add(endsKey(link.source.id, link.target.id, link.link_type, link.custom_link_type));
	const payload = { link: linkAnswer(link, state), old_link: oldLink };
	emitEvent(state, 'link_updated', payload);
	return payload;
}

// Webhooks ------------------------------------------------------------------------------------------

const WEBHOOK_ID = (n: number) => `don:integration:dvrv-us-1:devo/0:webhook/${n}`;
/** A webhook ID that never exists (numbers start at 1): what forgery unknown-webhook puts in webhook_id. */
const UNKNOWN_WEBHOOK_ID = WEBHOOK_ID(0);
/** The secret forgery wrong-signature signs with. */
const FORGER_SECRET = 'Zm9yZ2VkLWJ5LWEtc3RyYW5nZXI=';
const STALE_MS = 10 * 60_000;
/** The spec's `format: byte`, as ajv-formats checks it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** HMAC-SHA256 of the raw body keyed with the secret (its text as given), as X-DevRev-Signature carries it. */
export function devRevSignature(secret: string, rawBody: string, encoding: DevRevVariants['signatureEncoding']): string {
	return createHmac('sha256', secret).update(rawBody).digest(encoding);
}

/** DevRev's secret generated when none is given: 24 random bytes, base64 (32 characters). */
function newSecret(): string {
	const secret = randomBytes(24).toString('base64');
	recordSecret(secret);
	return secret;
}

/** Why a secret is refused (the spec: format byte, 8 to 32 bytes inclusive), or undefined. */
function secretProblem(secret: unknown): string | undefined {
	if (typeof secret !== 'string') return 'secret must be a string';
	if (!BASE64.test(secret)) return 'secret must be base64 (format byte)';
	const bytes = Buffer.from(secret, 'base64').length;
	return bytes < 8 || bytes > 32 ? `secret must be between 8 and 32 bytes (inclusive), not ${bytes}` : undefined;
}

function urlProblem(url: unknown): string | undefined {
	if (typeof url !== 'string') return 'Missing required field: url';
	try {
		return ['http:', 'https:'].includes(new URL(url).protocol) ? undefined : `Invalid url: ${url}`;
	} catch {
		return `Invalid url: ${url}`;
	}
}

function eventTypesProblem(types: unknown, field: string): string | undefined {
	if (!Array.isArray(types)) return `${field} must be an array`;
	const unknown = types.find((type) => typeof type !== 'string' || !DEVREV_EVENT_TYPES.includes(type));
	return unknown === undefined ? undefined : `Invalid ${field}: ${String(unknown)}`;
}

/** A webhook as DevRev's API answers it (the spec's `webhook`). */
export function webhookAnswer(webhook: DevRevWebhook): Record<string, unknown> {
	return {
		id: webhook.id,
		created_by: OWNER,
		created_date: webhook.created_date,
		modified_by: OWNER,
		modified_date: webhook.modified_date,
		event_types: webhook.event_types,
		secret: webhook.secret,
		status: webhook.status,
		url: webhook.url,
	};
}

function createWebhook(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const input = body(request);
	if (!input) return error(400, 'bad_request', 'The request body must be a JSON object');
	const problem =
		urlProblem(input.url) ??
		(input.event_types === undefined ? undefined : eventTypesProblem(input.event_types, 'event_types')) ??
		(input.secret === undefined ? undefined : secretProblem(input.secret));
	if (problem) return error(400, 'bad_request', problem);
	if (typeof input.secret === 'string') recordSecret(input.secret);
	const now = new Date().toISOString();
	const webhook: DevRevWebhook = {
		id: WEBHOOK_ID(++webhooksMade),
		url: input.url as string,
		event_types: [...new Set((input.event_types as string[] | undefined) ?? [])],
		secret: (input.secret as string | undefined) ?? newSecret(),
		status: 'unverified',
		created_date: now,
		modified_date: now,
		verification: 0,
	};
	state.webhooks.set(webhook.id, webhook);
	startVerification(state, webhook);
	return { status: 201, body: { webhook: webhookAnswer(webhook) } };
}

/** The webhook a request names (`id` in the query of a GET, in the body of a POST), or DevRev's error. */
function webhookById(request: SandboxRequest, state: DevRevState): { webhook: DevRevWebhook } | { refused: SandboxResponse } {
	const id = request.method === 'GET' ? (request.query.get('id') ?? undefined) : body(request)?.id;
	if (typeof id !== 'string') return { refused: error(400, 'bad_request', 'Missing required field: id') };
	const webhook = state.webhooks.get(id);
	return webhook ? { webhook } : { refused: error(404, 'not_found', `Webhook ${id} not found`) };
}

function getWebhook(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const found = webhookById(request, state);
	return 'refused' in found ? found.refused : { status: 200, body: { webhook: webhookAnswer(found.webhook) } };
}

function updateWebhook(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const input = body(request);
	if (!input) return error(400, 'bad_request', 'The request body must be a JSON object');
	const found = webhookById(request, state);
	if ('refused' in found) return found.refused;
	const { webhook } = found;
	const { action, event_types: eventTypes, secret, url } = input;
	if (action !== undefined && action !== 'activate' && action !== 'deactivate') return error(400, 'bad_request', `Invalid action: ${String(action)}`);
	if (url !== undefined) {
		const problem = urlProblem(url);
		if (problem) return error(400, 'bad_request', problem);
	}
	if (secret !== undefined && secret !== '') {
		const problem = secretProblem(secret);
		if (problem) return error(400, 'bad_request', problem);
	}
	let types = webhook.event_types;
	if (eventTypes !== undefined) {
		if (!eventTypes || typeof eventTypes !== 'object' || Array.isArray(eventTypes)) {
			return error(400, 'bad_request', 'event_types must be an object with add, remove or set');
		}
		const { add, remove, set } = eventTypes as Record<string, unknown>;
		if (set !== undefined && (add !== undefined || remove !== undefined)) {
			return error(400, 'bad_request', "event_types: 'set' is mutually exclusive with 'add' and 'remove'");
		}
		for (const [field, value] of Object.entries({ add, remove, set })) {
			const problem = value === undefined ? undefined : eventTypesProblem(value, `event_types.${field}`);
			if (problem) return error(400, 'bad_request', problem);
		}
		types = set !== undefined ? [...new Set(set as string[])] : [...new Set([...types, ...((add as string[] | undefined) ?? [])])];
		if (remove !== undefined) types = types.filter((type) => !(remove as string[]).includes(type));
	}
	webhook.event_types = types;
	// A new URL or secret: an active webhook is unverified until it echoes a verify to it (documented);
	// an unverified one is verified anew, an inactive one stays inactive (inferred).
	const newUrl = typeof url === 'string' && url !== webhook.url;
	const newSecretGiven = typeof secret === 'string' && secret !== webhook.secret;
	if (typeof url === 'string') webhook.url = url;
	if (secret === '') webhook.secret = newSecret();
	else if (typeof secret === 'string') {
		recordSecret(secret);
		webhook.secret = secret;
	}
	const changed = newUrl || newSecretGiven || secret === '';
	webhook.modified_date = new Date().toISOString();
	if (action === 'deactivate') {
		webhook.status = 'inactive';
		webhook.verification++;
	} else if (action === 'activate' && webhook.status === 'inactive' && !changed && webhook.verifiedFor === verifiedKey(webhook)) {
		webhook.status = 'active';
	} else if (action === 'activate' && webhook.status !== 'active') {
		startVerification(state, webhook);
	} else if (changed && webhook.status !== 'inactive') {
		startVerification(state, webhook);
	}
	return { status: 200, body: { webhook: webhookAnswer(webhook) } };
}

function deleteWebhook(request: SandboxRequest, state: DevRevState): SandboxResponse {
	const found = webhookById(request, state);
	if ('refused' in found) return found.refused;
	state.webhooks.delete(found.webhook.id);
	return { status: 200, body: {} };
}

function verifiedKey(webhook: DevRevWebhook): string {
	return `${webhook.url}\n${webhook.secret}`;
}

// Deliveries ----------------------------------------------------------------------------------------

/** One event (or verify) on its way to one webhook: the same request on every attempt. */
interface Outgoing {
	webhookId: string;
	eventId: string;
	type: string;
	url: string;
	body: string;
	signature?: string;
	forgery?: DevRevForgery;
	/** A verify's challenge: acknowledged only by an answer that echoes it. */
	challenge?: string;
	/** Checked before each attempt: the webhook still wants it (still there, still active, …). */
	wanted(): boolean;
	onAcknowledged?(): void;
}

function outgoing(
	state: DevRevState,
	webhook: DevRevWebhook,
	type: string,
	payload: unknown,
	forgery: DevRevForgery | undefined,
	wanted: () => boolean,
): Outgoing {
	const webhookId = forgery === 'unknown-webhook' ? UNKNOWN_WEBHOOK_ID : webhook.id;
	// DevRev's event IDs extend the webhook's (devrev/examples webhooks/README.md).
	const id = `${webhookId}:webhook_event/${++eventsMade}`;
	const timestamp = new Date(Date.now() - (forgery === 'stale' ? STALE_MS : 0)).toISOString();
	const body = JSON.stringify({ id, webhook_id: webhookId, timestamp, type, [type]: payload });
	const signature =
		forgery === 'unsigned'
			? undefined
			: devRevSignature(forgery === 'wrong-signature' ? FORGER_SECRET : webhook.secret, body, state.variants.signatureEncoding);
	return { webhookId: webhook.id, eventId: id, type, url: webhook.url, body, signature, forgery, wanted };
}

/** Sends a verify with a fresh challenge; the webhook is active once an answer echoes it. */
function startVerification(state: DevRevState, webhook: DevRevWebhook): void {
	webhook.status = 'unverified';
	const verification = ++webhook.verification;
	const challenge = randomBytes(24).toString('base64');
	const wanted = () => state.webhooks.get(webhook.id) === webhook && webhook.status === 'unverified' && webhook.verification === verification;
	const verify = outgoing(state, webhook, 'verify', { challenge }, undefined, wanted);
	verify.challenge = challenge;
	verify.onAcknowledged = () => {
		if (!wanted()) return;
		webhook.status = 'active';
		webhook.verifiedFor = verifiedKey(webhook);
		webhook.modified_date = new Date().toISOString();
	};
	void dispatch(state, verify);
}

/** Sends an event to every active webhook that asked for its type (after the API call has answered). */
function emitEvent(state: DevRevState, type: string, payload: unknown): void {
	for (const webhook of state.webhooks.values()) {
		if (webhook.status !== 'active' || !webhook.event_types.includes(type)) continue;
		const wanted = () => state.webhooks.get(webhook.id) === webhook && webhook.status === 'active';
		void dispatch(state, outgoing(state, webhook, type, payload, state.forgeNext.shift(), wanted));
	}
}

/**
 * A test's own delivery to a webhook (whatever its status): an event of this type with this payload,
 * forged as asked (the forgeNext queue is left alone), on the retry schedule. Answers its attempts'
 * records once it is acknowledged or given up.
 */
export async function deliverDevRevEvent(
	state: DevRevState,
	webhookId: string,
	type: string,
	payload: unknown,
	forgery?: DevRevForgery,
): Promise<DevRevDelivery[]> {
	const webhook = state.webhooks.get(webhookId);
	if (!webhook) throw new Error(`No webhook ${webhookId}`);
	const crafted = outgoing(state, webhook, type, payload, forgery, () => state.webhooks.get(webhookId) === webhook);
	if (type === 'verify' && payload && typeof (payload as { challenge?: unknown }).challenge === 'string') {
		crafted.challenge = (payload as { challenge: string }).challenge;
	}
	return await dispatch(state, crafted);
}

/** Resolves once no delivery or retry is pending (the state's deliveries are all in). */
export async function devRevDeliveriesSettled(state: DevRevState): Promise<void> {
	if (state.outbox.pending === 0) return;
	await new Promise<void>((resolve) => state.outbox.whenSettled.push(resolve));
}

/** Calls off every pending delivery and retry of this state (and any it would start). */
export function stopDevRevDeliveries(state: DevRevState): void {
	const { outbox } = state;
	outbox.stopped = true;
	liveStates.delete(state);
	for (const [timer, resolve] of outbox.timers) {
		clearTimeout(timer);
		resolve(false);
	}
	outbox.timers.clear();
	for (const controller of outbox.requests) controller.abort();
}

/**
 * The states whose deliveries may still be pending. The server replaces a vendor's state on reset
 * and tells the module nothing, so a new state (a reset, or another sandbox in the same process)
 * calls off the deliveries of the earlier ones: a reset state delivers nothing more.
 */
const liveStates = new Set<DevRevState>();

async function dispatch(state: DevRevState, message: Outgoing): Promise<DevRevDelivery[]> {
	const { outbox } = state;
	outbox.pending++;
	const records: DevRevDelivery[] = [];
	try {
		const acknowledged = await attempts(state, message, false, records);
		if (acknowledged && message.forgery === 'repeat') await attempts(state, message, true, records);
	} finally {
		outbox.pending--;
		if (outbox.pending === 0) outbox.whenSettled.splice(0).forEach((resolve) => resolve());
	}
	return records;
}

/** The attempts of one delivery, on the retry schedule; whether one was acknowledged. */
async function attempts(state: DevRevState, message: Outgoing, duplicate: boolean, records: DevRevDelivery[]): Promise<boolean> {
	const delays = state.retryDelaysMs.length > 0 ? [...state.retryDelaysMs] : [0];
	for (const [index, delay] of delays.entries()) {
		// Never inside the API call: the first attempt too waits for a timer.
		if (!(await pause(state.outbox, delay)) || !message.wanted()) return false;
		const record = await attempt(state, message, index + 1, duplicate);
		if (!record) return false;
		records.push(record);
		state.deliveries.push(record);
		if (record.acknowledged) {
			message.onAcknowledged?.();
			return true;
		}
	}
	return false;
}

/** Waits ms on an unref'd timer; false when the deliveries were called off meanwhile. */
async function pause(outbox: DevRevOutbox, ms: number): Promise<boolean> {
	if (outbox.stopped) return false;
	return await new Promise<boolean>((resolve) => {
		const timer = setTimeout(() => {
			outbox.timers.delete(timer);
			resolve(!outbox.stopped);
		}, ms);
		timer.unref();
		outbox.timers.set(timer, resolve);
	});
}

/** One HTTP attempt; undefined when the deliveries were called off during it. */
async function attempt(state: DevRevState, message: Outgoing, number: number, duplicate: boolean): Promise<DevRevDelivery | undefined> {
	const { outbox } = state;
	const controller = new AbortController();
	let timedOut = false;
	const timeoutMs = state.deliveryTimeoutMs;
	const timer = setTimeout(() => {
		timedOut = true;
		controller.abort();
	}, timeoutMs);
	timer.unref();
	outbox.requests.add(controller);
	const record: DevRevDelivery = {
		webhookId: message.webhookId,
		eventId: message.eventId,
		type: message.type,
		attempt: number,
		duplicate,
		...(message.forgery ? { forgery: message.forgery } : {}),
		url: message.url,
		body: message.body,
		...(message.signature === undefined ? {} : { signature: message.signature }),
		acknowledged: false,
		sentAt: Date.now(),
		answeredAt: 0,
	};
	try {
		const response = await fetch(message.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				...(message.signature === undefined ? {} : { 'X-DevRev-Signature': message.signature }),
			},
			body: message.body,
			redirect: 'manual',
			signal: controller.signal,
		});
		record.status = response.status;
		record.responseBody = await response.text();
		record.acknowledged = response.status >= 200 && response.status < 300 && echoes(message, record.responseBody);
	} catch (failure) {
		if (outbox.stopped) return undefined;
		const cause = (failure as Error & { cause?: { code?: string; message?: string } }).cause;
		record.error = timedOut ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (failure as Error).message);
	} finally {
		clearTimeout(timer);
		outbox.requests.delete(controller);
	}
	record.answeredAt = Date.now();
	return record;
}

/** A verify is acknowledged by `{ challenge }` echoing its challenge; any other event by any 2xx. */
function echoes(message: Outgoing, responseBody: string): boolean {
	if (message.challenge === undefined) return true;
	try {
		return (JSON.parse(responseBody) as { challenge?: unknown } | null)?.challenge === message.challenge;
	} catch {
		return false;
	}
}

function newDevRevState(): DevRevState {
	for (const earlier of [...liveStates]) stopDevRevDeliveries(earlier);
	const state: DevRevState = {
		tokens: new Set([DEVREV_TOKEN]),
		links: new Map(),
		linkedEnds: new Set(),
		variants: { duplicateLink: 'refuse', displayIds: 'accept', listedCustomLinkType: 'id', signatureEncoding: 'hex' },
		missingObjects: new Set(),
		nextLink: 1,
		linkVersions: new Map(),
		webhooks: new Map(),
		deliveries: [],
		retryDelaysMs: [0, 30_000, 180_000],
		deliveryTimeoutMs: 3000,
		forgeNext: [],
		outbox: { pending: 0, stopped: false, timers: new Map(), requests: new Set(), whenSettled: [] },
	};
	liveStates.add(state);
	return state;
}

export const devRevSandbox: VendorModule<DevRevState> = {
	prefix: '/devrev',
	createState: newDevRevState,
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
			case 'POST /webhooks.create':
				return createWebhook(request, state);
			case 'GET /webhooks.get':
			case 'POST /webhooks.get':
				return getWebhook(request, state);
			case 'GET /webhooks.list':
			case 'POST /webhooks.list':
				return { status: 200, body: { webhooks: [...state.webhooks.values()].map(webhookAnswer) } };
			case 'POST /webhooks.update':
				return updateWebhook(request, state);
			case 'POST /webhooks.delete':
				return deleteWebhook(request, state);
			default:
				return error(404, 'not_found', `No such endpoint: ${route}`);
		}
	},
};
