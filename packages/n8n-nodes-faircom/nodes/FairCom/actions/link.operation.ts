/**
 * Link Labels to Records: FairCom's linkLabelsToRecords (api db), POST to the one JSON action
 * endpoint; built by labelOperation (./fields), as Unlink is. Atomic and idempotent: re-linking
 * succeeds with a warning.
 */
import { labelOperation } from './fields';

export const link = labelOperation('link', {
	label: 'Link Labels to Records',
	description: 'Link labels to records of a table (linkLabelsToRecords); already linked pairs give a warning',
	action: 'Link labels to records',
});
