import type { IDataObject, IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, Vendor, VendorErrorText, VendorRequest } from '../engine';

/** DevRev's error body: `{ type, message?, detail?, … }`. */
function describeError(_statusCode: number, body: unknown): VendorErrorText | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { type, message, detail, reference_id: referenceId } = body as IDataObject;
	if (typeof type !== 'string' && typeof message !== 'string') return undefined;
	const notes = [
		typeof type === 'string' ? `DevRev error type: ${type}` : undefined,
		typeof detail === 'string' && detail !== message ? detail : undefined,
		typeof referenceId === 'string' ? `reference id ${referenceId} (quote it to DevRev support)` : undefined,
	].filter(Boolean);
	return {
		message: typeof message === 'string' && message !== '' ? message : String(type),
		description: notes.length ? notes.join('; ') : undefined,
	};
}

export const devRev: Vendor = {
	displayName: 'DevRev',
	credentialType: 'recordLinksDevRevApi',
	baseUrl: (credentials) => String(credentials.baseUrl ?? 'https://api.devrev.ai').trim().replace(/\/+$/, ''),
	describeError,
	defaultConcurrency: 8,
};

export const LINK_TYPES = [
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
] as const;

export const linkTypeOptions: INodePropertyOptions[] = LINK_TYPES.map((value) => ({
	name: value.replace(/_/g, ' ').replace(/^\w/, (first) => first.toUpperCase()),
	value,
}));

/** The Custom Link Type field (Link, and Unlink by ends), shown for a custom link only. */
export function customLinkTypeProperty(show: IDisplayOptions['show'], description: string): INodeProperties {
	return {
		displayName: 'Custom Link Type',
		name: 'customLinkType',
		type: 'string',
		// Not marked required: with Link Type set by an expression n8n would flag it on every item;
		// the schema requires it for a custom link instead.
		hint: 'Required for a custom link',
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:custom_link_type/1',
		displayOptions: { show: { ...show, linkType: ['custom_link'] } },
		description,
	};
}

/** A custom link needs its custom link type (Link, and Unlink by ends). */
export function requireCustomLinkType(params: { linkType: string; customLinkType?: string }, context: z.RefinementCtx): void {
	if (params.linkType === 'custom_link' && !params.customLinkType) {
		context.addIssue({ code: 'custom', path: ['customLinkType'], message: 'is required for a custom link' });
	}
}

export const linkTypeSchema = z.enum(LINK_TYPES, {
	errorMap: () => ({ message: `must be one of ${LINK_TYPES.join(', ')}` }),
});

/** The fields of a DevRev object reference worth passing on. */
function summarizeEnd(end: unknown): IDataObject | undefined {
	if (!end || typeof end !== 'object') return undefined;
	// Issues and tickets have a title, parts a name (DevRev's link-endpoint-summary).
	const { id, display_id, type, display_name, title, name } = end as IDataObject;
	return { id, display_id, type, display_name: display_name ?? title ?? name };
}

/** A DevRev link as an output item: its id, type and both ends. */
export function summarizeLink(link: IDataObject): IDataObject {
	const customLinkType = customLinkTypeOf(link);
	return {
		id: link.id,
		display_id: link.display_id,
		link_type: link.link_type,
		...(customLinkType ? { custom_link_type: customLinkType } : {}),
		source: summarizeEnd(link.source),
		target: summarizeEnd(link.target),
		created_date: link.created_date,
	};
}

/** Whether a link end (as DevRev returns it) is the object the user named (by its ID; a display ID is compared too). */
function endMatches(end: unknown, wanted: string): boolean {
	if (!end || typeof end !== 'object') return end === wanted;
	const { id, display_id } = end as IDataObject;
	return id === wanted || display_id === wanted;
}

/** A link's custom link type ID, whether DevRev returns it as an object or as its ID. */
function customLinkTypeOf(link: IDataObject): string | undefined {
	const value = link.custom_link_type;
	if (typeof value === 'string') return value;
	const id = value && typeof value === 'object' ? (value as IDataObject).id : undefined;
	return typeof id === 'string' ? id : undefined;
}

/** links.list pages read when looking a link up by its ends (100 links each). */
const MAX_LIST_PAGES = 50;

interface LinkEnds {
	linkType: string;
	source: string;
	target: string;
	/** For a custom link: which custom link type (links.list cannot filter by it). */
	customLinkType?: string;
}

/** One page of the source's outgoing links of the given type. */
export function listLinksRequest(ends: LinkEnds, cursor?: string): VendorRequest {
	return {
		method: 'POST',
		path: '/links.list',
		body: {
			object: ends.source,
			direction: 'is_source',
			link_type: [ends.linkType],
			limit: 100,
			...(cursor ? { cursor } : {}),
		},
	};
}

function isTheLink(candidate: IDataObject, ends: LinkEnds): boolean {
	return (
		endMatches(candidate.target, ends.target) &&
		(candidate.link_type === undefined || candidate.link_type === ends.linkType) &&
		(ends.linkType !== 'custom_link' || customLinkTypeOf(candidate) === ends.customLinkType)
	);
}

/** Pages through the source's links until the one to the target (of the same type and custom type) turns up. */
export async function findLink(
	ends: LinkEnds,
	follow: FollowUp,
	firstPage?: unknown,
): Promise<IDataObject | undefined> {
	let page = (firstPage ?? (await follow(listLinksRequest(ends), true)).body) as IDataObject | undefined;
	for (let pages = 1; ; pages++) {
		const links = Array.isArray(page?.links) ? (page.links as IDataObject[]) : [];
		const found = links.find((candidate) => isTheLink(candidate, ends));
		const cursor = page?.next_cursor;
		if (found || typeof cursor !== 'string' || cursor === '' || pages >= MAX_LIST_PAGES) return found;
		page = (await follow(listLinksRequest(ends, cursor), true)).body as IDataObject | undefined;
	}
}
