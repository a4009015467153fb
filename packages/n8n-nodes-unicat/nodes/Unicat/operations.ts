import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, GetLinksOperation, LinkOperation, LinkRead, VendorRequest } from '@record-links/engine';
import { optionsCollection, readFields, RequestFailure } from '@record-links/engine';
import { requiredText, uuid } from '@record-links/engine';
import { unicat } from './vendor';

/**
 * Link: POST /records/link makes a linked copy of a record under a parent. Unlink: POST
 * /records/unlink makes a linked copy an independent record. Both return the records they touched.
 * Get Links: POST /records/children of the parent, page by page, keeps the children whose canonical
 * is the record (a linked copy of R under P is a child of P whose canonical is R). Link looks there
 * first too (Return Existing Copy), and after an answer that was lost, so a copy is never made twice.
 */

/** A Unicat gid (a UUID); read in lower case, as Unicat writes them. */
function gid() {
	return uuid('must be a Unicat GID (a UUID such as f2e64fe0-9ffa-4d9a-8750-d561d6542453)').transform((value) =>
		value.toLowerCase(),
	);
}

/** An optional gid: empty means "not set". */
function optionalGid() {
	return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), gid().optional());
}

const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;
const languageMessage = 'must be a language code such as "en" or "nl"';

const languageCode = requiredText(20).refine((value) => LANGUAGE.test(value), languageMessage);

/** The Language and Languages options, read into Unicat's `language` and `languages`. */
const languageOptionsSchema = z
	.object({
		language: z.preprocess(
			(value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
			languageCode.optional(),
		),
		// A comma-separated text or, from an expression, an array of codes.
		languages: z.preprocess(
			(value) => {
				if (typeof value === 'string') {
					const parts = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
					return parts.length ? parts : undefined;
				}
				return Array.isArray(value) && value.length === 0 ? undefined : value;
			},
			z.array(languageCode, { invalid_type_error: 'must be a comma-separated list or an array of language codes' }).max(100).optional(),
		),
	})
	.passthrough();

type LanguageOptions = { language?: string; languages?: string[] };

function languageFields(options: LanguageOptions): IDataObject {
	return {
		...(options.language ? { language: options.language } : {}),
		...(options.languages?.length ? { languages: options.languages } : {}),
	};
}

const languageOptionProperties: INodeProperties[] = [
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: '',
		placeholder: 'en',
		description:
			'Return the records\' title and fields in this project language only. With neither Language nor Languages, Unicat returns all languages.',
	},
	{
		displayName: 'Languages',
		name: 'languages',
		type: 'string',
		default: '',
		placeholder: 'en, nl',
		description:
			'Return the records\' title and fields in these project languages (comma-separated, or an array from an expression); combined with Language',
	},
];

/** Reads `data.records[gid]` of a Unicat answer. */
function recordFrom(body: unknown, recordGid: unknown): IDataObject | undefined {
	if (typeof recordGid !== 'string') return undefined;
	const records = ((body as IDataObject | undefined)?.data as IDataObject | undefined)?.records;
	const record = records && typeof records === 'object' ? (records as IDataObject)[recordGid] : undefined;
	return record && typeof record === 'object' && !Array.isArray(record) ? (record as IDataObject) : undefined;
}

/** Options of both operations: the engine's and the answer's languages. */
const languageOptions = optionsCollection(unicat, { extra: languageOptionProperties });

/** Link's Parent, and the parent Get Links looks under. */
const parentProperty: INodeProperties = {
	displayName: 'Parent',
	name: 'parent',
	type: 'string',
	required: true,
	default: '',
	placeholder: '9c5e1c75-6b81-44e1-a3fc-1b41ec9ba58b',
	description: 'GID of the record to place the linked copy under; it must exist (and cannot itself be a linked copy)',
};

/** Link's Record (the record copied), and the record whose copies Get Links lists. */
const sourceRecordProperty: INodeProperties = {
	displayName: 'Record',
	name: 'record',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'f2e64fe0-9ffa-4d9a-8750-d561d6542453',
	description: 'GID of the record to copy and link. If it is itself a linked copy, the new copy links to its canonical record.',
};

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
const CHILDREN_PAGE_SIZE = 100;

/** One page of a record's children: `page.top` is where the page starts, `page.size` how many. */
function childrenRequest(parent: string, top: number, size: number): VendorRequest {
	return { method: 'POST', path: '/records/children', body: { record: parent, page: { top, size } } };
}

/**
 * The children on a records/children answer, as records. `result.children` holds the records, or
 * their GIDs with the records in `data.records` (Unicat's answers carry records there): both are read.
 */
function childrenOf(body: unknown): { records: IDataObject[]; count: number } {
	const children = ((body as IDataObject | undefined)?.result as IDataObject | undefined)?.children;
	if (!Array.isArray(children)) return { records: [], count: 0 };
	const records = children.flatMap((child: unknown): IDataObject[] => {
		const record = typeof child === 'string' ? recordFrom(body, child) : child;
		return record && typeof record === 'object' && !Array.isArray(record) ? [record as IDataObject] : [];
	});
	return { records, count: children.length };
}

/** Whether a child is a linked copy of the record (not the record itself). */
function isCopyOf(child: IDataObject, record: string): boolean {
	return child.canonical === record && child.gid !== record && child.is_link !== false;
}

/** A linked copy as an output item. */
function copyOutput(copy: IDataObject, parent: string): IDataObject {
	return { gid: copy.gid, parent: typeof copy.parent === 'string' ? copy.parent : parent, canonical: copy.canonical, is_link: copy.is_link ?? true };
}

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

const link: LinkOperation<LinkParams> = {
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

const unlink: LinkOperation<UnlinkParams> = {
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

const getLinks: GetLinksOperation<GetLinksParams> = {
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

export const unicatOperations = [link, unlink, getLinks];
