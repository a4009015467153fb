/**
 * Get Links: GET /tableLinks/{tableLinkId} (the left table and column, once per execution), then
 * GET /tables/{leftTableId}/records/{leftRecord}?fields=["<column>"]: one request per record, no
 * next page (recordRead, ./fields). A read, so idempotent.
 */
import { z } from 'zod';

import type { GetLinksOperation } from '@record-links/engine';
import { optionsCollection, readFields } from '@record-links/engine';
import { tulip } from '../vendor';
import type { LeftEnd } from './fields';
import { leftRecordProperty, recordId, recordRead, tableLinkId, tableLinkProperty } from './fields';

const getLinksSchema = z.object({ tableLinkId, leftRecord: recordId });

type GetLinksParams = z.infer<typeof getLinksSchema> & { left?: LeftEnd };

export const getLinks: GetLinksOperation<GetLinksParams> = {
	kind: 'read',
	name: 'getLinks',
	label: 'Get Links',
	description: 'List the records of the right table that a left record is linked to',
	action: 'Get the links of a record',
	properties: [tableLinkProperty, leftRecordProperty, ...readFields, optionsCollection(tulip)],
	schema: getLinksSchema,
	read: recordRead<GetLinksParams>(),
	toOutput: (found, params) => ({ tableLinkId: params.tableLinkId, leftRecord: params.leftRecord, rightRecord: found.rightRecord }),
};
