import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Vendor, VendorErrorText } from '@record-links/engine';
import { isObject, RequestFailure } from '@record-links/engine';

const DEFAULT_BASE_URL = 'https://be.datagol.ai';

/** A text from a field DataGOL's server types as a Java Object: a string, or an object with a message. */
function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (isObject(value) && typeof value.message === 'string') return value.message.trim() || undefined;
	return undefined;
}

/**
 * DataGOL's error envelope (test/contracts/datagol.contract.json, "error-envelope"):
 * `{ success: false, error: { statusCode, requestId, message, details, errorCodes } }`; a 400 may be a
 * plain object instead (`{ message }`, or a Spring error `{ status, error, message, path }`).
 */
function describeError(_statusCode: number, body: unknown): VendorErrorText | undefined {
	if (!isObject(body)) return undefined;
	const nested = isObject(body.error) ? body.error : undefined;
	const texts = [nested?.message, body.message, body.errorMessage, body.detail, nested?.details, typeof body.error === 'string' ? body.error : undefined]
		.map(textOf)
		.filter((text): text is string => text !== undefined);
	const codes = Array.isArray(nested?.errorCodes) ? nested.errorCodes.filter((code) => typeof code === 'string' && code !== '') : [];
	const requestId = typeof nested?.requestId === 'string' && nested.requestId !== '' ? nested.requestId : undefined;
	if (texts.length === 0 && codes.length === 0) return undefined;
	const [first = `DataGOL error ${codes.join(', ')}`, ...rest] = texts;
	const notes = [
		...new Set(rest.filter((text) => text !== first)),
		...(codes.length > 0 && texts.length > 0 ? [`DataGOL error code ${codes.join(', ')}`] : []),
		...(requestId ? [`request ID ${requestId} (quote it to DataGOL support)`] : []),
	];
	return { message: first, description: notes.length ? notes.join('; ') : undefined };
}

/** A 2xx body that says the call failed (`{ success: false, … }`): nothing may be reported linked. */
function checkSuccessBody(body: unknown): void {
	if (!isObject(body) || body.success !== false) return;
	const text = describeError(200, body);
	const nested = isObject(body.error) ? body.error : undefined;
	const vendorCode = [nested?.errorCodes instanceof Array ? nested.errorCodes[0] : undefined, nested?.statusCode, body.errorCode, body.code].find(
		(value) => typeof value === 'string' || typeof value === 'number',
	);
	// A vendor code marks a definite refusal: the engine does not retry it.
	throw new RequestFailure(`DataGOL refused the request: ${text?.message ?? 'no details given'}`, {
		outcome: 'refused',
		description: text?.description,
		vendorCode: (vendorCode as string | number | undefined) ?? 'success: false',
	});
}

export const dataGol: Vendor = {
	displayName: 'DataGOL',
	credentialType: 'recordLinksDataGolApi',
	baseUrl: dataGolApiRoot,
	describeError,
	checkSuccessBody,
	// "200 = linked; body undocumented": an empty or plain-text 200 is a success (an HTML page is not).
	successBody: 'ignored',
	// Each request carries up to Batch Size pairs, so a few requests in flight are plenty: 1,000
	// pairs go as 4 requests of 250 (about 25 KB of JSON each; DataGOL states no limit), all in
	// Auto's first round.
	defaultConcurrency: 4,
	defaultBatchSize: 250,
};

/** The API root without a trailing slash or a pasted `/noCo/api/v2` suffix (the node's and the credential test's). */
export function dataGolApiRoot(credentials: ICredentialDataDecryptedObject): string {
	const value = credentials.baseUrl;
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '').replace(/\/noCo(\/api(\/v2)?)?$/i, '');
}
