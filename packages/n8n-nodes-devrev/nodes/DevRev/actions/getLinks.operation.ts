/**
 * Get Links: POST /links.list, 100 links a page, following `next_cursor`. A read, so idempotent:
 * one output item per link.
 */
import { z } from 'zod';

import type { GetLinksOperation, LinkRead } from '@record-links/engine';
import { optionsCollection, readFields, requiredText } from '@record-links/engine';
import { devRev } from '../vendor';
import { DIRECTIONS, directionOptions, linksOnPage, linkTypeOptions, linkTypeSchema, objectLinksRequest, objectProperty, summarizeLink } from './fields';

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

export const getLinks: GetLinksOperation<GetLinksParams> = {
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
