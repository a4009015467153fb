/**
 * Set Links: GET …/tables/{workbookId}/{linkColumnId}/linkData?id= (as Get Links), then DELETE and
 * POST …/linkRecordV2 (as Unlink and Link); idempotent, as they are.
 *
 * Set Links reads the same, then sends only the differences through Unlink
 * and Link, so the changes of many records of the same table travel in one DELETE and one POST.
 */
import type { z } from 'zod';

import type { SetLinksOperation } from '@record-links/engine';
import { optionsCollection, reconcileOptionFields, textList } from '@record-links/engine';
import { dataGol } from '../vendor';
import type { Pair } from './fields';
import { linkColumnField, linkDataRead, recordIdentity, recordIdSchema, recordSchema, rowIdOf, sourceRecordField, workbookField, workspaceField } from './fields';
import { link } from './link.operation';
import { unlink } from './unlink.operation';

const setLinksSchema = recordSchema.extend({ destinationRecordIds: textList(recordIdSchema) });

type SetLinksParams = z.infer<typeof setLinksSchema>;

export const setLinks: SetLinksOperation<SetLinksParams, Pair, Pair> = {
	kind: 'reconcile',
	name: 'setLinks',
	label: 'Set Links',
	description:
		'Make the records linked to a source record through one LINK column equal to a list: link what is missing, unlink what is extra',
	action: 'Set the links of a record',
	properties: [
		workspaceField,
		workbookField,
		linkColumnField,
		sourceRecordField,
		{
			displayName: 'Destination Record IDs',
			name: 'destinationRecordIds',
			type: 'string',
			default: '',
			placeholder: '12, 15, 31',
			description:
				'Row IDs of every record in the linked table that the source record must be linked to through this column (comma-separated, or an array from an expression). Links in this column to any other record are removed; other link columns are left as they are.',
		},
		optionsCollection(dataGol, { batching: true, extra: reconcileOptionFields }),
	],
	schema: setLinksSchema,
	read: linkDataRead(),
	keyOf: (row) => String(rowIdOf(row)),
	wanted: (params) => params.destinationRecordIds.map(String),
	wantedField: 'destinationRecordIds',
	additions: (params, keys) => keys.map((key) => ({ keys: [key], params: pairOf(params, Number(key)) })),
	removals: (params, rows) => rows.map(({ key }) => ({ keys: [key], params: pairOf(params, Number(key)) })),
	link,
	unlink,
	describe: (keys) => keys.map(Number),
	identity: recordIdentity,
};

/** The Link or Unlink pair of a Set Links record and one linked row. */
function pairOf(params: SetLinksParams, destinationRecordId: number): Pair {
	return {
		workspaceId: params.workspaceId,
		workbookId: params.workbookId,
		linkColumnId: params.linkColumnId,
		sourceRecordId: params.sourceRecordId,
		destinationRecordId,
	};
}
