import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { FailureInfo, Vendor, VendorErrorText, VendorRequest } from '../engine';
import { isObject, RequestFailure, saysNoChangeNeeded, VendorReportedError } from '../engine';
import { uuid } from '../engine/validation';

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
	throw new VendorReportedError(
		`DataGOL refused the request: ${text?.message ?? 'no details given'}`,
		text?.description,
		(vendorCode as string | number | undefined) ?? 'success: false',
	);
}

export const dataGol: Vendor = {
	displayName: 'DataGOL',
	credentialType: 'recordLinksDataGolApi',
	baseUrl: (credentials) => normaliseBaseUrl(credentials.baseUrl),
	describeError,
	checkSuccessBody,
	// "200 = linked; body undocumented": an empty or plain-text 200 is a success (an HTML page is not).
	successBody: 'ignored',
	// Each request carries up to Batch Size pairs, so a few requests in flight are plenty.
	defaultConcurrency: 4,
	defaultBatchSize: 100,
};

/** The API root without a trailing slash or a pasted `/noCo/api/v2` suffix. */
function normaliseBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '').replace(/\/noCo(\/api(\/v2)?)?$/i, '');
}

/** A UUID (workspace, workbook, link column). */
const uuidSchema = uuid();

/**
 * A record (row) id: a non-negative whole number. Expressions often hand over text ("42"), which is
 * accepted; "1.5", "-1", "abc" are not.
 */
const recordIdSchema = z.preprocess(
	(value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
	z
		.number({
			invalid_type_error: 'must be a non-negative whole number (a row ID)',
		})
		.int('must be a non-negative whole number (a row ID)')
		.min(0, 'must be a non-negative whole number (a row ID)')
		.max(Number.MAX_SAFE_INTEGER, 'is too large for a row ID'),
);

export const pairSchema = z.object({
	workspaceId: uuidSchema,
	workbookId: uuidSchema,
	linkColumnId: uuidSchema,
	sourceRecordId: recordIdSchema,
	destinationRecordId: recordIdSchema,
});

export type Pair = z.infer<typeof pairSchema>;

/** Items for the same workspace and workbook (table) share one request; UUIDs compare case-blind. */
export function tableKey(pair: Pair): string {
	return `${pair.workspaceId.toLowerCase()}/${pair.workbookId.toLowerCase()}`;
}

/** One request for a group of pairs of the same table: Link is POST, Unlink DELETE, same array body. */
export function pairsRequest(method: 'POST' | 'DELETE', pairs: Pair[]): VendorRequest {
	const [first] = pairs;
	return {
		method,
		path: `/noCo/api/v2/workspaces/${encodeURIComponent(first.workspaceId)}/tables/${encodeURIComponent(first.workbookId)}/linkRecordV2`,
		body: pairs.map((pair) => ({
			sourceRecordId: pair.sourceRecordId,
			destinationRecordId: pair.destinationRecordId,
			linkColumnId: pair.linkColumnId,
		})),
	};
}

/** What the output item says about a pair. */
export function describePair(operation: 'link' | 'unlink', pair: Pair): IDataObject {
	return {
		operation,
		workspaceId: pair.workspaceId,
		workbookId: pair.workbookId,
		linkColumnId: pair.linkColumnId,
		sourceRecordId: pair.sourceRecordId,
		destinationRecordId: pair.destinationRecordId,
	};
}

/**
 * Recovers from an "already linked" (Link) or "not linked" (Unlink) refusal. A one-pair request
 * is a success with a note. A refused batch may have been refused as a whole because of one pair,
 * so its pairs are re-sent one by one: each is then either done or a no-change answer. Any other
 * failure of a re-sent pair fails the whole batch (none is reported done that was not).
 */
export async function recoverNoChange(
	operation: 'link' | 'unlink',
	failure: FailureInfo,
	pairs: Pair[],
	send: (request: VendorRequest) => Promise<unknown>,
): Promise<IDataObject[] | undefined> {
	if (!saysNoChangeNeeded(operation, failure)) return undefined;
	const done = operation === 'link' ? 'linked' : 'unlinked';
	const note = operation === 'link' ? 'alreadyLinked' : 'alreadyUnlinked';
	if (pairs.length === 1) return [{ ...describePair(operation, pairs[0]), [done]: true, [note]: true }];
	const outputs: IDataObject[] = [];
	for (const pair of pairs) {
		const failed = await send(pairsRequest(operation === 'link' ? 'POST' : 'DELETE', [pair])).then(
			() => undefined,
			(error: unknown) => error ?? new Error('unknown failure'),
		);
		const noChange =
			failed instanceof RequestFailure &&
			saysNoChangeNeeded(operation, {
				message: failed.message,
				statusCode: failed.details.statusCode,
				body: failed.details.body,
				afterUncertainAttempt: failed.afterUncertainAttempt,
			});
		// The engine turns this failure (a RequestFailure from the transport) into the batch's error.
		if (failed !== undefined && !noChange) throw failed;
		outputs.push({ ...describePair(operation, pair), [done]: true, ...(noChange ? { [note]: true } : {}) });
	}
	return outputs;
}
