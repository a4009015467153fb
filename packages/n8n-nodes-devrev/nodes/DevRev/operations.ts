import type { IDataObject, IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, GetLinksOperation, LinkOperation, LinkRead, SetLinksOperation, VendorRequest } from '@record-links/engine';
import { optionsCollection, readFields, reconcileOptionFields, RequestFailure, saysNoChangeNeeded } from '@record-links/engine';
import { optionalText, requiredText, textList } from '@record-links/engine';
import { devRev } from './vendor';

/**
 * Link: POST /links.create. Unlink: POST /links.delete, by the link's ID, or in two steps by its
 * ends: find the link with /links.list (`prepare`), then delete it by its ID.
 */

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

const linkTypeOptions: INodePropertyOptions[] = LINK_TYPES.map((value) => ({
	name: value.replace(/_/g, ' ').replace(/^\w/, (first) => first.toUpperCase()),
	value,
}));

const linkTypeSchema = z.enum(LINK_TYPES, {
	errorMap: () => ({ message: `must be one of ${LINK_TYPES.join(', ')}` }),
});

/**
 * A link's ends and type: the fields of Link, and of Unlink by ends (shown when `show` holds).
 * Custom Link Type is shown for a custom link only.
 */
function endsProperties(show: IDisplayOptions['show'] = {}, customLinkTypeDescription: string): INodeProperties[] {
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

const endsSchema = {
	linkType: linkTypeSchema,
	source: requiredText(),
	target: requiredText(),
	customLinkType: optionalText(),
};

interface LinkEnds {
	linkType: string;
	source: string;
	target: string;
	/** For a custom link: which custom link type (links.list cannot filter by it). */
	customLinkType?: string;
}

/** A custom link needs its custom link type (Link, and Unlink by ends). */
function requireCustomLinkType(params: LinkEnds, context: z.RefinementCtx): void {
	if (params.linkType === 'custom_link' && !params.customLinkType) {
		context.addIssue({ code: 'custom', path: ['customLinkType'], message: 'is required for a custom link' });
	}
}

/** The fields of a DevRev object reference worth passing on. */
function summarizeEnd(end: unknown): IDataObject | undefined {
	if (!end || typeof end !== 'object') return undefined;
	// Issues and tickets have a title, parts a name (DevRev's link-endpoint-summary).
	const { id, display_id, type, display_name, title, name } = end as IDataObject;
	return { id, display_id, type, display_name: display_name ?? title ?? name };
}

/** A link's custom link type ID, whether DevRev returns it as an object or as its ID. */
function customLinkTypeOf(link: IDataObject): string | undefined {
	const value = link.custom_link_type;
	if (typeof value === 'string') return value;
	const id = value && typeof value === 'object' ? (value as IDataObject).id : undefined;
	return typeof id === 'string' ? id : undefined;
}

/** A DevRev link as an output item: its id, type and both ends. */
function summarizeLink(link: IDataObject): IDataObject {
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
async function findLink(ends: LinkEnds, follow: FollowUp): Promise<IDataObject | undefined> {
	for (let pages = 1, cursor: string | undefined; ; pages++) {
		const page = (await follow(listLinksRequest(ends, cursor), true)).body as IDataObject | undefined;
		const links = Array.isArray(page?.links) ? (page.links as IDataObject[]) : [];
		const found = links.find((candidate) => isTheLink(candidate, ends));
		const next = page?.next_cursor;
		if (found || typeof next !== 'string' || next === '' || pages >= MAX_LIST_PAGES) return found;
		cursor = next;
	}
}

const linkSchema = z
	.object({
		...endsSchema,
		options: z.object({ includeFullResponse: z.boolean().optional(), returnExisting: z.boolean().optional() }).default({}),
	})
	.superRefine(requireCustomLinkType);

type LinkParams = z.infer<typeof linkSchema>;

const existingLink = async (params: LinkParams, follow: FollowUp) => {
	const existing = await findLink(params, follow);
	return existing ? [{ ...summarizeLink(existing), alreadyLinked: true }] : undefined;
};

/** Link's ends fields; Set Links shows its Link Type and Custom Link Type too. */
const linkEndsProperties = endsProperties(undefined, 'ID of the custom link type to use');

const link: LinkOperation<LinkParams> = {
	name: 'link',
	label: 'Link',
	description: 'Create a link between two objects',
	action: 'Link two objects',
	properties: [
		...linkEndsProperties,
		optionsCollection(devRev, {
			extra: [
				{
					displayName: 'Return Existing Link',
					name: 'returnExisting',
					type: 'boolean',
					default: true,
					description:
						'Whether to look for the same link first (one links.list call) and return it with "alreadyLinked" instead of creating a second one. DevRev does not document whether it refuses a duplicate link. Turn off only when the links are certainly new.',
				},
				{
					displayName: 'Include Full Response',
					name: 'includeFullResponse',
					type: 'boolean',
					default: false,
					description: 'Whether to add DevRev\'s whole answer under "response"',
				},
			],
		}),
	],
	schema: linkSchema,
	// DevRev does not document whether it refuses a second identical link, so a create whose answer
	// was lost is never sent again blindly: the link is looked up first (findEffect).
	idempotent: false,
	uncertainNote:
		'DevRev may have made the link before the connection failed, and looking it up did not settle it: check the source\'s links in DevRev before running this item again.',
	buildRequest: ([params]) => ({
		method: 'POST',
		path: '/links.create',
		body: {
			link_type: params.linkType,
			source: params.source,
			target: params.target,
			...(params.customLinkType ? { custom_link_type: params.customLinkType } : {}),
		},
	}),
	toOutput(response, [params]) {
		const body = response.body as IDataObject | undefined;
		const created = body?.link;
		if (!created || typeof created !== 'object') {
			throw new RequestFailure('DevRev confirmed the request but did not return the created link', {
				outcome: 'unknown',
				description: 'The link may exist: check it in DevRev.',
			});
		}
		return [{ ...summarizeLink(created as IDataObject), ...(params.options.includeFullResponse ? { response: body } : {}) }];
	},
	lookFirst: ([params]) => params.options.returnExisting !== false,
	findEffect: async ([params], follow) => await existingLink(params, follow),
	recover: async (failure, [params], follow) => (saysNoChangeNeeded('link', failure) ? await existingLink(params, follow) : undefined),
};

const unlinkSchema = z
	.discriminatedUnion(
		'unlinkBy',
		[z.object({ unlinkBy: z.literal('id'), linkId: requiredText() }), z.object({ unlinkBy: z.literal('ends'), ...endsSchema })],
		{ errorMap: () => ({ message: 'must be "id" or "ends"' }) },
	)
	.superRefine((params, context) => {
		if (params.unlinkBy === 'ends') requireCustomLinkType(params, context);
	});

/** Unlink's params; by ends, `prepare` adds the link it found. */
type UnlinkParams = z.infer<typeof unlinkSchema> & { found?: IDataObject };

/** By ends, the link that was found; by ID, just its ID. */
function unlinkOutput(params: UnlinkParams): IDataObject {
	if (params.unlinkBy === 'id') return { id: params.linkId, deleted: true };
	return { ...summarizeLink(params.found ?? {}), deleted: true };
}

const unlink: LinkOperation<UnlinkParams> = {
	name: 'unlink',
	label: 'Unlink',
	description: 'Delete a link, by its ID or by its ends',
	action: 'Unlink two objects',
	properties: [
		{
			displayName: 'Find Link By',
			name: 'unlinkBy',
			type: 'options',
			default: 'id',
			options: [
				{ name: 'Link ID', value: 'id', description: 'Delete the link with this ID' },
				{ name: 'Source, Target and Link Type', value: 'ends', description: 'Look the link up by its ends, then delete it' },
			],
		},
		{
			displayName: 'Link ID',
			name: 'linkId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'don:core:dvrv-us-1:devo/0:link/1',
			displayOptions: { show: { unlinkBy: ['id'] } },
			description: 'ID of the link to delete (the "ID" of a Link output item)',
		},
		...endsProperties({ unlinkBy: ['ends'] }, 'ID of the custom link type: only a link of this custom type is deleted'),
		optionsCollection(devRev),
	],
	schema: unlinkSchema,
	idempotent: true,
	// By ends, step one: find the link (nothing is deleted when there is none).
	async prepare([params], follow) {
		if (params.unlinkBy !== 'ends') return [params];
		const found = await findLink(params, follow);
		if (!found || typeof found.id !== 'string') {
			throw new RequestFailure(`No "${params.linkType}" link from ${params.source} to ${params.target} was found`, {
				outcome: 'not-sent',
				description: 'Nothing was deleted.',
			});
		}
		return [{ ...params, found }];
	},
	// Step two (or the only step, by ID): delete the link by its ID.
	buildRequest: ([params]) => ({
		method: 'POST',
		path: '/links.delete',
		body: { id: params.unlinkBy === 'id' ? params.linkId : params.found?.id },
	}),
	toOutput: (_response, [params]) => [unlinkOutput(params)],
	// A delete whose first attempt was lost in transit may have worked: the retry's 404 confirms it.
	recover: async (failure, [params]) => (failure.statusCode === 404 && failure.outcome === 'unknown' ? [unlinkOutput(params)] : undefined),
};

/** Get Links and Set Links: the record whose links are read. */
const objectProperty: INodeProperties = {
	displayName: 'Object',
	name: 'object',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'don:core:dvrv-us-1:devo/0:issue/1',
	description: 'Object ID (DON) of the record whose links are read',
};

const DIRECTIONS = ['is_source', 'is_target'] as const;
const directionOptions: INodePropertyOptions[] = [
	{ name: 'Object Is Source', value: 'is_source', description: 'Links from the object to others' },
	{ name: 'Object Is Target', value: 'is_target', description: 'Links from others to the object' },
];

/** One page of an object's links (links.list: `object`, `direction`, `link_type[]`, `limit`, `cursor`). */
function objectLinksRequest(
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

function linksOnPage(body: unknown): { links: IDataObject[]; next?: string } {
	const page = body as IDataObject | undefined;
	const links = Array.isArray(page?.links) ? (page.links as IDataObject[]).filter((link) => link && typeof link === 'object') : [];
	const next = page?.next_cursor;
	return { links, next: typeof next === 'string' && next !== '' ? next : undefined };
}

const getLinksSchema = z.object({
	object: requiredText(),
	direction: z.enum(['any', ...DIRECTIONS], { errorMap: () => ({ message: 'must be "any", "is_source" or "is_target"' }) }).default('any'),
	linkTypes: z.array(linkTypeSchema, { invalid_type_error: 'must be a list of link types' }).default([]),
});

type GetLinksParams = z.infer<typeof getLinksSchema>;

const getLinksRead: LinkRead<GetLinksParams> = {
	pageSize: 100,
	request: (params, page) =>
		objectLinksRequest({ object: params.object, direction: params.direction === 'any' ? undefined : params.direction, linkTypes: params.linkTypes }, page),
	page: (response) => linksOnPage(response.body),
};

const getLinks: GetLinksOperation<GetLinksParams> = {
	kind: 'read',
	name: 'getLinks',
	label: 'Get Links',
	description: 'List the links of an object (links.list)',
	action: 'Get the links of an object',
	properties: [
		objectProperty,
		{
			displayName: 'Direction',
			name: 'direction',
			type: 'options',
			default: 'any',
			options: [{ name: 'Either', value: 'any', description: 'Links from and to the object' }, ...directionOptions],
		},
		{
			displayName: 'Link Types',
			name: 'linkTypes',
			type: 'multiOptions',
			default: [],
			description: 'Only links of these types; none selected lists every type',
			options: linkTypeOptions,
		},
		...readFields,
		optionsCollection(devRev),
	],
	schema: getLinksSchema,
	read: getLinksRead,
	toOutput: (link) => summarizeLink(link),
};

/** A DevRev object ID: Set Links compares IDs, so a display ID (ISS-1) would never match a link read. */
const objectId = requiredText().refine((value) => value.startsWith('don:'), 'must be a DevRev object ID (DON) such as don:core:dvrv-us-1:devo/0:issue/1');

const setLinksSchema = z
	.object({
		object: objectId,
		direction: z.enum(DIRECTIONS, { errorMap: () => ({ message: 'must be "is_source" or "is_target"' }) }),
		linkType: linkTypeSchema,
		customLinkType: optionalText(),
		linkedObjects: textList(objectId),
	})
	.superRefine((params, context) => {
		if (params.linkType === 'custom_link' && !params.customLinkType) {
			context.addIssue({ code: 'custom', path: ['customLinkType'], message: 'is required for a custom link' });
		}
	});

type SetLinksParams = z.infer<typeof setLinksSchema>;

/** The end of a link that is not the object: what Set Links keys a link by. */
function otherEnd(link: IDataObject, params: SetLinksParams): IDataObject | undefined {
	const end = params.direction === 'is_source' ? link.target : link.source;
	return end && typeof end === 'object' ? (end as IDataObject) : undefined;
}

const setLinksRead: LinkRead<SetLinksParams> = {
	pageSize: 100,
	request: (params, page) => objectLinksRequest({ object: params.object, direction: params.direction, linkTypes: [params.linkType] }, page),
	page(response, params) {
		const { links, next } = linksOnPage(response.body);
		// The scope: this link type (and custom link type) in this direction; anything else is never touched.
		const inScope = links.filter(
			(link) =>
				(link.link_type === undefined || link.link_type === params.linkType) &&
				(params.linkType !== 'custom_link' || customLinkTypeOf(link) === params.customLinkType) &&
				endMatches(params.direction === 'is_source' ? link.source : link.target, params.object) &&
				typeof link.id === 'string' &&
				typeof otherEnd(link, params)?.id === 'string',
		);
		return { links: inScope, next };
	},
};

const setLinks: SetLinksOperation<SetLinksParams, LinkParams, UnlinkParams> = {
	kind: 'reconcile',
	name: 'setLinks',
	label: 'Set Links',
	description: 'Make the object\'s links of one type and direction equal to a list: link what is missing, delete what is extra',
	action: 'Set the links of an object',
	properties: [
		objectProperty,
		{
			displayName: 'Direction',
			name: 'direction',
			type: 'options',
			default: 'is_source',
			description: 'Which end of the links the object is: only links in this direction are changed',
			options: directionOptions,
		},
		...linkEndsProperties.filter((property) => property.name === 'linkType' || property.name === 'customLinkType'),
		{
			displayName: 'Linked Objects',
			name: 'linkedObjects',
			type: 'string',
			default: '',
			placeholder: 'don:core:dvrv-us-1:devo/0:issue/2, don:core:dvrv-us-1:devo/0:issue/3',
			description:
				'Every object the object must be linked to with this link type and direction (DONs, comma-separated, or an array from an expression). Links of this type and direction to any other object are deleted.',
		},
		optionsCollection(devRev, { extra: reconcileOptionFields }),
	],
	schema: setLinksSchema,
	read: setLinksRead,
	keyOf: (link, params) => String(otherEnd(link, params)?.id),
	wanted: (params) => params.linkedObjects,
	wantedField: 'linkedObjects',
	additions: (params, keys) =>
		keys.map((key) => ({
			keys: [key],
			params: {
				linkType: params.linkType,
				source: params.direction === 'is_source' ? params.object : key,
				target: params.direction === 'is_source' ? key : params.object,
				customLinkType: params.customLinkType,
				// Just read: the link is missing, so no lookup before creating it.
				options: { returnExisting: false },
			},
		})),
	removals: (_params, links) => links.map(({ key, link }) => ({ keys: [key], params: { unlinkBy: 'id' as const, linkId: String(link.id) } })),
	link,
	unlink,
	describe: (keys) => keys,
	identity: (params) => ({
		object: params.object,
		direction: params.direction,
		linkType: params.linkType,
		...(params.customLinkType ? { customLinkType: params.customLinkType } : {}),
	}),
};

export const devRevOperations = [link, unlink, getLinks, setLinks];
