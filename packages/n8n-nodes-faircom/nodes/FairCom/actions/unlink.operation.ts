/**
 * Unlink Labels From Records: FairCom's unlinkLabelsFromRecords (api db), POST to the one JSON
 * action endpoint; built by labelOperation (./fields), as Link is. Atomic and idempotent: unlinking
 * what is not linked is no error.
 */
import { labelOperation } from './fields';

export const unlink = labelOperation('unlink', {
	label: 'Unlink Labels From Records',
	description: 'Remove labels from records of a table (unlinkLabelsFromRecords); pairs not linked are no error',
	action: 'Unlink labels from records',
});
