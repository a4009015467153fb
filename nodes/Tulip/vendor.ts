import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { FailureInfo, Vendor, VendorErrorText, VendorRequest } from '../engine';
import { saysNoChangeNeeded } from '../engine';
import { pathSegment, requiredText } from '../engine/validation';

/**
 * Tulip's error body: `{ errorCode, errorUniqueID, details }`. The errorUniqueID goes into the
 * message itself: it is what Tulip support asks for.
 */
function describeError(_statusCode: number, body: unknown): VendorErrorText | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const { errorCode, errorUniqueID, details } = body as IDataObject;
	const code = typeof errorCode === 'string' && errorCode !== '' ? errorCode : undefined;
	const id = typeof errorUniqueID === 'string' && errorUniqueID !== '' ? errorUniqueID : undefined;
	const text = typeof details === 'string' && details.trim() !== '' ? details.trim() : undefined;
	if (!code && !id && !text) return undefined;
	const message = [text ?? code, text && code ? `(${code})` : undefined, id ? `[error ID ${id}]` : undefined]
		.filter(Boolean)
		.join(' ');
	return {
		message,
		description: id ? `Quote error ID ${id} to Tulip support if you ask them about this error.` : undefined,
	};
}

/** The instance's API root: `<instance>/api/v3`, plus `/w/<workspace>` for account-level keys. */
export function tulipApiRoot(instanceUrl: unknown, workspaceId: unknown): string {
	const pasted = typeof instanceUrl === 'string' ? instanceUrl.trim() : '';
	const trimmed = pasted.replace(/\/+$/, '');
	const root = trimmed.replace(/\/api\/v3(\/.*)?$/i, '');
	const scheme = /^https?:\/\//i.test(root) ? '' : 'https://';
	const workspace = typeof workspaceId === 'string' ? workspaceId.trim() : '';
	// A URL pasted with its workspace (…/api/v3/w/DEFAULT) keeps it, unless the workspace field says otherwise.
	const fromUrl = /\/api\/v3\/w\/([^/?#]+)/i.exec(trimmed)?.[1];
	const workspacePath = workspace ? `/w/${encodeURIComponent(workspace)}` : fromUrl ? `/w/${fromUrl}` : '';
	return `${scheme}${root}/api/v3${workspacePath}`;
}

export const tulip: Vendor = {
	displayName: 'Tulip',
	credentialType: 'recordLinksTulipApi',
	baseUrl: (credentials) => tulipApiRoot(credentials.instanceUrl, credentials.workspaceId),
	describeError,
	// Links answer 204 without a body: an empty success is normal (an HTML page is not).
	successBody: 'ignored',
	// Writes are paced to 10 per second per table link; a few requests in flight keep up with that
	// even at a few hundred milliseconds per answer without piling into the limit.
	defaultConcurrency: 5,
	defaultRatePerSecond: 10,
};

/** A record ID: Tulip IDs are text; a number from an expression is taken as its text. */
const recordId = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), requiredText(512));

export const linkSchema = z.object({
	tableLinkId: pathSegment(/^[a-zA-Z0-9_]+$/, 'letters, digits and "_"'),
	leftRecord: recordId,
	rightRecord: recordId,
});

export type LinkParams = z.infer<typeof linkSchema>;

export function linkProperties(operation: 'link' | 'unlink'): INodeProperties[] {
	const displayOptions = { show: { operation: [operation] } };
	return [
		{
			displayName: 'Table Link ID',
			name: 'tableLinkId',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			displayOptions,
			description:
				'The link between two Tulip tables: pick a linked-record column ("Table › Column"), or enter its table link ID (letters, digits and "_")',
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a linked-record column...',
					typeOptions: { searchListMethod: 'searchTableLinks', searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'g56RCoZCtzv7borvp',
					validation: [
						{
							type: 'regex',
							properties: { regex: '\\s*[a-zA-Z0-9_]+\\s*', errorMessage: 'A table link ID has only letters, digits and "_"' },
						},
					],
				},
			],
		},
		{
			displayName: 'Left Record',
			name: 'leftRecord',
			type: 'string',
			required: true,
			default: '',
			displayOptions,
			description: 'ID of the record in the left table of the table link',
		},
		{
			displayName: 'Right Record',
			name: 'rightRecord',
			type: 'string',
			required: true,
			default: '',
			displayOptions,
			description: 'ID of the record in the right table of the table link',
		},
	];
}

export function linkRequest(operation: 'link' | 'unlink', params: LinkParams): VendorRequest {
	return {
		method: 'PUT',
		path: `/tableLinks/${encodeURIComponent(params.tableLinkId)}/${operation}`,
		body: { leftRecord: params.leftRecord, rightRecord: params.rightRecord },
	};
}

/** Tulip answers 204 without a body, so the output item says what was done. */
export function describeLink(operation: 'link' | 'unlink', params: LinkParams): IDataObject {
	return {
		operation,
		tableLinkId: params.tableLinkId,
		leftRecord: params.leftRecord,
		rightRecord: params.rightRecord,
		[operation === 'link' ? 'linked' : 'unlinked']: true,
	};
}

/** An "already linked" / "not linked" refusal is a success with a note (see saysNoChangeNeeded). */
export function recoverNoChange(operation: 'link' | 'unlink', failure: FailureInfo, params: LinkParams) {
	if (!saysNoChangeNeeded(operation, failure)) return undefined;
	return [{ ...describeLink(operation, params), [operation === 'link' ? 'alreadyLinked' : 'alreadyUnlinked']: true }];
}
