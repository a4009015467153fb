import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, LinkOperation, VendorRequest } from '../engine';
import { doneFields, optionsCollection, pickerModes, RequestFailure, saysNoChangeNeeded } from '../engine';
import { uuid } from '../engine/validation';
import { dataGol } from './vendor';

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

const properties: INodeProperties[] = [
	{
		displayName: 'Workspace ID',
		name: 'workspaceId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The DataGOL workspace that holds the table',
		...pickerModes('searchWorkspaces', 'Select a workspace...', { placeholder: '03d079b8-ddbf-4752-926a-8700c4be056c' }),
	},
	{
		displayName: 'Workbook ID',
		name: 'workbookId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The source table (workbook) whose link column is changed; the list shows the chosen workspace\'s tables',
		typeOptions: { loadOptionsDependsOn: ['workspaceId.value'] },
		...pickerModes('searchWorkbooks', 'Select a workbook...', { placeholder: '77b75932-a6f3-405a-aade-fc4bff973858' }),
	},
	{
		displayName: 'Link Column ID',
		name: 'linkColumnId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description:
			'The LINK column of the source table (or the link column of a LookUp column); the list shows the chosen workbook\'s LINK columns',
		typeOptions: { loadOptionsDependsOn: ['workspaceId.value', 'workbookId.value'] },
		...pickerModes('searchLinkColumns', 'Select a link column...', { placeholder: '21224153-2f85-4b24-a306-4cfbc7e73f70' }),
	},
	{
		displayName: 'Source Record ID',
		name: 'sourceRecordId',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description: 'Row ID of the record in the source table',
	},
	{
		displayName: 'Destination Record ID',
		name: 'destinationRecordId',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description: 'Row ID of the record in the linked (destination) table',
	},
	optionsCollection(dataGol, { batching: true }),
];

/**
 * A record (row) id: a non-negative whole number. Expressions often hand over text ("42"), which is
 * accepted; "1.5", "-1", "abc" are not.
 */
const recordIdSchema = z.preprocess(
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

type Pair = z.infer<typeof pairSchema>;

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

function pairOperation(name: OperationName, option: Pick<LinkOperation<Pair>, 'label' | 'description' | 'action'>): LinkOperation<Pair> {
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

export const dataGolOperations = [
	pairOperation('link', {
		label: 'Link',
		description: 'Link a source record to a destination record through a LINK column',
		action: 'Link two records',
	}),
	pairOperation('unlink', {
		label: 'Unlink',
		description: 'Remove the link between a source record and a destination record',
		action: 'Unlink two records',
	}),
];
