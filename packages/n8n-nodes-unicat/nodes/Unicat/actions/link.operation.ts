/**
 * Link: POST /records/link makes a linked copy of a record under a parent. Not idempotent: every
 * successful call makes another copy, so with Return Existing Copy it looks for a copy first, and
 * again, afresh, after an answer that was lost, so a copy is never made twice. The look reads the
 * parent's children (records/children) once per execution, and keeps the copies the execution
 * makes beside them; an item alone under its parent reads its record's backlinks instead (one
 * records/get), once this process has seen that the server's backlinks list a record's copies.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, LinkOperation, VendorRequest, VendorResponse, WriteState } from '@record-links/engine';
import { getOrCreate, optionsCollection, RequestFailure } from '@record-links/engine';
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
					'Whether to look for a linked copy of the record already under the parent first and return it, with "alreadyLinked", instead of making another one. Unicat makes a new copy on every call. Turn off only to make more than one copy under the same parent.',
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
/** Records asked for in one records/get (its `records` list). */
const RECORDS_PER_GET = 100;

/** What an execution's items name, seen once before any is sent (`planRun`). */
interface LinkPlan {
	/** The items' records, in item order. */
	records: string[];
	/** Items per parent. */
	perParent: Map<string, number>;
}

const NO_PLAN: LinkPlan = { records: [], perParent: new Map() };

function planOf(state: WriteState): LinkPlan {
	return (state.execution.get('plan') as LinkPlan | undefined) ?? NO_PLAN;
}

/** What an execution remembers about one parent. */
interface ParentMemory {
	/** The linked copies among its children, read once (all pages) and shared by its items. */
	read?: Promise<IDataObject[]>;
	/** Copies made (or found after a lost answer) under it since. */
	made: IDataObject[];
	/** Looks under it so far. */
	looks: number;
}

function parentMemory(state: WriteState, parent: string): ParentMemory {
	return getOrCreate<string, ParentMemory>(state.execution, `parent ${parent}`, () => ({ made: [], looks: 0 }));
}

/** The canonical record of each record read this execution. */
function canonicals(state: WriteState): Map<string, string> {
	return getOrCreate<string, Map<string, string>>(state.execution, 'canonicals', () => new Map());
}

/**
 * The answer, or undefined when Unicat answers 422: here, a record the request names does not exist
 * (contract fact "errors"). Any other failure stays the request's failure.
 */
async function unlessMissing(request: Promise<VendorResponse>): Promise<VendorResponse | undefined> {
	return await request.catch((error: unknown) =>
		error instanceof RequestFailure && error.statusCode === 422 ? undefined : Promise.reject(error),
	);
}

/** Whether this server's backlinks have been seen to list a record's linked copies (`state.shared` is per server and project). */
const TRUST = 'backlinks';

function backlinksTrusted(state: WriteState): boolean {
	return state.shared.get(TRUST) === 'trusted';
}

/** records/get of one record, or of several (`records`, one answer). */
function getRequest(records: string[]): VendorRequest {
	return { method: 'POST', path: '/records/get', body: records.length === 1 ? { record: records[0] } : { records } };
}

/** The records of an answer's `data.records`, by GID. */
function recordsOf(body: unknown): Map<string, IDataObject> {
	const records = ((body as IDataObject | undefined)?.data as IDataObject | undefined)?.records;
	const found = new Map<string, IDataObject>();
	if (!records || typeof records !== 'object') return found;
	for (const [gid, record] of Object.entries(records)) {
		if (record && typeof record === 'object' && !Array.isArray(record)) found.set(gid, record as IDataObject);
	}
	return found;
}

/** Every child of the parent that is a linked copy of some record, all pages read. */
async function linkedChildren(parent: string, follow: FollowUp): Promise<IDataObject[]> {
	const copies: IDataObject[] = [];
	for (let page = 0; page < MAX_CHILDREN_PAGES; page++) {
		const request = follow(childrenRequest(parent, page * CHILDREN_PAGE_SIZE, CHILDREN_PAGE_SIZE), true);
		const response = page === 0 ? await unlessMissing(request) : await request;
		// No such parent: nothing is under it, and the link itself says which record is missing.
		if (!response) return [];
		const { records, count } = childrenOf(response.body);
		copies.push(...records.filter((child) => typeof child.gid === 'string' && typeof child.canonical === 'string' && child.canonical !== child.gid));
		if (count < CHILDREN_PAGE_SIZE) return copies;
	}
	throw new RequestFailure(`Unicat kept answering with more children (${MAX_CHILDREN_PAGES} pages read)`, { outcome: 'not-sent' });
}

