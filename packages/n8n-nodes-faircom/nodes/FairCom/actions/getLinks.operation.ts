/**
 * Get Labels of Records: FairCom's getLabelsLinkedToRecordIds (api db), POST to the one JSON action
 * endpoint: one call for all the item's records, not paged. A read, so idempotent.
 */
import { z } from 'zod';

import type { GetLinksOperation, LinkRead } from '@record-links/engine';
import { optionsCollection, readFields } from '@record-links/engine';
import { fairCom } from '../vendor';
import { groupsSchema, idsSchema, labelsRead, linkField, nameText, ONE_PAGE, optionalName, readRequest } from './fields';

const getLinksSchema = z.object({
	tableName: nameText(),
	ids: idsSchema,
	databaseName: optionalName(),
	ownerName: optionalName(),
	groups: groupsSchema,
});

type GetLinksParams = z.infer<typeof getLinksSchema>;

const getLinksRead: LinkRead<GetLinksParams> = {
	pageSize: ONE_PAGE,
	request: (params, _page, token) => readRequest(params, token),
	page(response, params) {
		const groups = new Set(params.groups);
		const labels = labelsRead(response.body, params.ids).filter((label) => groups.size === 0 || groups.has(label.group));
		return { links: labels };
	},
};

export const getLinks: GetLinksOperation<GetLinksParams> = {
	kind: 'read',
	name: 'getLinks',
	label: 'Get Labels of Records',
	description: 'List the labels linked to records of a table (getLabelsLinkedToRecordIds): one item per label',
	action: 'Get the labels of records',
	properties: [
		linkField('tableName'),
		linkField('ids'),
		linkField('databaseName'),
		linkField('ownerName'),
		{
			displayName: 'Label Groups',
			name: 'groups',
			type: 'string',
			default: '',
			placeholder: 'status, colour',
			description: 'Only labels of these groups (comma-separated, or an array from an expression); empty lists every label',
		},
		...readFields,
		optionsCollection(fairCom),
	],
	schema: getLinksSchema,
	read: getLinksRead,
	toOutput: (link, params) => ({
		tableName: params.tableName,
		...(link.group ? { group: link.group } : {}),
		name: link.name,
		ids: link.ids,
	}),
};
