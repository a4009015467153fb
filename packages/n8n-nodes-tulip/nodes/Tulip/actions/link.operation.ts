/**
 * Link: PUT /tableLinks/{tableLinkId}/link { leftRecord, rightRecord } → 204; built by
 * tableLinkOperation (./fields), as Unlink is. Idempotent: an "already linked" answer is a success
 * with `alreadyLinked`.
 */
import { tableLinkOperation } from './fields';

export const link = tableLinkOperation('link', {
	label: 'Link',
	description: 'Link a record of the left table to a record of the right table',
	action: 'Link two records',
});
