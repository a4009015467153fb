/**
 * What two or more DevRev operations share: link types, a link's ends (fields and schema), the
 * links.list requests and the output helpers. What one operation alone uses stays in its file.
 */
import type { IDataObject, IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, VendorRequest } from '@record-links/engine';
import { optionalText, requiredText } from '@record-links/engine';

const LINK_TYPES = [
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

export const linkTypeSchema = z.enum(LINK_TYPES, {
	errorMap: () => ({ message: `must be one of ${LINK_TYPES.join(', ')}` }),
});

/**
 * A link's ends and type: the fields of Link, and of Unlink by ends (shown when `show` holds).
 * Custom Link Type is shown for a custom link only.
 */
export function endsProperties(show: IDisplayOptions['show'] = {}, customLinkTypeDescription: string): INodeProperties[] {
	const displayOptions = { show };
	return [
		{
			displayName: 'Link Type',
			name: 'linkType',
			type: 'options',
			required: true,
			default: 'is_related_to',
			displayOptions,
			description: 'How the source relates to the target',
			options: linkTypeOptions,
		},
		{
			displayName: 'Source',
			name: 'source',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'don:core:dvrv-us-1:devo/0:issue/1',
			displayOptions,
			description: 'Object ID (DON) of the source: an issue, ticket, part, …',
		},
		{
			displayName: 'Target',
			name: 'target',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'don:core:dvrv-us-1:devo/0:ticket/2',
			displayOptions,
			description: 'Object ID (DON) of the target',
		},
		{
			displayName: 'Custom Link Type',
			name: 'customLinkType',
			type: 'string',
			// Not marked required: with Link Type set by an expression n8n would flag it on every item;
			// the schema requires it for a custom link instead.
			hint: 'Required for a custom link',
			default: '',
			placeholder: 'don:core:dvrv-us-1:devo/0:custom_link_type/1',
			displayOptions: { show: { ...show, linkType: ['custom_link'] } },
			description: customLinkTypeDescription,
		},
	];
}

export const endsSchema = {
	linkType: linkTypeSchema,
	source: requiredText(),
	target: requiredText(),
	customLinkType: optionalText(),
};

export interface LinkEnds {
	linkType: string;
	source: string;
	target: string;
	/** For a custom link: which custom link type (links.list cannot filter by it). */
	customLinkType?: string;
}

/** A custom link needs its custom link type (Link, and Unlink by ends). */
export function requireCustomLinkType(params: LinkEnds, context: z.RefinementCtx): void {
	if (params.linkType === 'custom_link' && !params.customLinkType) {
		context.addIssue({ code: 'custom', path: ['customLinkType'], message: 'is required for a custom link' });
	}
}

/** Link's ends fields; Set Links shows its Link Type and Custom Link Type too. */
export const linkEndsProperties = endsProperties(undefined, 'ID of the custom link type to use');

/** The fields of a DevRev object reference worth passing on. */
function summarizeEnd(end: unknown): IDataObject | undefined {
	if (!end || typeof end !== 'object') return undefined;
	// Issues and tickets have a title, parts a name (DevRev's link-endpoint-summary).
	const { id, display_id, type, display_name, title, name } = end as IDataObject;
	return { id, display_id, type, display_name: display_name ?? title ?? name };
}

/** A link's custom link type ID, whether DevRev returns it as an object or as its ID. */
export function customLinkTypeOf(link: IDataObject): string | undefined {
	const value = link.custom_link_type;
	if (typeof value === 'string') return value;
	const id = value && typeof value === 'object' ? (value as IDataObject).id : undefined;
	return typeof id === 'string' ? id : undefined;
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
export function endMatches(end: unknown, wanted: string): boolean {
	if (!end || typeof end !== 'object') return end === wanted;
	const { id, display_id } = end as IDataObject;
	return id === wanted || display_id === wanted;
}

/** links.list pages read when looking a link up by its ends (100 links each). */
const MAX_LIST_PAGES = 50;

/** One page of the source's outgoing links of the given type. */
function listLinksRequest(ends: LinkEnds, cursor?: string): VendorRequest {
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
export async function findLink(ends: LinkEnds, follow: FollowUp): Promise<IDataObject | undefined> {
	for (let pages = 1, cursor: string | undefined; ; pages++) {
		const page = (await follow(listLinksRequest(ends, cursor), true)).body as IDataObject | undefined;
		const links = Array.isArray(page?.links) ? (page.links as IDataObject[]) : [];
		const found = links.find((candidate) => isTheLink(candidate, ends));
		const next = page?.next_cursor;
		if (found || typeof next !== 'string' || next === '' || pages >= MAX_LIST_PAGES) return found;
		cursor = next;
	}
}

/** Get Links and Set Links: the record whose links are read. */
export const objectProperty: INodeProperties = {
	displayName: 'Object',
	name: 'object',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'don:core:dvrv-us-1:devo/0:issue/1',
	description: 'Object ID (DON) of the record whose links are read',
};

export const DIRECTIONS = ['is_source', 'is_target'] as const;
export const directionOptions: INodePropertyOptions[] = [
	{ name: 'Object Is Source', value: 'is_source', description: 'Links from the object to others' },
	{ name: 'Object Is Target', value: 'is_target', description: 'Links from others to the object' },
];

/** One page of an object's links (links.list: `object`, `direction`, `link_type[]`, `limit`, `cursor`). */
export function objectLinksRequest(
	filter: { object: string; direction?: string; linkTypes?: string[] },
	page: { cursor?: string | number; size: number },
): VendorRequest {
	return {
		method: 'POST',
		path: '/links.list',
		body: {
			object: filter.object,
			...(filter.direction ? { direction: filter.direction } : {}),
			...(filter.linkTypes?.length ? { link_type: filter.linkTypes } : {}),
			limit: page.size,
			...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
		},
	};
}

export function linksOnPage(body: unknown): { links: IDataObject[]; next?: string } {
	const page = body as IDataObject | undefined;
	const links = Array.isArray(page?.links) ? (page.links as IDataObject[]).filter((link) => link && typeof link === 'object') : [];
	const next = page?.next_cursor;
	return { links, next: typeof next === 'string' && next !== '' ? next : undefined };
}
