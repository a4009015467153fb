/**
 * What two or more DataGOL operations share: the workspace, workbook, link column and record fields,
 * the record-id and pair schemas, the one definition of Link and Unlink (pairOperation), and the
 * linkData read of Get Links and Set Links. What one operation alone uses stays in its file.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, LinkOperation, LinkPage, LinkRead, VendorRequest, VendorResponse } from '@record-links/engine';
import { doneFields, isObject, optionsCollection, pickerModes, RequestFailure, saysNoChangeNeeded, uuid } from '@record-links/engine';
import { dataGol } from '../vendor';

/**
 * Link: POST …/linkRecordV2 with an array of pairs; Unlink: DELETE with the same body. Items for the
 * same workspace and workbook travel in one request (up to Batch Size).
 *
 * Both are idempotent: a link is a state (the pair is linked or not), so sending the same pairs
 * again leaves the same state. If DataGOL answers a repeat with "already linked" ("not linked"),
 * `recover` reports the pair as done with `alreadyLinked` (`alreadyUnlinked`) instead of losing it.
 * So a batch whose answer was lost (a dropped connection, a 502/503/504) is safe to send again.
 */

type OperationName = 'link' | 'unlink';

const METHODS = { link: 'POST', unlink: 'DELETE' } as const;

/** The fields every DataGOL operation shares (one object each, so saved workflows and pickers stay as they are). */
export const workspaceField: INodeProperties = {
	displayName: 'Workspace ID',
	name: 'workspaceId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The DataGOL workspace that holds the table',
	...pickerModes('searchWorkspaces', 'Select a workspace...', { placeholder: '03d079b8-ddbf-4752-926a-8700c4be056c' }),
};

export const workbookField: INodeProperties = {
	displayName: 'Workbook ID',
	name: 'workbookId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The source table (workbook) whose link column is changed; the list shows the chosen workspace\'s tables',
	typeOptions: { loadOptionsDependsOn: ['workspaceId.value'] },
	...pickerModes('searchWorkbooks', 'Select a workbook...', { placeholder: '77b75932-a6f3-405a-aade-fc4bff973858' }),
};

export const linkColumnField: INodeProperties = {
	displayName: 'Link Column ID',
	name: 'linkColumnId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description:
		'The LINK column of the source table (or the link column of a LookUp column); the list shows the chosen workbook\'s LINK columns',
	typeOptions: { loadOptionsDependsOn: ['workspaceId.value', 'workbookId.value'] },
	...pickerModes('searchLinkColumns', 'Select a link column...', { placeholder: '21224153-2f85-4b24-a306-4cfbc7e73f70' }),
};

export const sourceRecordField: INodeProperties = {
	displayName: 'Source Record ID',
	name: 'sourceRecordId',
	type: 'number',
	required: true,
	default: 0,
	typeOptions: { minValue: 0, numberPrecision: 0 },
	description: 'Row ID of the record in the source table',
};

const destinationRecordField: INodeProperties = {
	displayName: 'Destination Record ID',
	name: 'destinationRecordId',
	type: 'number',
	required: true,
	default: 0,
	typeOptions: { minValue: 0, numberPrecision: 0 },
	description: 'Row ID of the record in the linked (destination) table',
};

const properties: INodeProperties[] = [
	workspaceField,
	workbookField,
	linkColumnField,
	sourceRecordField,
	destinationRecordField,
	optionsCollection(dataGol, { batching: true }),
];

/**
 * A record (row) id: a non-negative whole number. Expressions often hand over text ("42"), which is
 * accepted; "1.5", "-1", "abc" are not.
 */
