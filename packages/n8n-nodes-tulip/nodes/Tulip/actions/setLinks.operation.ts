/**
 * Set Links: reads the left record's linked-record column as Get Links does (GET /tableLinks/{id},
 * then GET /tables/{leftTableId}/records/{leftRecord}), then sends only the differences, one pair
 * each, through Unlink and Link (PUT /tableLinks/{tableLinkId}/unlink and …/link): idempotent.
 */
import { z } from 'zod';

import type { SetLinksOperation } from '@record-links/engine';
import { optionsCollection, reconcileOptionFields, requiredText, textList } from '@record-links/engine';
import { tulip } from '../vendor';
import type { LeftEnd, LinkParams } from './fields';
import { leftRecordProperty, recordId, recordRead, tableLinkId, tableLinkProperty } from './fields';
import { link } from './link.operation';
import { unlink } from './unlink.operation';

const setLinksSchema = z.object({ tableLinkId, leftRecord: recordId, rightRecords: textList(requiredText(512)) });

type SetLinksParams = z.infer<typeof setLinksSchema> & { left?: LeftEnd };

const pairOf = (params: SetLinksParams, rightRecord: string): LinkParams => ({
	tableLinkId: params.tableLinkId,
	leftRecord: params.leftRecord,
	rightRecord,
});

export const setLinks: SetLinksOperation<SetLinksParams, LinkParams, LinkParams> = {
	kind: 'reconcile',
	name: 'setLinks',
	label: 'Set Links',
	description: 'Make the records a left record is linked to through one table link equal to a list: link what is missing, unlink what is extra',
	action: 'Set the links of a record',
	properties: [
		tableLinkProperty,
		leftRecordProperty,
		{
			displayName: 'Right Records',
			name: 'rightRecords',
			type: 'string',
			default: '',
			placeholder: 'part-1, part-2',
			description:
				'Every record of the right table the left record must be linked to through this table link (IDs, comma-separated, or an array from an expression). Links to any other right record are removed; other table links are never touched.',
		},
		optionsCollection(tulip, { extra: reconcileOptionFields }),
	],
	schema: setLinksSchema,
	read: recordRead<SetLinksParams>(),
	keyOf: (found) => String(found.rightRecord),
	wanted: (params) => params.rightRecords,
	wantedField: 'rightRecords',
	additions: (params, keys) => keys.map((key) => ({ keys: [key], params: pairOf(params, key) })),
	removals: (params, found) => found.map(({ key }) => ({ keys: [key], params: pairOf(params, key) })),
	link,
	unlink,
	describe: (keys) => keys,
	identity: (params) => ({ tableLinkId: params.tableLinkId, leftRecord: params.leftRecord }),
};
