/**
 * What a DevRev webhook delivery must be before it starts anything, and the item it becomes.
 *
 * Evidence (test/contracts/devrev.contract.json, "webhooks"):
 * - documented: every delivery, `verify` included, carries `X-DevRev-Signature`, an HMAC-SHA256 of the
 *   raw payload keyed with the webhook's secret; its text encoding is not stated (inferred: base64 or
 *   hex, both accepted);
 * - documented: each event has `id`, `webhook_id` and `timestamp`, which "should be used to protect
 *   against replay attacks"; unacknowledged deliveries are retried (at once, after 30 s, after 3 min),
 *   so one event can arrive more than once;
 * - documented: `link_created` carries `{ link }`, `link_updated` `{ link, old_link }`, `link_deleted`
 *   only `{ id }`, and `verify` `{ challenge }`, to be echoed back as `{ challenge }`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { summarizeLink } from '../DevRev/actions/fields';

export const LINK_EVENTS = ['link_created', 'link_updated', 'link_deleted'] as const;
export type LinkEvent = (typeof LINK_EVENTS)[number];

/** How long a delivered event counts as fresh, by default: DevRev's last retry comes 3 minutes after the first try. */
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 300;

/**
 * The webhook's secret, derived from the credential's token and the webhook URL rather than stored:
 * DevRev's `verify` can arrive before n8n has saved anything of the activation, and this secret is the
 * same whenever it is derived. 24 random-looking bytes as base64, 32 characters (DevRev takes 8–32).
 */
export function webhookSecret(token: string, webhookUrl: string): string {
	return createHmac('sha256', token).update(`DevRev Trigger webhook secret\n${webhookUrl}`).digest().subarray(0, 24).toString('base64');
}

/** Whether `signature` is the HMAC-SHA256 of `rawBody` under `secret`, in base64 or hex. */
export function isSignedBy(secret: string, rawBody: Buffer, signature: string | undefined): boolean {
	if (!signature) return false;
	const digest = createHmac('sha256', secret).update(rawBody).digest();
	const given = signature.trim();
	const candidates = [Buffer.from(digest.toString('base64')), Buffer.from(digest.toString('hex'))];
	const sent = Buffer.from(/^[0-9a-f]+$/i.test(given) ? given.toLowerCase() : given);
	// Compared in constant time, and only with a candidate of the same length.
	return candidates.some((candidate) => candidate.length === sent.length && timingSafeEqual(candidate, sent));
}

/** The event's age in seconds from its `timestamp` (ISO text or Unix seconds); undefined when it has none. */
export function eventAgeSeconds(timestamp: unknown, now: number): number | undefined {
	const at = typeof timestamp === 'number' ? timestamp * 1000 : typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
	return Number.isFinite(at) ? (now - at) / 1000 : undefined;
}

/**
 * The event IDs seen lately, with when they were seen (ms), kept in the node's static data so that a
 * repeated delivery starts nothing even after a restart. An entry older than the freshness window can
 * go: a delivery that old is refused as stale anyway.
 */
export type SeenEvents = Record<string, number>;

/** Most events remembered in this process (about 3 MB at most). */
const MAX_REMEMBERED = 20_000;

/**
 * The events this process has seen, by key, with when each may be forgotten. Static data alone is not
 * enough: n8n saves a webhook's static data after a call that starts nothing, but from 2.41 not after
 * one that starts an execution, and calls arriving together each save their own copy over the others'.
 */
const rememberedEvents = new Map<string, number>();

/** Records an event as seen in this process; answers whether it had been seen already. */
export function seenBefore(key: string, now: number, maxAgeSeconds: number): boolean {
	for (const [remembered, forgetAt] of rememberedEvents) {
		// Insertion order is roughly expiry order: stop at the first entry still to keep.
		if (forgetAt > now && rememberedEvents.size <= MAX_REMEMBERED) break;
		rememberedEvents.delete(remembered);
	}
	if (rememberedEvents.has(key)) return true;
	rememberedEvents.set(key, now + 2 * maxAgeSeconds * 1000);
	return false;
}

export function forgetOldEvents(seen: SeenEvents, now: number, maxAgeSeconds: number): SeenEvents {
	// Twice the window: an event dated in the future by the sender's clock stays remembered too.
	const oldest = now - 2 * maxAgeSeconds * 1000;
	return Object.fromEntries(Object.entries(seen).filter(([, at]) => at >= oldest));
}

/** A short, stable key for an event ID (IDs are the sender's text: keep the static data small and plain). */
export function eventKey(webhookId: string, eventId: string): string {
	return createHash('sha256').update(`${webhookId}\n${eventId}`).digest('base64url').slice(0, 22);
}

export interface TriggerFilters {
	linkTypes: string[];
	object: string;
	objectRole: 'either' | 'source' | 'target';
}

function endIs(end: unknown, wanted: string): boolean {
	if (!end || typeof end !== 'object') return false;
	const { id, display_id: displayId } = end as IDataObject;
	return id === wanted || displayId === wanted;
}

/**
 * Whether a link passes the filters. A deleted link carries only its ID, so it cannot be matched by
 * type or object: Link Deleted events always pass (the node's notice says so).
 */
export function passesFilters(event: LinkEvent, link: IDataObject | undefined, filters: TriggerFilters): boolean {
	if (event === 'link_deleted' || !link) return true;
	if (filters.linkTypes.length > 0 && !filters.linkTypes.includes(String(link.link_type))) return false;
	const object = filters.object.trim();
	if (object === '') return true;
	const asSource = endIs(link.source, object);
	const asTarget = endIs(link.target, object);
	return filters.objectRole === 'source' ? asSource : filters.objectRole === 'target' ? asTarget : asSource || asTarget;
}

/** The output item of one link event. */
export function eventItem(body: IDataObject, event: LinkEvent): IDataObject {
	const payload = (body[event] ?? {}) as IDataObject;
	const link =
		event === 'link_deleted'
			? { id: payload.id }
			: payload.link && typeof payload.link === 'object'
				? summarizeLink(payload.link as IDataObject)
				: undefined;
	const oldLink = event === 'link_updated' && payload.old_link && typeof payload.old_link === 'object' ? summarizeLink(payload.old_link as IDataObject) : undefined;
	return {
		event,
		event_id: body.id,
		webhook_id: body.webhook_id,
		timestamp: body.timestamp,
		link,
		...(oldLink ? { old_link: oldLink } : {}),
	};
}