export const recordIdSchema = z.preprocess(
	(value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
	z
		.number({
			invalid_type_error: 'must be a non-negative whole number (a row ID)',
		})
		.int('must be a non-negative whole number (a row ID)')
		.min(0, 'must be a non-negative whole number (a row ID)')
		.max(Number.MAX_SAFE_INTEGER, 'is too large for a row ID'),
);

const pairSchema = z.object({
	workspaceId: uuid(),
	workbookId: uuid(),
	linkColumnId: uuid(),
	sourceRecordId: recordIdSchema,
	destinationRecordId: recordIdSchema,
});

export type Pair = z.infer<typeof pairSchema>;

/** One request for a group of pairs of the same table. */
function pairsRequest(operation: OperationName, pairs: Pair[]): VendorRequest {
	const [first] = pairs;
	return {
		method: METHODS[operation],
		path: `/noCo/api/v2/workspaces/${encodeURIComponent(first.workspaceId)}/tables/${encodeURIComponent(first.workbookId)}/linkRecordV2`,
		body: pairs.map((pair) => ({
			sourceRecordId: pair.sourceRecordId,
			destinationRecordId: pair.destinationRecordId,
			linkColumnId: pair.linkColumnId,
		})),
	};
}

/** What the output item says about a pair. */
function pairOutput(operation: OperationName, pair: Pair, noChange = false): IDataObject {
	return {
		operation,
		workspaceId: pair.workspaceId,
		workbookId: pair.workbookId,
		linkColumnId: pair.linkColumnId,
		sourceRecordId: pair.sourceRecordId,
		destinationRecordId: pair.destinationRecordId,
		...doneFields(operation, noChange),
	};
}

/**
 * Recovers from an "already linked" (Link) or "not linked" (Unlink) refusal. A one-pair request
 * is a success with a note. A refused batch may have been refused as a whole because of one pair,
 * so its pairs are re-sent one by one: each is then either done or a no-change answer. Any other
 * failure of a re-sent pair fails the whole batch (none is reported done that was not).
 */
async function recoverNoChange(
	operation: OperationName,
	failure: RequestFailure,
	pairs: Pair[],
	follow: FollowUp,
): Promise<IDataObject[] | undefined> {
	if (!saysNoChangeNeeded(operation, failure)) return undefined;
	if (pairs.length === 1) return [pairOutput(operation, pairs[0], true)];
	const outputs: IDataObject[] = [];
	for (const pair of pairs) {
		const refusal = await follow(pairsRequest(operation, [pair]), true).then(
			() => undefined,
			(error: unknown) => error ?? new Error('unknown failure'),
		);
		const noChange = refusal instanceof RequestFailure && saysNoChangeNeeded(operation, refusal);
		// The engine turns this failure (a RequestFailure from the transport) into the batch's error.
		if (refusal !== undefined && !noChange) throw refusal;
		outputs.push(pairOutput(operation, pair, noChange));
	}
	return outputs;
}

export function pairOperation(name: OperationName, option: Pick<LinkOperation<Pair>, 'label' | 'description' | 'action'>): LinkOperation<Pair> {
	return {
		name,
		...option,
		properties,
		schema: pairSchema,
		idempotent: true,
		// Items for the same workspace and workbook (table) share one request; UUIDs compare case-blind.
		batchKey: (pair) => `${pair.workspaceId.toLowerCase()}/${pair.workbookId.toLowerCase()}`,
		buildRequest: (pairs) => pairsRequest(name, pairs),
		toOutput: (_response, pairs) => pairs.map((pair) => pairOutput(name, pair)),
		recover: async (failure, pairs, follow) => await recoverNoChange(name, failure, pairs, follow),
	};
}

/** Get Links and Set Links: the record and the link column whose links are read. */
export const recordSchema = z.object({
	workspaceId: uuid(),
	workbookId: uuid(),
	linkColumnId: uuid(),
	sourceRecordId: recordIdSchema,
});

export type RecordParams = z.infer<typeof recordSchema>;

/** One record's linked rows: GET …/tables/{workbookId}/{linkColumnId}/linkData?id={sourceRecordId}. */
function linkDataRequest(params: RecordParams): VendorRequest {
	const table = `/noCo/api/v2/workspaces/${encodeURIComponent(params.workspaceId)}/tables/${encodeURIComponent(params.workbookId)}`;
	return { method: 'GET', path: `${table}/${encodeURIComponent(params.linkColumnId)}/linkData`, qs: { id: params.sourceRecordId } };
}

/** A linked row's ID as a number, or undefined when the row carries none DataGOL could have meant. */
export function rowIdOf(row: IDataObject): number | undefined {
	const { id } = row;
	const value = typeof id === 'string' && /^\d+$/.test(id.trim()) ? Number(id) : id;
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * The linked rows of a linkData answer: documented as a bare array of `{ id, cellValues }`; the same
 * array inside DataGOL's response envelope (`{ data: [...] }`) is read too (contract fact
 * "link-data-shape"). Any other answer is an error, so Set Links never removes links it could not read.
 * The whole list comes in one answer (fact "link-data-paging"): there is no next page.
 */
function linkDataPage(response: VendorResponse): LinkPage {
	const { body } = response;
	const rows = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.data) ? body.data : undefined;
	if (!rows) {
		throw new RequestFailure('DataGOL answered the link read with something other than a list of linked rows', {
			outcome: 'refused',
			description: 'Expected a JSON array of rows ({ id, cellValues }); nothing was changed for this record.',
		});
	}
	const links = rows.filter((row): row is IDataObject => isObject(row) && rowIdOf(row as IDataObject) !== undefined);
	return { links };
}

export function linkDataRead<Params extends RecordParams>(): LinkRead<Params> {
	return {
		// One answer holds every linked row; the engine's Limit cuts the list.
		pageSize: 100_000,
		request: (params) => linkDataRequest(params),
		page: (response) => linkDataPage(response),
	};
}

export const recordIdentity = (params: RecordParams): IDataObject => ({
	workspaceId: params.workspaceId,
	workbookId: params.workbookId,
	linkColumnId: params.linkColumnId,
	sourceRecordId: params.sourceRecordId,
});
