/**
 * Set Links: reads the object's links of one type and direction with POST /links.list (idempotent),
 * then sends only the changes through Unlink (POST /links.delete by ID, idempotent) and Link
 * (POST /links.create without a lookup first, not idempotent), removals first.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkRead, SetLinksOperation } from '@record-links/engine';
import { optionalText, optionsCollection, reconcileOptionFields, requiredText, textList } from '@record-links/engine';
import { devRev } from '../vendor';
import {
	customLinkTypeOf,
	DIRECTIONS,
	directionOptions,
	endMatches,
	linkEndsProperties,
	linksOnPage,
	linkTypeSchema,
	objectLinksRequest,
	objectProperty,
} from './fields';
import type { LinkParams } from './link.operation';
import { link } from './link.operation';
import type { UnlinkParams } from './unlink.operation';
import { unlink } from './unlink.operation';

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

export const setLinks: SetLinksOperation<SetLinksParams, LinkParams, UnlinkParams> = {
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
