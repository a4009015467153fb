// How a vendor's answer, or a request that got none, becomes a RequestFailure.
import { isCertificateError, RequestFailure, retryAfterMs } from './failure';
import type { Vendor, VendorErrorText, VendorResponse } from './types';

/** Network errors that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The network error code of a failed request. n8n's request helper wraps the HTTP client's error in
 * a NodeApiError that keeps the code in `httpCode` (e.g. "ECONNREFUSED") and the client's own
 * message in `messages`; a raw client error carries `code`.
 */
function networkCodeOf(error: unknown): string | undefined {
	const candidate = error as { code?: unknown; httpCode?: unknown; messages?: unknown; message?: unknown; cause?: unknown };
	for (const code of [candidate.code, candidate.httpCode, (candidate.cause as { code?: unknown } | undefined)?.code]) {
		if (typeof code === 'string' && /^[A-Z_]{4,}$/.test(code)) return code;
	}
	const text = [candidate.message, ...(Array.isArray(candidate.messages) ? candidate.messages : [])].join(' ');
	if (/socket hang up/i.test(text)) return 'ECONNRESET';
	if (/timeout of \d+ms exceeded/i.test(text)) return 'ECONNABORTED';
	return /\b(E[A-Z]{4,}|[A-Z_]*CERT[A-Z_]*)\b/.exec(text)?.[1];
}

function describeNetworkError(vendor: Vendor, code: string | undefined, timeoutMs: number): string {
	switch (code) {
		case 'ECONNREFUSED':
			return `Could not connect to ${vendor.displayName}: the connection was refused`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `Could not find ${vendor.displayName}'s server: check the URL in the credential`;
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
			return `${vendor.displayName} did not answer within ${timeoutMs} ms (Timeout option)`;
		case 'ECONNRESET':
		case 'EPIPE':
			return `The connection to ${vendor.displayName} was dropped before it answered`;
		default:
			if (isCertificateError(code)) {
				return `${vendor.displayName}'s TLS certificate was rejected (${code}): if the server uses a self-signed certificate, turn on "Ignore SSL Issues" in the credential`;
			}
			return `The request to ${vendor.displayName} failed${code ? ` (${code})` : ''}`;
	}
}

/** A failure for an HTTP error answer (status >= 400): a 5xx may hide a success, a 4xx is a refusal. */
export function httpFailure(vendor: Vendor, response: VendorResponse): RequestFailure {
	const text = vendor.describeError(response.statusCode, response.body) ?? unrecognisedAnswer(response.body);
	return new RequestFailure(`${vendor.displayName} answered ${response.statusCode}: ${text.message}`, {
		outcome: response.statusCode >= 500 ? 'unknown' : 'refused',
		description: text.description,
		statusCode: response.statusCode,
		retryAfterMs: retryAfterMs(response.headers, response.body),
		body: response.body,
	});
}

/** A 3xx answer: the URL in the credential is not the API's own (e.g. http:// where the API is https://). */
export function redirectFailure(vendor: Vendor, response: VendorResponse): RequestFailure {
	const location = response.headers?.location;
	const target = typeof location === 'string' ? location.split('?')[0] : undefined;
	return new RequestFailure(`${vendor.displayName} answered ${response.statusCode}: a redirect${target ? ` to ${target}` : ''}`, {
		outcome: 'refused',
		description: 'Redirects are not followed (a redirected call may not be the one sent). Put the address the API answers at into the credential.',
		statusCode: response.statusCode,
	});
}

/** Turns anything a request threw into a RequestFailure that carries no request details. */
export function toRequestFailure(vendor: Vendor, error: unknown, timeoutMs: number): RequestFailure {
	if (error instanceof RequestFailure) return error;
	const name = (error as { name?: unknown }).name;
	const code = networkCodeOf(error);
	if (code === 'ERR_CANCELED' || name === 'ManualExecutionCancelledError') {
		return new RequestFailure('The execution was cancelled', { outcome: 'unknown', cancelled: true });
	}
	// An HTTP status that reached us as a thrown error (n8n's own retry after re-login failed).
	const status = Number((error as { httpCode?: unknown }).httpCode);
	if (Number.isInteger(status) && status >= 400) {
		// n8n's NodeApiError keeps the answer's JSON body in `context.data` (and nothing of the request).
		const body = (error as { context?: { data?: unknown } }).context?.data;
		return httpFailure(vendor, { statusCode: status, headers: {}, body });
	}
	return new RequestFailure(describeNetworkError(vendor, code, timeoutMs), {
		outcome: code && NOT_SENT_CODES.has(code) ? 'not-sent' : 'unknown',
		networkCode: code,
	});
}

/** For error bodies that are not the vendor's own shape (an HTML page from a proxy, say). */
function unrecognisedAnswer(body: unknown): VendorErrorText {
	if (typeof body === 'string' && /^\s*</.test(body)) {
		return { message: 'an HTML page instead of an API answer', description: 'A proxy or gateway in front of the API probably answered.' };
	}
	return { message: body === undefined || body === '' ? 'no details given' : 'an answer in an unexpected format' };
}

/**
 * A 2xx answer the node cannot read: an HTML page (a proxy's, a login portal's), JSON cut short or
 * malformed (the HTTP client then hands over the raw text), or, for a vendor whose successes always
 * carry JSON, no body or plain text. Such an answer does not show whether the vendor did the work, so
 * it must never be reported as a success: its outcome is unknown, like an answer lost in transit,
 * i.e. it is retried when the operation is idempotent and reported as "may have been done" when not.
 */
export function unreadableAnswer(vendor: Vendor, response: VendorResponse): RequestFailure | undefined {
	const { statusCode, headers, body } = response;
	if (statusCode === 204) return undefined; // No Content: nothing to read, by definition
	const header = headers?.['content-type'];
	const contentType = (Array.isArray(header) ? header.join(' ') : String(header ?? '')).toLowerCase();
	const bodyIgnored = vendor.successBody === 'ignored';
	let problem: string | undefined;
	let description = 'The answer does not show whether the request was carried out.';
	if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) {
		if (!bodyIgnored) problem = 'without a body';
	} else if (typeof body === 'string') {
		if (contentType.includes('html') || /^\s*</.test(body)) {
			problem = 'with an HTML page instead of an API answer';
			description = `A proxy, gateway or login page in front of the API probably answered (or the URL in the credential is not the API's). ${description}`;
		} else if (contentType.includes('json')) {
			problem = 'with JSON that is cut short or malformed';
		} else if (!bodyIgnored) {
			problem = 'with text instead of an API answer';
		}
	}
	if (!problem) return undefined;
	return new RequestFailure(`${vendor.displayName} answered ${statusCode} ${problem}`, { outcome: 'unknown', description });
}
