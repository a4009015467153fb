/**
 * Unlink: POST /records/unlink makes a linked copy an independent record (its canonical becomes
 * itself) and returns the record it touched. Idempotent: it sets a state, so sending it again leaves
 * the project as sending it once.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '@record-links/engine';
import { optionsCollection } from '@record-links/engine';
import { unicat } from '../vendor';
import { gid, languageFields, languageOptionProperties, languageOptionsSchema, recordFrom } from './fields';

/** Options of both operations: the engine's and the answer's languages. */
const languageOptions = optionsCollection(unicat, { extra: languageOptionProperties });

const unlinkProperties: INodeProperties[] = [
	{
		displayName: 'Record',
		name: 'record',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'f5a05b94-b02b-43d5-a154-b9fc04c4a679',
		description:
			'GID of the linked copy to make independent (the "GID" of a Link output item). This is not an undo of Link: the copy stays where it is, as a plain record of its own.',
	},
	languageOptions,
];

const unlinkSchema = z.object({
	record: gid(),
	options: languageOptionsSchema.default({}),
});

type UnlinkParams = z.infer<typeof unlinkSchema>;

export const unlink: LinkOperation<UnlinkParams> = {
	name: 'unlink',
	label: 'Unlink',
	description: 'Make a linked copy independent (its canonical becomes itself). Not an undo of Link: the copy stays.',
	action: 'Make a linked copy independent',
	properties: unlinkProperties,
	schema: unlinkSchema,
	// Unlinking sets the record's canonical to the record itself: it sets a state rather than adding
	// something, so sending it twice leaves the project as sending it once, and a request whose answer
	// was lost (timeout, dropped connection, 502/503/504) may safely be sent again.
	idempotent: true,
	buildRequest([params]) {
		return {
			method: 'POST',
			path: '/records/unlink',
			body: { record: params.record, ...languageFields(params.options) },
		};
	},
	toOutput(response, [params]) {
		const body = response.body as IDataObject | undefined;
		const result = body?.result as IDataObject | undefined;
		const unlinked = typeof result?.record === 'string' ? result.record : params.record;
		const record = recordFrom(body, unlinked);
		return [
			{
				gid: unlinked,
				parent: record?.parent ?? null,
				canonical: record?.canonical ?? unlinked,
				is_link: record?.is_link ?? false,
				record: record ?? {},
			},
		];
	},
};
