/**
 * What two or more Unicat operations share: the gid and language schemas and option fields, the
 * Record and Parent fields, reading records out of an answer, and the records/children paging that
 * Link (Return Existing Copy) and Get Links both use. What one operation alone uses stays in its file.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { VendorRequest } from '@record-links/engine';
import { requiredText, uuid } from '@record-links/engine';

/**
 * Link: POST /records/link makes a linked copy of a record under a parent. Unlink: POST
 * /records/unlink makes a linked copy an independent record. Both return the records they touched.
 * Get Links: POST /records/children of the parent, page by page, keeps the children whose canonical
 * is the record (a linked copy of R under P is a child of P whose canonical is R). Link looks there
 * first too (Return Existing Copy), and after an answer that was lost, so a copy is never made twice.
 */

/** A Unicat gid (a UUID); read in lower case, as Unicat writes them. */
export function gid() {
	return uuid('must be a Unicat GID (a UUID such as f2e64fe0-9ffa-4d9a-8750-d561d6542453)').transform((value) =>
		value.toLowerCase(),
	);
}

const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;
const languageMessage = 'must be a language code such as "en" or "nl"';

const languageCode = requiredText(20).refine((value) => LANGUAGE.test(value), languageMessage);

/** The Language and Languages options, read into Unicat's `language` and `languages`. */
export const languageOptionsSchema = z
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

export function languageFields(options: LanguageOptions): IDataObject {
	return {
		...(options.language ? { language: options.language } : {}),
		...(options.languages?.length ? { languages: options.languages } : {}),
	};
}

export const languageOptionProperties: INodeProperties[] = [
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
export function recordFrom(body: unknown, recordGid: unknown): IDataObject | undefined {
	if (typeof recordGid !== 'string') return undefined;
	const records = ((body as IDataObject | undefined)?.data as IDataObject | undefined)?.records;
	const record = records && typeof records === 'object' ? (records as IDataObject)[recordGid] : undefined;
	return record && typeof record === 'object' && !Array.isArray(record) ? (record as IDataObject) : undefined;
}

/** Link's Parent, and the parent Get Links looks under. */
export const parentProperty: INodeProperties = {
	displayName: 'Parent',
	name: 'parent',
	type: 'string',
	required: true,
	default: '',
	placeholder: '9c5e1c75-6b81-44e1-a3fc-1b41ec9ba58b',
	description: 'GID of the record to place the linked copy under; it must exist (and cannot itself be a linked copy)',
};

/** Link's Record (the record copied), and the record whose copies Get Links lists. */
export const sourceRecordProperty: INodeProperties = {
	displayName: 'Record',
	name: 'record',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'f2e64fe0-9ffa-4d9a-8750-d561d6542453',
	description: 'GID of the record to copy and link. If it is itself a linked copy, the new copy links to its canonical record.',
};

/** Children per records/children page: Link's look under the parent and Get Links read this many at a time. */
export const CHILDREN_PAGE_SIZE = 100;

/** One page of a record's children: `page.top` is where the page starts, `page.size` how many. */
export function childrenRequest(parent: string, top: number, size: number): VendorRequest {
	return { method: 'POST', path: '/records/children', body: { record: parent, page: { top, size } } };
}

/**
 * The children on a records/children answer, as records. `result.children` holds the records, or
 * their GIDs with the records in `data.records` (Unicat's answers carry records there): both are read.
 */
export function childrenOf(body: unknown): { records: IDataObject[]; count: number } {
	const children = ((body as IDataObject | undefined)?.result as IDataObject | undefined)?.children;
	if (!Array.isArray(children)) return { records: [], count: 0 };
	const records = children.flatMap((child: unknown): IDataObject[] => {
		const record = typeof child === 'string' ? recordFrom(body, child) : child;
		return record && typeof record === 'object' && !Array.isArray(record) ? [record as IDataObject] : [];
	});
	return { records, count: children.length };
}

/** Whether a child is a linked copy of the record (not the record itself). */
export function isCopyOf(child: IDataObject, record: string): boolean {
	return child.canonical === record && child.gid !== record && child.is_link !== false;
}

/** A linked copy as an output item. */
export function copyOutput(copy: IDataObject, parent: string): IDataObject {
	return { gid: copy.gid, parent: typeof copy.parent === 'string' ? copy.parent : parent, canonical: copy.canonical, is_link: copy.is_link ?? true };
}
