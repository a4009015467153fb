import { isCertificateError, type RequestFailure } from './failure';

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** Longest Retry-After the engine waits out; a vendor asking for more gets a clear error instead. */
export const MAX_RETRY_AFTER_MS = 120_000;
/**
 * How long one request keeps waiting out 429s. A 429 proves the vendor did nothing, so rate limits
 * do not use up Max Retries: many executions sharing one limit (queue-mode workers) take turns.
 */
export const RATE_LIMIT_PATIENCE_MS = 600_000;

function backoffMs(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * How long to wait before retrying, or undefined when the failure must not be retried: a
 * non-idempotent request is retried only when the vendor certainly did not act on it.
 */
export function retryDelayMs(failure: RequestFailure, attempt: number, idempotent: boolean): number | undefined {
	const { statusCode, retryAfterMs: retryAfter, outcome, cancelled } = failure;
	if (cancelled) return undefined;
	if (statusCode === 429) return retryAfter ?? backoffMs(attempt);
	if (statusCode !== undefined) {
		return RETRYABLE_STATUS.has(statusCode) && idempotent ? (retryAfter ?? backoffMs(attempt)) : undefined;
	}
	if (failure.vendorCode !== undefined) return undefined;
	// A rejected certificate is rejected again on every try.
	if (isCertificateError(failure.networkCode)) return undefined;
	if (outcome === 'not-sent' || idempotent) return backoffMs(attempt);
	return undefined;
}
