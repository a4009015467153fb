import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Vendor, VendorErrorText } from '@record-links/engine';

/** DevRev's error body: `{ type, message?, detail?, … }`. */
function describeError(_statusCode: number, body: unknown): VendorErrorText | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { type, message, detail, reference_id: referenceId } = body as IDataObject;
	if (typeof type !== 'string' && typeof message !== 'string') return undefined;
	const notes = [
		typeof type === 'string' ? `DevRev error type: ${type}` : undefined,
		typeof detail === 'string' && detail !== message ? detail : undefined,
		typeof referenceId === 'string' ? `reference id ${referenceId} (quote it to DevRev support)` : undefined,
	].filter(Boolean);
	return {
		message: typeof message === 'string' && message !== '' ? message : String(type),
		description: notes.length ? notes.join('; ') : undefined,
	};
}

export const devRev: Vendor = {
	displayName: 'DevRev',
	credentialType: 'recordLinksDevRevApi',
	baseUrl: devRevApiRoot,
	describeError,
	defaultConcurrency: 8,
};

/** The API root without a trailing slash (the node's and the credential test's). */
export function devRevApiRoot(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.baseUrl ?? 'https://api.devrev.ai').trim().replace(/\/+$/, '');
}
