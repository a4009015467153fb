import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '../engine';
import { optionsCollection, RequestFailure } from '../engine';
import { optionalText, requiredText } from '../engine/validation';
import { customLinkTypeProperty, devRev, findLink, linkTypeOptions, linkTypeSchema, listLinksRequest, requireCustomLinkType, summarizeLink } from './vendor';

const show = { show: { operation: ['unlink'] } };
const showByEnds = { show: { operation: ['unlink'], unlinkBy: ['ends'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Find Link By',
		name: 'unlinkBy',
		type: 'options',
		default: 'id',
		displayOptions: show,
		options: [
			{ name: 'Link ID', value: 'id', description: 'Delete the link with this ID' },
			{
				name: 'Source, Target and Link Type',
				value: 'ends',
				description: 'Look the link up by its ends, then delete it',
			},
		],
	},
	{
		displayName: 'Link ID',
		name: 'linkId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:link/1',
		displayOptions: { show: { operation: ['unlink'], unlinkBy: ['id'] } },
		description: 'ID of the link to delete (the "ID" of a Link output item)',
	},
	{
		displayName: 'Link Type',
		name: 'linkType',
		type: 'options',
		required: true,
		default: 'is_related_to',
		displayOptions: showByEnds,
		options: linkTypeOptions,
	},
	{
		displayName: 'Source',
		name: 'source',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:issue/1',
		displayOptions: showByEnds,
		description: 'Object ID (DON) of the link\'s source',
	},
	{
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:ticket/2',
		displayOptions: showByEnds,
		description: 'Object ID (DON) of the link\'s target',
	},
	customLinkTypeProperty({ operation: ['unlink'], unlinkBy: ['ends'] }, 'ID of the custom link type: only a link of this custom type is deleted'),
	optionsCollection(devRev, 'unlink', {}),
];

const schema = z.discriminatedUnion('unlinkBy', [
	z.object({ unlinkBy: z.literal('id'), linkId: requiredText() }),
	z
		.object({
			unlinkBy: z.literal('ends'),
			linkType: linkTypeSchema,
			source: requiredText(),
			target: requiredText(),
			customLinkType: optionalText(),
		}),
], { errorMap: () => ({ message: 'must be "id" or "ends"' }) }).superRefine((params, context) => {
	if (params.unlinkBy === 'ends') requireCustomLinkType(params, context);
});

type UnlinkParams = z.infer<typeof schema>;

function deleteRequest(id: string) {
	return { method: 'POST' as const, path: '/links.delete', body: { id } };
}

export const unlink: LinkOperation<UnlinkParams> = {
	name: 'unlink',
	properties,
	schema,
	idempotent: true,
	buildRequest([params]) {
		return params.unlinkBy === 'id' ? deleteRequest(params.linkId) : listLinksRequest(params);
	},
	async toOutput(response, [params], follow) {
		if (params.unlinkBy === 'id') return [{ id: params.linkId, deleted: true }];
		const found = await findLink(params, follow, response.body);
		if (!found || typeof found.id !== 'string') {
			throw new RequestFailure(
				`No "${params.linkType}" link from ${params.source} to ${params.target} was found`,
				{ description: 'Nothing was deleted.', mayHaveReachedServer: false },
			);
		}
		await follow(deleteRequest(found.id), true);
		return [{ ...summarizeLink(found), deleted: true }];
	},
	async recover(failure, [params]) {
		// A delete whose first attempt was lost in transit may have worked: the retry's 404 confirms it.
		if (params.unlinkBy !== 'id' || failure.statusCode !== 404 || !failure.afterUncertainAttempt) return undefined;
		return [{ id: params.linkId, deleted: true }];
	},
};
