/**
 * Unlink: PUT /tableLinks/{tableLinkId}/unlink { leftRecord, rightRecord } → 204; built by
 * tableLinkOperation (./fields), as Link is. Idempotent: a "not linked" answer is a success with
 * `alreadyUnlinked`.
 */
import { tableLinkOperation } from './fields';

export const unlink = tableLinkOperation('unlink', {
	label: 'Unlink',
	description: 'Remove the link between two records',
	action: 'Unlink two records',
});
