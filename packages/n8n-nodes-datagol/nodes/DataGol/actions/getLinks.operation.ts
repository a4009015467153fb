/**
 * Get Links reads one record's links in one link column: GET …/tables/{workbookId}/{linkColumnId}/linkData?id=
 * (all rows in one answer). A read, so idempotent.
 */
import type { GetLinksOperation } from '@record-links/engine';
import { optionsCollection, readFields } from '@record-links/engine';
import { dataGol } from '../vendor';
import type { RecordParams } from './fields';
import { linkColumnField, linkDataRead, recordIdentity, recordSchema, rowIdOf, sourceRecordField, workbookField, workspaceField } from './fields';

export const getLinks: GetLinksOperation<RecordParams> = {
	kind: 'read',
	name: 'getLinks',
	label: 'Get Links',
	description: 'List the records linked to a source record through a LINK column',
	action: 'Get the links of a record',
	properties: [workspaceField, workbookField, linkColumnField, sourceRecordField, ...readFields, optionsCollection(dataGol)],
	schema: recordSchema,
	read: linkDataRead(),
	toOutput: (row, params) => ({
		...recordIdentity(params),
		destinationRecordId: rowIdOf(row),
		cellValues: row.cellValues ?? {},
	}),
};
