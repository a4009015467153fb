/**
 * Unlink: DELETE /noCo/api/v2/workspaces/{workspaceId}/tables/{workbookId}/linkRecordV2 with the
 * same body as Link, one request per table (up to Batch Size); built by pairOperation (./fields), as
 * Link is. Idempotent: a "not linked" answer is a success with `alreadyUnlinked`.
 */
import { pairOperation } from './fields';

export const unlink = pairOperation('unlink', {
	label: 'Unlink',
	description: 'Remove the link between a source record and a destination record',
	action: 'Unlink two records',
});
