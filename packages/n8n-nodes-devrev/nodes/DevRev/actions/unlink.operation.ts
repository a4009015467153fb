/**
 * Unlink: POST /links.delete, by the link's ID, or in two steps by its ends: find the link with
 * /links.list (`prepare`), then delete it by its ID. Idempotent: a delete sent again is harmless.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '@record-links/engine';
import { optionsCollection, RequestFailure, requiredText } from '@record-links/engine';
import { devRev } from '../vendor';
import { endsProperties, endsSchema, findLink, requireCustomLinkType, summarizeLink } from './fields';

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
export type UnlinkParams = z.infer<typeof unlinkSchema> & { found?: IDataObject };

/** By ends, the link that was found; by ID, just its ID. */
function unlinkOutput(params: UnlinkParams): IDataObject {
	if (params.unlinkBy === 'id') return { id: params.linkId, deleted: true };
	return { ...summarizeLink(params.found ?? {}), deleted: true };
}

export const unlink: LinkOperation<UnlinkParams> = {
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
