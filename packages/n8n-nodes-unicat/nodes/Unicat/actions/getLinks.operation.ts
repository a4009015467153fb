/**
 * Get Links: POST /records/children of the parent, page by page, keeps the children whose canonical
 * is the record (a linked copy of R under P is a child of P whose canonical is R). A read, so
 * idempotent.
 */
import { z } from 'zod';

import type { GetLinksOperation, LinkRead } from '@record-links/engine';
import { optionsCollection, readFields } from '@record-links/engine';
import { unicat } from '../vendor';
import { CHILDREN_PAGE_SIZE, childrenOf, childrenRequest, copyOutput, gid, isCopyOf, parentProperty, sourceRecordProperty } from './fields';

const getLinksSchema = z.object({
	record: gid(),
	parent: gid(),
});

type GetLinksParams = z.infer<typeof getLinksSchema>;

const getLinksRead: LinkRead<GetLinksParams> = {
	pageSize: CHILDREN_PAGE_SIZE,
	request: (params, page) => childrenRequest(params.parent, typeof page.cursor === 'number' ? page.cursor : 0, CHILDREN_PAGE_SIZE),
	page(response, params, cursor) {
		const { records, count } = childrenOf(response.body);
		const top = typeof cursor === 'number' ? cursor : 0;
		// A full page may be followed by more; a shorter one is the last.
		return { links: records.filter((child) => isCopyOf(child, params.record)), next: count >= CHILDREN_PAGE_SIZE ? top + count : undefined };
	},
};

export const getLinks: GetLinksOperation<GetLinksParams> = {
	kind: 'read',
	name: 'getLinks',
	label: 'Get Links',
	description: 'List the linked copies of a record under a parent (records/children)',
	action: 'Get the linked copies of a record',
	properties: [
		{ ...sourceRecordProperty, description: 'GID of the record whose linked copies are listed (the canonical record, not a copy of it)' },
		{
			...parentProperty,
			description: 'GID of the record whose children are read: each child that is a linked copy of the record is one output item',
		},
		...readFields,
		optionsCollection(unicat),
	],
	schema: getLinksSchema,
	read: getLinksRead,
	toOutput: (copy, params) => copyOutput(copy, params.parent),
};
