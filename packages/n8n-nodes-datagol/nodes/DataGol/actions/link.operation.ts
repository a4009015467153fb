/**
 * Link: POST /noCo/api/v2/workspaces/{workspaceId}/tables/{workbookId}/linkRecordV2 with an array of
 * pairs, one request per table (up to Batch Size); built by pairOperation (./fields), as Unlink is.
 * Idempotent: an "already linked" answer is a success with `alreadyLinked`.
 */
import { pairOperation } from './fields';

export const link = pairOperation('link', {
	label: 'Link',
	description: 'Link a source record to a destination record through a LINK column',
	action: 'Link two records',
});
