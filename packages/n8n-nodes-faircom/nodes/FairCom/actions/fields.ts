/**
 * What two or more FairCom operations share: the name, label and record-id schemas, Link's fields
 * (Get and Set Labels show some of them too), the one definition of Link and Unlink, and the
 * getLabelsLinkedToRecordIds read of Get and Set Labels. What one operation alone uses stays in its file.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation, SessionToken, VendorRequest } from '@record-links/engine';
import { doneFields, hasControlCharacter, optionsCollection, pickerModes, textList } from '@record-links/engine';
import { envelope, fairCom } from '../vendor';

const MAX_ID = 2147483647;
const MAX_NAME_BYTES = 64;
/**
 * Each item is one atomic change, so its ids are never split over several calls; a list longer
 * than this is refused with a clear error instead of becoming one huge call.
 */
const MAX_IDS_PER_ITEM = 10_000;

const ACTIONS = {
	link: 'linkLabelsToRecords',
	unlink: 'unlinkLabelsFromRecords',
} as const;

type OperationName = keyof typeof ACTIONS;

/** Bytes of the UTF-8 encoding (FairCom's limits are in bytes, not characters). */
function utf8Length(text: string): number {
	let bytes = 0;
	for (const char of text) {
		const code = char.codePointAt(0) ?? 0;
		bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
	}
	return bytes;
}

/** A FairCom name (label, group, table, database, owner): 1–64 bytes of UTF-8, one line. */
export function nameText() {
	return z
		.string({ invalid_type_error: 'must be text' })
		.trim()
		.min(1, 'must not be empty')
		.refine((value) => !hasControlCharacter(value), 'must not contain line breaks or control characters')
		.superRefine((value, context) => {
			const bytes = utf8Length(value);
			if (bytes > MAX_NAME_BYTES) {
				context.addIssue({ code: 'custom', message: `must be at most ${MAX_NAME_BYTES} bytes of UTF-8 (is ${bytes})` });
			}
		});
}

/** An optional name: empty means "not set" (FairCom uses the session's default). */
export function optionalName() {
	return z.preprocess((value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value), nameText().optional());
}

/** A resource locator's value (`{ __rl, mode, value }`); a plain value (older workflows, expressions) as is. */
function locatorValue(value: unknown): unknown {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && 'value' in value && 'mode' in value
		? (value as { value: unknown }).value
		: value;
}

const labelSchema = z.preprocess(
	// An expression may give a label as plain text: its name, no group. Name and Group are picked
	// from lists (resource locators) or typed; workflows saved before the pickers hold plain text.
	(value) => {
		if (typeof value === 'string') return { name: value };
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
		const label = value as { name?: unknown; group?: unknown };
		return { ...label, name: locatorValue(label.name), group: locatorValue(label.group) };
	},
	z.object({ name: nameText(), group: optionalName() }, { invalid_type_error: 'must be a label (name and optional group)' }),
);

/** The fixedCollection's `{ label: [...] }`, or an array from an expression, as a list. */
export function labelList(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'object' && !Array.isArray(value)) {
		const entries = (value as { label?: unknown }).label;
		return entries === undefined ? [] : entries;
	}
	return value;
}

/** A list of labels; Link and Unlink need at least one, Set Links takes an empty list (remove all). */
export const labelArray = (minItems: number) =>
	z
		.array(labelSchema, { invalid_type_error: 'must be a list of labels' })
		.min(minItems, 'must contain at least one label')
		.transform((labels) => {
			// The same label twice is one label.
			const seen = new Set<string>();
			return labels.filter((label) => {
				const key = JSON.stringify([label.group ?? '', label.name]);
				if (seen.has(key)) return false;
				seen.add(key);
				return true;
			});
		});

const labelsSchema = z.preprocess(labelList, labelArray(1));

/**
 * Record ids: an array (from an expression), a single number, or text such as "1, 2, 3" or
 * "[1,2,3]". Each must be a whole number from 0 to 2147483647; duplicates are dropped.
 */
export const idsSchema = z.unknown().transform((value, context) => {
	let raw: unknown[];
	if (Array.isArray(value)) raw = value;
	else if (typeof value === 'number') raw = [value];
	else if (typeof value === 'string') {
		raw = value
			.trim()
			.replace(/^\[(.*)\]$/s, '$1')
			.split(/[\s,;]+/)
			.filter((part) => part !== '');
	} else if (value === undefined || value === null) raw = [];
	else {
		context.addIssue({ code: 'custom', message: 'must be a list of record IDs' });
		return z.NEVER;
	}
	if (raw.length > MAX_IDS_PER_ITEM) {
		context.addIssue({
			code: 'custom',
			message: `must hold at most ${MAX_IDS_PER_ITEM.toLocaleString('en-US')} record IDs per item (has ${raw.length.toLocaleString('en-US')}): split them over several items`,
		});
		return z.NEVER;
	}
	if (raw.length === 0) context.addIssue({ code: 'custom', message: 'must contain at least one record ID' });
	// A plain loop: this runs for every item of a batch of thousands.
	const ids: number[] = [];
	for (let position = 0; position < raw.length; position++) {
		const entry = raw[position];
		const text = typeof entry === 'string' ? entry.trim() : entry;
		const id = typeof text === 'number' ? text : typeof text === 'string' && /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
		if (!Number.isInteger(id)) {
			const shown = typeof entry === 'string' ? `"${entry}"` : (JSON.stringify(entry) ?? String(entry));
			context.addIssue({ code: 'custom', path: [position], message: `${shown} is not a whole number` });
		} else if (id < 0 || id > MAX_ID) {
			context.addIssue({ code: 'custom', path: [position], message: `${id} is outside 0–${MAX_ID}` });
		} else {
			ids.push(id);
		}
	}
	return ids.length > 1 ? [...new Set(ids)] : ids;
});

