import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '../engine';
import { doneFields, optionsCollection, pickerModes, saysNoChangeNeeded } from '../engine';
import { pathSegment, requiredText } from '../engine/validation';
import { TABLE_LINK_ID, tulip } from './vendor';

/**
 * Link: PUT /tableLinks/{tableLinkId}/link { leftRecord, rightRecord } → 204; Unlink: the same on
 * …/unlink.
 *
 * Both are idempotent: a link is a state (the two records are linked or not) and the call is a
 * PUT, so sending it again leaves the same state; an "already linked" ("not linked") answer is a
 * success with `alreadyLinked` (`alreadyUnlinked`), see `recover`. Paced per table link (Tulip: 10
 * writes/s per table).
 */

type OperationName = 'link' | 'unlink';

const properties: INodeProperties[] = [
	{
		displayName: 'Table Link ID',
		name: 'tableLinkId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description:
			'The link between two Tulip tables: pick a linked-record column ("Table › Column"), or enter its table link ID (letters, digits and "_")',
		...pickerModes('searchTableLinks', 'Select a linked-record column...', {
			placeholder: 'g56RCoZCtzv7borvp',
			pattern: TABLE_LINK_ID,
			errorMessage: 'A table link ID has only letters, digits and "_"',
		}),
	},
	{
		displayName: 'Left Record',
		name: 'leftRecord',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the record in the left table of the table link',
	},
	{
		displayName: 'Right Record',
		name: 'rightRecord',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the record in the right table of the table link',
	},
	optionsCollection(tulip),
];

/** A record ID: Tulip IDs are text; a number from an expression is taken as its text. */
const recordId = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), requiredText(512));

const schema = z.object({
	tableLinkId: pathSegment(new RegExp(`^${TABLE_LINK_ID}$`), 'letters, digits and "_"'),
	leftRecord: recordId,
	rightRecord: recordId,
});

type LinkParams = z.infer<typeof schema>;

/** Tulip answers 204 without a body, so the output item says what was done. */
function linkOutput(operation: OperationName, params: LinkParams, noChange = false): IDataObject {
	return {
		operation,
		tableLinkId: params.tableLinkId,
		leftRecord: params.leftRecord,
		rightRecord: params.rightRecord,
		...doneFields(operation, noChange),
	};
}

function tableLinkOperation(
	name: OperationName,
	option: Pick<LinkOperation<LinkParams>, 'label' | 'description' | 'action'>,
): LinkOperation<LinkParams> {
	return {
		name,
		...option,
		properties,
		schema,
		idempotent: true,
		// Unlink is paced like Link: it is a write to the same tables.
		rateScope: (params) => params.tableLinkId,
		buildRequest: ([params]) => ({
			method: 'PUT',
			path: `/tableLinks/${encodeURIComponent(params.tableLinkId)}/${name}`,
			body: { leftRecord: params.leftRecord, rightRecord: params.rightRecord },
		}),
		toOutput: (_response, [params]) => [linkOutput(name, params)],
		// An "already linked" / "not linked" refusal is a success with a note (see saysNoChangeNeeded).
		recover: async (failure, [params]) => (saysNoChangeNeeded(name, failure) ? [linkOutput(name, params, true)] : undefined),
	};
}

export const tulipOperations = [
	tableLinkOperation('link', {
		label: 'Link',
		description: 'Link a record of the left table to a record of the right table',
		action: 'Link two records',
	}),
	tableLinkOperation('unlink', {
		label: 'Unlink',
		description: 'Remove the link between two records',
		action: 'Unlink two records',
	}),
];
