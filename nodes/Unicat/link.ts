import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '../engine';
import { optionsCollection, RequestFailure } from '../engine';
import {
	gid,
	languageFields,
	languageOptionProperties,
	languageOptionsSchema,
	optionalGid,
	recordFrom,
	unicat,
} from './vendor';

const show = { show: { operation: ['link'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Record',
		name: 'record',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'f2e64fe0-9ffa-4d9a-8750-d561d6542453',
		displayOptions: show,
		description:
			'GID of the record to copy and link. If it is itself a linked copy, the new copy links to its canonical record.',
	},
	{
		displayName: 'Parent',
		name: 'parent',
		type: 'string',
		required: true,
		default: '',
		placeholder: '9c5e1c75-6b81-44e1-a3fc-1b41ec9ba58b',
		displayOptions: show,
		description: 'GID of the record to place the linked copy under; it must exist (and cannot itself be a linked copy)',
	},
	{
		displayName: 'Before Record',
		name: 'beforeRecord',
		type: 'string',
		default: '',
		placeholder: 'e1c3e5cb-2a98-434c-87e3-b14e95e94a1b',
		displayOptions: show,
		description: 'GID of a child of the parent to place the copy before; empty places it last',
	},
	{
		displayName: 'Ordering',
		name: 'ordering',
		type: 'string',
		required: true,
		default: '',
		placeholder: '87b53a4e-359d-45c7-81cb-5e1c3ef444ec',
		displayOptions: show,
		description: 'GID of the current ordering (the project\'s orderings are in its settings); the placement applies to it',
	},
	optionsCollection(unicat, 'link', { extra: languageOptionProperties }),
];

const schema = z.object({
	record: gid(),
	parent: gid(),
	beforeRecord: optionalGid(),
	ordering: gid(),
	options: languageOptionsSchema.default({}),
});

type LinkParams = z.infer<typeof schema>;

export const link: LinkOperation<LinkParams> = {
	name: 'link',
	properties,
	schema,
	// Every successful call makes another copy: the engine never repeats a link that may have
	// reached Unicat (a timeout, a dropped connection, a 5xx); it repeats only what Unicat certainly
	// did not act on (a refused connection, a 429). n8n itself repeats a 401 once after logging in again.
	idempotent: false,
	uncertainNote:
		'Unicat may have made the linked copy before the request failed, so the request was not repeated: look under the parent in Unicat before running this item again, or a second copy will be made.',
	buildRequest([params]) {
		return {
			method: 'POST',
			path: '/records/link',
			body: {
				record: params.record,
				parent: params.parent,
				...(params.beforeRecord ? { before_record: params.beforeRecord } : {}),
				ordering: params.ordering,
				...languageFields(params.options),
			},
		};
	},
	toOutput(response, [params]) {
		const body = response.body as IDataObject | undefined;
		const result = body?.result as IDataObject | undefined;
		const created = result?.record;
		if (typeof created !== 'string' || created === '') {
			throw new RequestFailure('Unicat confirmed the link but did not say which record it created', {
				description: 'The linked copy probably exists: look under the parent in Unicat before running this item again.',
				mayHaveReachedServer: true,
			});
		}
		const record = recordFrom(body, created);
		const parent = typeof result?.parent === 'string' ? result.parent : (record?.parent ?? params.parent);
		const parentRecord = recordFrom(body, parent);
		return [
			{
				gid: created,
				parent,
				canonical: record?.canonical ?? null,
				is_link: record?.is_link ?? true,
				source: params.record,
				record: record ?? {},
				...(parentRecord ? { parentRecord } : {}),
			},
		];
	},
};
