import type { IDataObject } from 'n8n-workflow';

/**
 * Whether the vendor may have acted on a request that failed: the one question retries, recovery
 * and the user's error message all ask.
 * - `not-sent`: it certainly did not act (the request never left, or nothing needed sending);
 * - `refused`: it answered and refused (4xx, 3xx, its own error code, a 429), and no earlier
 *   attempt may have acted;
 * - `unknown`: it may have acted (no answer, a 5xx, an unreadable answer, or an earlier attempt
 *   of the same request that was lost in transit).
 */
export type FailureOutcome = 'not-sent' | 'refused' | 'unknown';

export interface FailureFields {
	outcome: FailureOutcome;
	description?: string;
	statusCode?: number;
	networkCode?: string;
	retryAfterMs?: number;
	/** The vendor's own error code (FairCom's errorCode, DataGOL's error code). */
	vendorCode?: number | string;
	/** The vendor's error body: read by operations, never shown as is. */
	body?: unknown;
	cancelled?: boolean;
	/** What an item had done before this failure (Set Links: `{ added, removed }`), shown on its error. */
	done?: IDataObject;
}

/**
 * Why a request failed, stripped of anything that could carry a secret (headers, request config).
 * Immutable: a changed view of a failure is a new one (`with`).
 */
export class RequestFailure extends Error {
	readonly outcome: FailureOutcome;
	readonly description?: string;
	readonly statusCode?: number;
	readonly networkCode?: string;
	readonly retryAfterMs?: number;
	readonly vendorCode?: number | string;
	readonly body?: unknown;
	readonly cancelled?: boolean;
	readonly done?: IDataObject;

	constructor(message: string, fields: FailureFields) {
		super(message);
		this.outcome = fields.outcome;
		this.description = fields.description;
		this.statusCode = fields.statusCode;
		this.networkCode = fields.networkCode;
		this.retryAfterMs = fields.retryAfterMs;
		this.vendorCode = fields.vendorCode;
		this.body = fields.body;
		this.cancelled = fields.cancelled;
		this.done = fields.done;
		Object.freeze(this);
	}

	/** The same failure with some fields (or the message) changed. */
	with(changes: Partial<FailureFields> & { message?: string }): RequestFailure {
		const { message = this.message, ...fields } = changes;
		return new RequestFailure(message, {
			outcome: this.outcome,
			description: this.description,
			statusCode: this.statusCode,
			networkCode: this.networkCode,
			retryAfterMs: this.retryAfterMs,
			vendorCode: this.vendorCode,
			body: this.body,
			cancelled: this.cancelled,
			done: this.done,
			...fields,
		});
	}
}

/** Reads Retry-After (seconds or an HTTP date) or a body `retry_after` (seconds). */
export function retryAfterMs(headers: Record<string, unknown> | undefined, body: unknown): number | undefined {
	const header = headers?.['retry-after'];
	if (typeof header === 'string' && header.trim() !== '') {
		const seconds = Number(header);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(header);
		if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
	}
	const fromBody = (body as { retry_after?: unknown } | undefined)?.retry_after;
	if (typeof fromBody === 'number' && Number.isFinite(fromBody)) return Math.max(0, fromBody * 1000);
	return undefined;
}

export function isCertificateError(code: string | undefined): boolean {
	return code !== undefined && /CERT|SSL|TLS/.test(code);
}
