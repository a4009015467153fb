import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Vendor, VendorErrorText } from '@record-links/engine';

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

/**
 * The instance's API root (the node's and the credential test's): `<instance>/api/v3`, plus
 * `/w/<workspace>` for account-level keys. A pasted URL with or without a trailing slash, `/api/v3`
 * or `/api/v3/w/<workspace>` gives the same root.
 */
export function tulipApiRoot({ instanceUrl, workspaceId }: ICredentialDataDecryptedObject): string {
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

/** A table link ID: letters, digits and "_" (what the node sends in the URL path and offers in its picker). */
export const TABLE_LINK_ID = '[a-zA-Z0-9_]+';

export const tulip: Vendor = {
	displayName: 'Tulip',
	credentialType: 'recordLinksTulipApi',
	baseUrl: tulipApiRoot,
	describeError,
	// Links answer 204 without a body: an empty success is normal (an HTML page is not).
	successBody: 'ignored',
	// Writes are paced to 10 per second per table link; a few requests in flight keep up with that
	// even at a few hundred milliseconds per answer without piling into the limit.
	defaultConcurrency: 5,
	defaultRatePerSecond: 10,
	// Record reads: 50 per second per table (Get Links and Set Links read the left record).
	defaultReadRatePerSecond: 50,
};
