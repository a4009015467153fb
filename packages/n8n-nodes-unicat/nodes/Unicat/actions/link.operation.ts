/**
 * Link: POST /records/link makes a linked copy of a record under a parent. Not idempotent: every
 * successful call makes another copy, so with Return Existing Copy it looks under the parent first
 * (POST /records/children, page by page, and POST /records/get for the record's canonical), and
 * again after an answer that was lost, so a copy is never made twice.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, LinkOperation } from '@record-links/engine';
import { optionsCollection, RequestFailure } from '@record-links/engine';
import { unicat } from '../vendor';
import {
	CHILDREN_PAGE_SIZE,
	childrenOf,
	childrenRequest,
	copyOutput,
	gid,
	isCopyOf,
	languageFields,
	languageOptionProperties,
	languageOptionsSchema,
	parentProperty,
	recordFrom,
	sourceRecordProperty,
} from './fields';

/** An optional gid: empty means "not set". */
function optionalGid() {
	return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), gid().optional());
}

const linkProperties: INodeProperties[] = [
	sourceRecordProperty,
	parentProperty,
	{
		displayName: 'Before Record',
		name: 'beforeRecord',
		type: 'string',
		default: '',
		placeholder: 'e1c3e5cb-2a98-434c-87e3-b14e95e94a1b',
		description: 'GID of a child of the parent to place the copy before; empty places it last',
	},
	{
		displayName: 'Ordering',
		name: 'ordering',
		type: 'string',
		required: true,
		default: '',
		placeholder: '87b53a4e-359d-45c7-81cb-5e1c3ef444ec',
		description: 'GID of the current ordering (the project\'s orderings are in its settings); the placement applies to it',
	},
	optionsCollection(unicat, {
		extra: [
			{
				displayName: 'Return Existing Copy',
				name: 'returnExisting',
				type: 'boolean',
				default: true,
				description:
					'Whether to look under the parent first (records/children) and return a linked copy of the record that is already there, with "alreadyLinked", instead of making another one. Unicat makes a new copy on every call. Turn off only to make more than one copy under the same parent.',
			},
			...languageOptionProperties,
		],
	}),
];

const linkSchema = z.object({
	record: gid(),
	parent: gid(),
	beforeRecord: optionalGid(),
	ordering: gid(),
	options: languageOptionsSchema.extend({ returnExisting: z.boolean().optional() }).default({}),
});

type LinkParams = z.infer<typeof linkSchema>;

/** records/children pages read at most when looking for a copy (100 children each). */
const MAX_CHILDREN_PAGES = 100;

/** Every child of the parent that is a linked copy of some record, all pages read. */
async function linkedChildren(parent: string, follow: FollowUp): Promise<IDataObject[]> {
	const copies: IDataObject[] = [];
	for (let page = 0; page < MAX_CHILDREN_PAGES; page++) {
		const request = follow(childrenRequest(parent, page * CHILDREN_PAGE_SIZE, CHILDREN_PAGE_SIZE), true);
		// No such parent: nothing is under it, and the link itself says which record is missing.
		const missing = page === 0 && (await request.then(() => false, (error: unknown) => error instanceof RequestFailure && error.statusCode === 422));
		if (missing) return [];
		const response = await request;
		const { records, count } = childrenOf(response.body);
		copies.push(...records.filter((child) => typeof child.gid === 'string' && typeof child.canonical === 'string' && child.canonical !== child.gid));
		if (count < CHILDREN_PAGE_SIZE) return copies;
	}
	throw new RequestFailure(`Unicat kept answering with more children (${MAX_CHILDREN_PAGES} pages read)`, { outcome: 'not-sent' });
}

/**
 * A linked copy of the record already under the parent, or undefined. A record that is itself a
 * linked copy is copied as its canonical record, so when the parent holds copies of other records
 * the record's canonical is read (records/get) and looked for too.
 */
async function existingCopy(params: LinkParams, follow: FollowUp): Promise<IDataObject | undefined> {
	const copies = await linkedChildren(params.parent, follow);
	const direct = copies.find((child) => isCopyOf(child, params.record));
	if (direct || copies.length === 0) return direct;
	const answer = await follow({ method: 'POST', path: '/records/get', body: { record: params.record } }, true);
	const canonical = recordFrom(answer.body, params.record)?.canonical ?? ((answer.body as IDataObject | undefined)?.result as IDataObject | undefined)?.canonical;
	if (typeof canonical !== 'string' || canonical === params.record) return undefined;
	return copies.find((child) => isCopyOf(child, canonical));
}

/** Link's output for a copy that was already there. */
async function alreadyLinked(params: LinkParams, follow: FollowUp): Promise<IDataObject[] | undefined> {
	const copy = await existingCopy(params, follow);
	return copy ? [{ ...copyOutput(copy, params.parent), source: params.record, record: copy, alreadyLinked: true }] : undefined;
}

export const link: LinkOperation<LinkParams> = {
	name: 'link',
	label: 'Link',
	description: 'Create a linked copy of a record under a parent, or return the copy already there',
	action: 'Create a linked copy of a record',
	properties: linkProperties,
	schema: linkSchema,
	// Every successful call makes another copy, so the engine never repeats a link blindly. A link
	// whose answer was lost (a timeout, a dropped connection, a 5xx) is looked up under the parent
	// first (findEffect): found, it is the output; not there, Unicat did not act and it is sent again.
	// With Return Existing Copy off, a copy under the parent may be an earlier one, so a lost answer
	// is not looked up and not repeated. A 429 and a refused connection are repeated (Unicat did
	// nothing); n8n itself repeats a 401 once after logging in again.
	idempotent: false,
	uncertainNote:
		'Unicat may have made the linked copy before the request failed, and it was not looked up or the lookup failed, so the request was not repeated: look under the parent in Unicat (Get Links) before running this item again, or a second copy will be made.',
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
				outcome: 'unknown',
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
	lookFirst: ([params]) => params.options.returnExisting !== false,
	async findEffect([params], follow) {
		// Off: a copy under the parent may be one made before; the failure stands as uncertain.
		if (params.options.returnExisting === false) throw new Error('not looked up');
		return await alreadyLinked(params, follow);
	},
};