/**
 * The record's canonical record. Read with the records the execution's other items name (up to 100
 * in one records/get), so a batch learns them all at once.
 */
async function canonicalOf(record: string, follow: FollowUp, state: WriteState): Promise<string | undefined> {
	const known = canonicals(state);
	const learn = (body: unknown) => {
		for (const [gid, read] of recordsOf(body)) if (typeof read.canonical === 'string') known.set(gid, read.canonical);
	};
	if (!known.has(record)) {
		const others = [...new Set(planOf(state).records)].filter((other) => other !== record && !known.has(other));
		if (others.length > 0) {
			// One unknown record fails the whole read: then the record is read alone.
			await follow(getRequest([record, ...others.slice(0, RECORDS_PER_GET - 1)]), true).then(
				(answer) => learn(answer.body),
				() => undefined,
			);
		}
	}
	if (!known.has(record)) {
		const answer = await follow(getRequest([record]), true);
		learn(answer.body);
		const canonical = ((answer.body as IDataObject | undefined)?.result as IDataObject | undefined)?.canonical;
		if (!known.has(record) && typeof canonical === 'string') known.set(record, canonical);
	}
	return known.get(record);
}

/**
 * A linked copy of the record among the parent's children (read once per execution, or afresh) and
 * the copies made under it since. A record that is itself a linked copy is copied as its canonical
 * record, so when the parent holds copies of other records the record's canonical is looked for too.
 */
async function underParent(params: LinkParams, follow: FollowUp, state: WriteState, fresh: boolean): Promise<IDataObject | undefined> {
	const memory = parentMemory(state, params.parent);
	let read = memory.read;
	if (fresh || !read) {
		const reading = linkedChildren(params.parent, follow);
		// A failed read is not kept: the next item reads again.
		reading.catch(() => {
			if (memory.read === reading) memory.read = undefined;
		});
		memory.read = read = reading;
	}
	const copies = [...(await read), ...memory.made];
	const direct = copies.find((child) => isCopyOf(child, params.record));
	if (direct || copies.length === 0) return direct;
	const canonical = await canonicalOf(params.record, follow, state);
	if (canonical === undefined || canonical === params.record) return undefined;
	return copies.find((child) => isCopyOf(child, canonical));
}

/**
 * A linked copy of the record under the parent by the backlinks of the record (of its canonical
 * record when it is a linked copy), each read from the answer or with one more records/get: a few
 * requests whatever the parent holds. 'unknown' when the answer cannot tell (no backlinks, or more
 * candidates than one records/get reads).
 */
async function byBacklinks(params: LinkParams, follow: FollowUp, state: WriteState): Promise<IDataObject | undefined | 'unknown'> {
	let answer = await follow(getRequest([params.record]), true);
	let source = recordFrom(answer.body, params.record);
	const canonical = typeof source?.canonical === 'string' ? source.canonical : params.record;
	canonicals(state).set(params.record, canonical);
	if (canonical !== params.record) {
		answer = await follow(getRequest([canonical]), true);
		source = recordFrom(answer.body, canonical);
	}
	const backlinks: unknown = source?.backlinks;
	if (!Array.isArray(backlinks) || !backlinks.every((gid) => typeof gid === 'string')) return 'unknown';
	const candidates = (backlinks as string[]).filter((gid) => gid !== canonical);
	if (candidates.length === 0) return undefined;
	if (candidates.length > RECORDS_PER_GET) return 'unknown';
	const records = recordsOf(answer.body);
	const unread = candidates.filter((gid) => !records.has(gid));
	if (unread.length > 0) {
		const read = await unlessMissing(follow(getRequest(unread), true));
		// A candidate gone meanwhile fails the read: the children tell instead.
		if (!read) return 'unknown';
		for (const [gid, record] of recordsOf(read.body)) records.set(gid, record);
	}
	const copy = candidates.map((gid) => records.get(gid)).find((record) => record?.parent === params.parent && isCopyOf(record, canonical));
	if (copy) parentMemory(state, params.parent).made.push(copy);
	return copy;
}

