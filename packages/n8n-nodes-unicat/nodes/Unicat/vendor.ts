import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { isUuid, RequestFailure, type Vendor, type VendorErrorText } from '@record-links/engine';

/** Unicat's application error codes, all sent as HTTP 422. */
const APP_ERRORS: Record<number, string> = {
	1000: 'Unexpected error',
	1001: 'Validation error',
	1002: 'Search error',
	1003: 'Process error',
	1004: 'Invite invalid',
	1005: 'Excel worksheet invalid',
	1006: 'Bulk selection error',
};

const STATUS_HINTS: Record<number, string> = {
	400: 'Unicat found a parameter missing or of the wrong type or value.',
	401: 'Unicat did not accept the JWT, also after logging in again: check the API key (or the pasted JWT) and the Project GID in the credential.',
	403: 'The API user is unknown or not a member of this project: check the Project GID and the API key in the credential.',
	422: 'A record this item names does not exist in the project: for Link the parent (which must exist), the record or the before record; for Unlink the record.',
	500: 'Unicat had an internal error.',
};

function summarizeInfo(info: unknown): string | undefined {
	if (info === undefined || info === null) return undefined;
	if (typeof info === 'object' && Object.keys(info).length === 0) return undefined;
	const text = typeof info === 'string' ? info : JSON.stringify(info);
	return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

/** Unicat's error body: `{ success: false, result: { code, message, info }, data: {} }`. */
function describeError(statusCode: number, body: unknown): VendorErrorText | undefined {
	const result = (body as { result?: unknown } | undefined)?.result;
	if (!result || typeof result !== 'object') return undefined;
	const { code, message, info } = result as IDataObject;
	if (typeof code !== 'number' && typeof message !== 'string') return undefined;
	const appError = typeof code === 'number' ? APP_ERRORS[code] : undefined;
	const text = typeof message === 'string' && message !== '' ? message : (appError ?? `error ${String(code)}`);
	const notes = [
		appError ? `Unicat error ${String(code)} (${appError}).` : STATUS_HINTS[statusCode],
		summarizeInfo(info) ? `Details: ${summarizeInfo(info)}` : undefined,
	].filter(Boolean);
	return { message: text, description: notes.length ? notes.join(' ') : undefined };
}

/** A 2xx answer that still says `success: false` is a failure too (defensive: Unicat uses HTTP codes). */
function checkSuccessBody(body: unknown): void {
	if (!body || typeof body !== 'object' || (body as IDataObject).success !== false) return;
	const text = describeError(422, body);
	const code = ((body as IDataObject).result as IDataObject | undefined)?.code;
	throw new RequestFailure(`Unicat reported a failure: ${text?.message ?? 'no details given'}`, {
		outcome: 'refused',
		description: text?.description,
		vendorCode: typeof code === 'number' || typeof code === 'string' ? code : 'unknown',
	});
}

export const unicat: Vendor = {
	displayName: 'Unicat',
	credentialType: 'recordLinksUnicatApi',
	baseUrl: unicatApiRoot,
	describeError,
	checkSuccessBody,
	// A 401 means the JWT expired: n8n logs in again (the credential's preAuthentication) and repeats
	// the request once. Unicat refused the first attempt, so repeating even a Link is safe.
	loginExpiresWith401: true,
	// One request at a time, Auto included: copies land under their parent in item order, and the
	// first request's login is reused by every later one (n8n stores the JWT in the credential).
	defaultConcurrency: 1,
	maxConcurrency: 1,
};

/**
 * The project's API root, `<server>/api/p/<project GID>` (the node's, the login's and the credential
 * test's). A Project GID that is not a GID is the credential's error, before anything is sent.
 */
export function unicatApiRoot(credentials: ICredentialDataDecryptedObject): string {
	const server = String(credentials.baseUrl ?? 'https://unicat.app').trim().replace(/\/+$/, '');
	const project = String(credentials.projectGid ?? '').trim();
	if (!isUuid(project)) {
		throw new Error('The Project GID in the Unicat credential must be a GID such as 84a1b5e4-fb5d-4ad6-a497-a3cf7eaf29b1');
	}
	return `${server}/api/p/${project.toLowerCase()}`;
}