const schema = z.object({
	labels: labelsSchema,
	tableName: nameText(),
	ids: idsSchema,
	databaseName: optionalName(),
	ownerName: optionalName(),
	verifyLinks: z.boolean({ invalid_type_error: 'must be true or false' }).default(true),
	options: z.object({ mergeItems: z.boolean().optional() }).passthrough().default({}),
});

export type LabelParams = z.infer<typeof schema>;

const fields: INodeProperties[] = [
	{
		displayName: 'Labels',
		name: 'labels',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		required: true,
		default: {},
		placeholder: 'Add Label',
		description: 'The labels to link or unlink; each is an optional group and a name (1–64 bytes each), picked from FairCom\'s labels or typed',
		options: [
			{
				displayName: 'Label',
				name: 'label',
				values: [
					{
						displayName: 'Group',
						name: 'group',
						type: 'resourceLocator',
						default: { mode: 'list', value: '' },
						description: 'The label\'s group, picked from the server\'s label groups or typed; leave empty for labels without a group',
						...pickerModes('searchLabelGroups', 'Select a group...', { placeholder: 'status', byName: true }),
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'resourceLocator',
						required: true,
						default: { mode: 'list', value: '' },
						description:
							'The label\'s name (1–64 bytes of UTF-8): the list shows the labels of the chosen group (or those without a group), or type it',
						typeOptions: { loadOptionsDependsOn: ['&group.value'] },
						...pickerModes('searchLabels', 'Select a label...', { placeholder: 'priority', byName: true }),
					},
				],
			},
		],
	},
	{
		displayName: 'Table Name',
		name: 'tableName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'orders',
		description: 'The table that holds the records (1–64 bytes)',
	},
	{
		displayName: 'Record IDs',
		name: 'ids',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1, 2, 3',
		description:
			'Primary keys of the records, whole numbers from 0 to 2147483647: a list such as "1, 2, 3", or an expression that returns a number or an array',
	},
	{
		displayName: 'Database Name',
		name: 'databaseName',
		type: 'string',
		default: '',
		description: 'The database of the table; empty uses the session\'s default database',
	},
	{
		displayName: 'Owner Name',
		name: 'ownerName',
		type: 'string',
		default: '',
		description: 'The account that owns the table; empty uses the session\'s default owner',
	},
	{
		displayName: 'Verify Links',
		name: 'verifyLinks',
		type: 'boolean',
		default: true,
		description: 'Whether FairCom verifies the links before changing them (FairCom\'s verifyLinks property, on by default)',
	},
];

/** Both operations' options: the engine's, and whether items merge into one call. */
const options = optionsCollection(fairCom, {
	batching: true,
	extra: [
		{
			displayName: 'Merge Items',
			name: 'mergeItems',
			type: 'boolean',
			default: true,
			description:
				'Whether items with the same labels, table, database, owner and Verify Links go in one call (up to Batch Size record IDs). A merged call is atomic: it succeeds or fails as a whole, for all its items.',
		},
	],
});

/**
 * FairCom's warnings (debugInfo.warnings), each with the primary key it names if any: it goes on the
 * items holding that record, and a warning that names none goes on every item of the call.
 */
function warningMessages(body: unknown): Array<{ message: string; id?: number }> {
	const debugInfo = (body as { debugInfo?: { warnings?: unknown } } | undefined)?.debugInfo;
	const warnings = Array.isArray(debugInfo?.warnings) ? (debugInfo.warnings as unknown[]) : [];
	return warnings.flatMap((warning) => {
		const entry = warning as IDataObject | string;
		const message =
			typeof entry === 'string'
				? entry
				: typeof entry?.warningMessage === 'string'
					? entry.warningMessage
					: typeof entry?.message === 'string'
						? entry.message
						: undefined;
		if (!message) return [];
		const key = /primary key\s+"?(\d+)"?/i.exec(message);
		const dataId = typeof entry === 'string' ? undefined : (entry?.warningData as IDataObject | undefined)?.id;
		return [{ message, id: key ? Number(key[1]) : typeof dataId === 'number' ? dataId : undefined }];
	});
}

/** A label as FairCom takes it and the output shows it: its group only when it has one. */
function wireLabel(label: LabelParams['labels'][number]): IDataObject {
	return label.group ? { group: label.group, name: label.name } : { name: label.name };
}

/** A label list's order-free key; kept per list, since items with the same Labels field share one. */
const labelSetKeys = new WeakMap<object, string>();

