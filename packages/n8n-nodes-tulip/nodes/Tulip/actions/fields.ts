/**
 * What two or more Tulip operations share: the Table Link ID and Left Record fields, the record and
 * table link ID schemas, the one definition of Link and Unlink (tableLinkOperation), and the record
 * read of Get Links and Set Links. What one operation alone uses stays in its file.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation, LinkRead, Lookup } from '@record-links/engine';
import { doneFields, optionsCollection, pathSegment, pickerModes, requiredText, RequestFailure, saysNoChangeNeeded } from '@record-links/engine';
import { TABLE_LINK_ID, tulip } from '../vendor';

/**
 * Link: PUT /tableLinks/{tableLinkId}/link { leftRecord, rightRecord } → 204; Unlink: the same on
 * …/unlink.
 *
 * Both are idempotent: a link is a state (the two records are linked or not) and the call is a
 * PUT, so sending it again leaves the same state; an "already linked" ("not linked") answer is a
 * success with `alreadyLinked` (`alreadyUnlinked`), see `recover`. Paced per table link (Tulip: 10
 * writes/s per table).
 */

type OperationName = 'link' | 'unlink';

export const tableLinkProperty: INodeProperties = {
	displayName: 'Table Link ID',
	name: 'tableLinkId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description:
		'The link between two Tulip tables: pick a linked-record column ("Table › Column"), or enter its table link ID (letters, digits and "_")',
	...pickerModes('searchTableLinks', 'Select a linked-record column...', {
		placeholder: 'g56RCoZCtzv7borvp',
		pattern: TABLE_LINK_ID,
		errorMessage: 'A table link ID has only letters, digits and "_"',
	}),
};

export const leftRecordProperty: INodeProperties = {
	displayName: 'Left Record',
	name: 'leftRecord',
	type: 'string',
	required: true,
	default: '',
	description: 'ID of the record in the left table of the table link',
};

const properties: INodeProperties[] = [
	tableLinkProperty,
	leftRecordProperty,
	{
		displayName: 'Right Record',
		name: 'rightRecord',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the record in the right table of the table link',
	},
	optionsCollection(tulip),
];

/** A record ID: Tulip IDs are text; a number from an expression is taken as its text. */
export const recordId = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), requiredText(512));

export const tableLinkId = pathSegment(new RegExp(`^${TABLE_LINK_ID}$`), 'letters, digits and "_"');

const schema = z.object({
	tableLinkId,
	leftRecord: recordId,
	rightRecord: recordId,
});

export type LinkParams = z.infer<typeof schema>;

/** Tulip answers 204 without a body, so the output item says what was done. */
function linkOutput(operation: OperationName, params: LinkParams, noChange = false): IDataObject {
	return {
		operation,
		tableLinkId: params.tableLinkId,
		leftRecord: params.leftRecord,
		rightRecord: params.rightRecord,
		...doneFields(operation, noChange),
	};
}

export function tableLinkOperation(
	name: OperationName,
	option: Pick<LinkOperation<LinkParams>, 'label' | 'description' | 'action'>,
): LinkOperation<LinkParams> {
	return {
		name,
		...option,
		properties,
		schema,
		idempotent: true,
		// Unlink is paced like Link: it is a write to the same tables.
		rateScope: (params) => params.tableLinkId,
		buildRequest: ([params]) => ({
			method: 'PUT',
			path: `/tableLinks/${encodeURIComponent(params.tableLinkId)}/${name}`,
			body: { leftRecord: params.leftRecord, rightRecord: params.rightRecord },
		}),
		toOutput: (_response, [params]) => [linkOutput(name, params)],
		// An "already linked" / "not linked" refusal is a success with a note (see saysNoChangeNeeded).
		recover: async (failure, [params]) => (saysNoChangeNeeded(name, failure) ? [linkOutput(name, params, true)] : undefined),
	};
}

/**
 * Get Links and Set Links read the left record's linked-record column: GET /tableLinks/{id} names the
 * left table and its column (looked up once per execution), then GET /tables/{leftTableId}/records/
 * {leftRecord}?fields=["<column>"] answers the record with that column, a string array of right record
 * IDs even for a 1:1 link. A column that is absent or null is taken as no links, like []. Reads are
 * paced per left table (Tulip: 50 record reads/s per table, `defaultReadRatePerSecond`).
 */

/** Which table and column a table link's left end is. */
export interface LeftEnd {
	tableId: string;
	columnId: string;
}

/** Get Links' and Set Links' params; `prepare` adds the table link's left end. */
type RecordParams = { tableLinkId: string; leftRecord: string; left?: LeftEnd };

async function leftEndOf(tableLinkIdValue: string, lookup: Lookup): Promise<LeftEnd> {
	const response = await lookup({ method: 'GET', path: `/tableLinks/${encodeURIComponent(tableLinkIdValue)}` });
	const body = response.body as IDataObject | undefined;
	const tableId = body && typeof body === 'object' ? body.leftTableId : undefined;
	const columnId = body && typeof body === 'object' ? body.leftTableColumnId : undefined;
	if (typeof tableId !== 'string' || tableId === '' || typeof columnId !== 'string' || columnId === '') {
		throw new RequestFailure(`Tulip's answer for table link ${tableLinkIdValue} names no left table and column`, {
			outcome: 'not-sent',
			description: 'Expected leftTableId and leftTableColumnId in the answer of GET /tableLinks/{id}; nothing was read or changed for this record.',
		});
	}
	return { tableId, columnId };
}

/** The right record IDs in the left record's link column: absent, null and [] all mean none. */
function rightRecordsIn(body: unknown, column: string): string[] {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		throw new RequestFailure('Tulip\'s answer for the record is not a record', {
			outcome: 'not-sent',
			description: 'Nothing was changed for this record.',
		});
	}
	const value = (body as IDataObject)[column];
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) {
		throw new RequestFailure(`Tulip's answer for the record holds no list of linked records in column ${column}`, {
			outcome: 'not-sent',
			description: 'A linked-record column is a list of record IDs; nothing was changed for this record.',
		});
	}
	return [...new Set(value.filter((entry): entry is string => typeof entry === 'string' && entry !== ''))];
}

export function recordRead<Params extends RecordParams>(): LinkRead<Params> {
	return {
		// One record holds all its links: one request, never a next page.
		pageSize: 10_000,
		prepare: async (params, lookup) => ({ ...params, left: await leftEndOf(params.tableLinkId, lookup) }),
		rateScope: (params) => params.left?.tableId ?? '',
		request: (params) => ({
			method: 'GET',
			path: `/tables/${encodeURIComponent(params.left!.tableId)}/records/${encodeURIComponent(params.leftRecord)}`,
			qs: { fields: JSON.stringify([params.left!.columnId]) },
		}),
		page: (response, params) => ({
			links: rightRecordsIn(response.body, params.left!.columnId).map((rightRecord) => ({ rightRecord })),
		}),
	};
}