/** Link's output for a copy that was already there. */
function alreadyLinked(params: LinkParams, copy: IDataObject | undefined): IDataObject[] | undefined {
	return copy ? [{ ...copyOutput(copy, params.parent), source: params.record, record: copy, alreadyLinked: true }] : undefined;
}

/**
 * After this process made a copy, whether the canonical record's backlinks list it: then backlinks
 * are read as a record's linked copies on this server from now on, else never (one records/get per
 * process and server). A failed read settles nothing: a later copy asks again.
 */
async function confirmBacklinks(copy: string, canonical: string, follow: FollowUp, state: WriteState): Promise<void> {
	if (state.shared.has(TRUST)) return;
	const confirming = follow(getRequest([canonical]), true).then((answer) => {
		const backlinks: unknown = recordFrom(answer.body, canonical)?.backlinks;
		state.shared.set(TRUST, Array.isArray(backlinks) && backlinks.includes(copy) ? 'trusted' : 'untrusted');
	});
	state.shared.set(TRUST, confirming);
	await confirming.catch(() => {
		if (state.shared.get(TRUST) === confirming) state.shared.delete(TRUST);
	});
}

/**
 * The copy already under the parent, as Link's output: by the record's backlinks when asked and
 * trusted on this server (unless they cannot tell), else among the parent's children (read afresh
 * when `fresh`).
 */
async function lookForCopy(
	params: LinkParams,
	follow: FollowUp,
	state: WriteState,
	{ backlinks, fresh }: { backlinks: boolean; fresh: boolean },
): Promise<IDataObject[] | undefined> {
	if (backlinks && backlinksTrusted(state)) {
		const copy = await byBacklinks(params, follow, state);
		if (copy !== 'unknown') return alreadyLinked(params, copy);
	}
	return alreadyLinked(params, await underParent(params, follow, state, fresh));
}

export const link: LinkOperation<LinkParams> = {
	name: 'link',
	label: 'Link',
	description: 'Create a linked copy of a record under a parent, or return the copy already there',
	action: 'Create a linked copy of a record',
	properties: linkProperties,
	schema: linkSchema,
	// Every successful call makes another copy, so the engine never repeats a link blindly. A link
	// whose answer was lost (a timeout, a dropped connection, a 5xx) is looked up afresh first
	// (findEffect): found, it is the output; not there, Unicat did not act and it is sent again.
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
	planRun(items, state) {
		// A single item is alone under its parent, with no other record to read along.
		if (items.length < 2) return;
		const plan: LinkPlan = { records: items.map((params) => params.record), perParent: new Map() };
		for (const { parent } of items) plan.perParent.set(parent, (plan.perParent.get(parent) ?? 0) + 1);
		state.execution.set('plan', plan);
	},
	// Items under one parent go one at a time, so an item repeating an earlier one finds its copy.
	sequenceKey: ([params]) => (params.options.returnExisting === false ? undefined : params.parent),
	async findExisting([params], follow, state) {
		if (params.options.returnExisting === false) return undefined;
		const memory = parentMemory(state, params.parent);
		// Alone under its parent in this execution: reading every child would cost more than it saves.
		const alone = memory.looks++ === 0 && (planOf(state).perParent.get(params.parent) ?? 1) <= 1;
		return await lookForCopy(params, follow, state, { backlinks: alone, fresh: false });
	},
	async findEffect([params], follow, state) {
		// Off: a copy under the parent may be one made before; the failure stands as uncertain.
		if (params.options.returnExisting === false) throw new Error('not looked up');
		return await lookForCopy(params, follow, state, { backlinks: true, fresh: true });
	},
	async afterSend([output], [params], follow, state) {
		if (params.options.returnExisting === false || typeof output?.gid !== 'string') return;
		const parent = typeof output.parent === 'string' ? output.parent : params.parent;
		const canonical = typeof output.canonical === 'string' ? output.canonical : undefined;
		const record = output.record && typeof output.record === 'object' ? (output.record as IDataObject) : {};
		parentMemory(state, parent).made.push({ ...record, gid: output.gid, parent, canonical: canonical ?? params.record, is_link: true });
		if (canonical === undefined) return;
		canonicals(state).set(params.record, canonical);
		await confirmBacklinks(output.gid, canonical, follow, state);
	},
};