function labelSetKey(labels: LabelParams['labels']): string {
	let key = labelSetKeys.get(labels);
	if (key === undefined) {
		key = JSON.stringify(labels.map((label) => [label.group ?? '', label.name]).sort());
		labelSetKeys.set(labels, key);
	}
	return key;
}

/**
 * Link and Unlink are the same call but for FairCom's action name: one definition serves both.
 * Both take `{ labels, tableName, ids, databaseName?, ownerName?, verifyLinks }` and are atomic.
 */
export function labelOperation(
	name: OperationName,
	option: Pick<LinkOperation<LabelParams>, 'label' | 'description' | 'action'>,
): LinkOperation<LabelParams> {
	const action = ACTIONS[name];
	return {
		name,
		...option,
		properties: [...fields, options],
		schema,
		// Link and unlink are atomic and converge: re-linking succeeds with a warning and unlinking
		// what is not linked is no error, so repeating a call whose answer was lost is harmless.
		idempotent: true,
		batchKey(params) {
			// Merge Items off: each item travels alone.
			if (params.options.mergeItems === false) return undefined;
			// Names hold no control characters (nameText), so NUL separates them safely.
			return [labelSetKey(params.labels), params.tableName, params.databaseName ?? '', params.ownerName ?? '', params.verifyLinks].join('\u0000');
		},
		batchWeight: (params) => params.ids.length,
		buildRequest(items, sessionToken) {
			const [first] = items;
			const ids = [...new Set(items.flatMap((item) => item.ids))];
			const request = envelope(
				'db',
				action,
				{
					labels: first.labels.map(wireLabel),
					tableName: first.tableName,
					ids,
					...(first.databaseName ? { databaseName: first.databaseName } : {}),
					...(first.ownerName ? { ownerName: first.ownerName } : {}),
					verifyLinks: first.verifyLinks,
				},
				sessionToken,
			);
			// Warnings ("already linked") come back only in debugInfo.
			(request.body as IDataObject).debug = 'max';
			return request;
		},
		toOutput(response, items) {
			const warnings = warningMessages(response.body);
			return items.map((item) => {
				const own = warnings.length
					? warnings.filter((warning) => warning.id === undefined || item.ids.includes(warning.id)).map((warning) => warning.message)
					: warnings;
				return {
					operation: name,
					labels: item.labels.map(wireLabel),
					tableName: item.tableName,
					ids: item.ids,
					...(item.databaseName ? { databaseName: item.databaseName } : {}),
					...(item.ownerName ? { ownerName: item.ownerName } : {}),
					...doneFields(name),
					...(own.length ? { warnings: own } : {}),
				};
			});
		},
	};
}

/** One of Link's fields, for the operations that read the same field (one object, shown for all). */
export function linkField(name: string): INodeProperties {
	const found = fields.find((property) => property.name === name);
	if (!found) throw new Error(`No FairCom field "${name}"`);
	return found;
}

const READ_ACTION = 'getLabelsLinkedToRecordIds';

/** A label's group as FairCom returns it: absent, null and "" all mean "no group" (FairCom is silent on which). */
function groupOf(label: IDataObject): string {
	return typeof label.group === 'string' ? label.group : '';
}

/** The labels of `getLabelsLinkedToRecordIds`' answer (`result.labels[]` of `{ group, name, ids }`), with the ids asked for. */
export function labelsRead(body: unknown, asked: number[]): Array<{ group: string; name: string; ids: number[] }> {
	const result = (body as { result?: { labels?: unknown } } | undefined)?.result;
	const labels = Array.isArray(result?.labels) ? (result.labels as unknown[]) : [];
	const wanted = new Set(asked);
	return labels.flatMap((entry) => {
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return [];
		const label = entry as IDataObject;
		if (typeof label.name !== 'string' || label.name === '') return [];
		const raw = Array.isArray(label.ids) ? label.ids : [];
		// Only the item's records: a record of another item is that item's.
		const ids = [...new Set(raw.filter((id): id is number => typeof id === 'number' && wanted.has(id)))];
		return ids.length ? [{ group: groupOf(label), name: label.name, ids }] : [];
	});
}

/** Where the labels are read: the records and their table. */
interface ReadTarget {
	tableName: string;
	ids: number[];
	databaseName?: string;
	ownerName?: string;
	verifyLinks?: boolean;
}

/** One getLabelsLinkedToRecordIds call for all the item's records (FairCom does not page it). */
export function readRequest(target: ReadTarget, sessionToken: SessionToken | undefined): VendorRequest {
	return envelope(
		'db',
		READ_ACTION,
		{
			tableName: target.tableName,
			ids: target.ids,
			...(target.databaseName ? { databaseName: target.databaseName } : {}),
			...(target.ownerName ? { ownerName: target.ownerName } : {}),
			...(target.verifyLinks !== undefined ? { verifyLinks: target.verifyLinks } : {}),
		},
		sessionToken,
	);
}

/** Reads are not paged: the largest page is all the labels of the item's records. */
export const ONE_PAGE = 1_000_000;

export const groupsSchema = textList(nameText(), 1000);
