import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '../engine';
import { optionsCollection, RequestFailure } from '../engine';
import { requiredText, uuid } from '../engine/validation';
import { unicat } from './vendor';

/**
 * Link: POST /records/link makes a linked copy of a record under a parent. Unlink: POST
 * /records/unlink makes a linked copy an independent record. Both return the records they touched.
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

const linkProperties: INodeProperties[] = [
	{
		displayName: 'Record',
		name: 'record',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'f2e64fe0-9ffa-4d9a-8750-d561d6542453',
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
		description: 'GID of the record to place the linked copy under; it must exist (and cannot itself be a linked copy)',
	},
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
	languageOptions,
];

const linkSchema = z.object({
	record: gid(),
	parent: gid(),
	beforeRecord: optionalGid(),
	ordering: gid(),
	options: languageOptionsSchema.default({}),
});

type LinkParams = z.infer<typeof linkSchema>;

const link: LinkOperation<LinkParams> = {
	name: 'link',
	label: 'Link',
	description: 'Create a linked copy of a record under a parent; every run makes a new copy',
	action: 'Create a linked copy of a record',
	properties: linkProperties,
	schema: linkSchema,
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

export const unicatOperations = [link, unlink];
