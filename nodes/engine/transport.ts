import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { type Pacer, sharedPacer } from './pacer';
import { sleepWithAbort } from './sleep';
import { sessionUse, type SessionUse } from './sessions';
import type { Vendor, VendorErrorText, VendorRequest, VendorResponse } from './types';
import { VendorReportedError } from './types';

/** Network errors that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** Longest Retry-After the engine waits out; a vendor asking for more gets a clear error instead. */
const MAX_RETRY_AFTER_MS = 120_000;
/**
 * How long one request keeps waiting out 429s. A 429 proves the vendor did nothing, so rate limits
 * do not use up Max Retries: many executions sharing one limit (queue-mode workers) take turns.
 */
const RATE_LIMIT_PATIENCE_MS = 600_000;

/** Why a request failed, stripped of anything that could carry a secret (headers, request config). */
export class RequestFailure extends Error {
	/** True when the vendor may have acted on the request even though no answer came back. */
	uncertain = false;
	/** True when an earlier attempt of the same request may have reached the vendor. */
	afterUncertainAttempt = false;

	constructor(
		message: string,
		readonly details: {
			description?: string;
			statusCode?: number;
			networkCode?: string;
			retryAfterMs?: number;
			vendorCode?: number | string;
			/** The vendor's error body: read by operations, never shown as is. */
			body?: unknown;
			/** Whether the request may have reached the vendor (false only when provably unsent). */
			mayHaveReachedServer: boolean;
			cancelled?: boolean;
		},
	) {
		super(message);
	}
}

interface TransportSettings {
	baseUrl: string;
	timeoutMs: number;
	maxRetries: number;
	skipSslCertificateValidation: boolean;
}

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

function isCertificateError(code: string | undefined): boolean {
	return code !== undefined && /CERT|SSL|TLS/.test(code);
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

/** A failure for an HTTP error answer (status >= 400). */
function httpFailure(vendor: Vendor, response: VendorResponse): RequestFailure {
	const text = vendor.describeError(response.statusCode, response.body) ?? unrecognisedAnswer(response.body);
	return new RequestFailure(`${vendor.displayName} answered ${response.statusCode}: ${text.message}`, {
		description: text.description,
		statusCode: response.statusCode,
		retryAfterMs: retryAfterMs(response.headers, response.body),
		body: response.body,
		mayHaveReachedServer: true,
	});
}

/** A 3xx answer: the URL in the credential is not the API's own (e.g. http:// where the API is https://). */
function redirectFailure(vendor: Vendor, response: VendorResponse): RequestFailure {
	const location = response.headers?.location;
	const target = typeof location === 'string' ? location.split('?')[0] : undefined;
	return new RequestFailure(`${vendor.displayName} answered ${response.statusCode}: a redirect${target ? ` to ${target}` : ''}`, {
		description: 'Redirects are not followed (a redirected call may not be the one sent). Put the address the API answers at into the credential.',
		statusCode: response.statusCode,
		mayHaveReachedServer: true,
	});
}

/** Turns anything a request threw into a RequestFailure that carries no request details. */
export function toRequestFailure(vendor: Vendor, error: unknown, timeoutMs: number): RequestFailure {
	if (error instanceof RequestFailure) return error;
	if (error instanceof VendorReportedError) {
		return new RequestFailure(error.message, {
			description: error.description,
			vendorCode: error.vendorCode,
			mayHaveReachedServer: true,
		});
	}
	const name = (error as { name?: unknown }).name;
	const code = networkCodeOf(error);
	if (code === 'ERR_CANCELED' || name === 'ManualExecutionCancelledError') {
		return new RequestFailure('The execution was cancelled', { mayHaveReachedServer: true, cancelled: true });
	}
	// An HTTP status that reached us as a thrown error (n8n's own retry after re-login failed).
	const status = Number((error as { httpCode?: unknown }).httpCode);
	if (Number.isInteger(status) && status >= 400) {
		// n8n's NodeApiError keeps the answer's JSON body in `context.data` (and nothing of the request).
		const body = (error as { context?: { data?: unknown } }).context?.data;
		return httpFailure(vendor, { statusCode: status, headers: {}, body });
	}
	return new RequestFailure(describeNetworkError(vendor, code, timeoutMs), {
		networkCode: code,
		mayHaveReachedServer: !(code && NOT_SENT_CODES.has(code)),
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
 * it must never be reported as a success: it is treated like an answer lost in transit (no status
 * code), i.e. retried when the operation is idempotent and reported as "may have been done" when not.
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
	return new RequestFailure(`${vendor.displayName} answered ${statusCode} ${problem}`, {
		description,
		mayHaveReachedServer: true,
	});
}

function backoffMs(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * How long to wait before retrying, or undefined when the failure must not be retried: a
 * non-idempotent request is retried only when the vendor certainly did not act on it.
 */
export function retryDelayMs(failure: RequestFailure, attempt: number, idempotent: boolean): number | undefined {
	const { statusCode, retryAfterMs: retryAfter, mayHaveReachedServer, cancelled } = failure.details;
	if (cancelled) return undefined;
	if (statusCode === 429) return retryAfter ?? backoffMs(attempt);
	if (statusCode !== undefined) {
		return RETRYABLE_STATUS.has(statusCode) && idempotent ? (retryAfter ?? backoffMs(attempt)) : undefined;
	}
	if (failure.details.vendorCode !== undefined) return undefined;
	// A rejected certificate is rejected again on every try.
	if (isCertificateError(failure.details.networkCode)) return undefined;
	if (!mayHaveReachedServer || idempotent) return backoffMs(attempt);
	return undefined;
}

/** Sends vendor requests with the credential's authentication, pacing and safe retries. */
export class Transport {
	constructor(
		// A node's execution, or a picker listing resources in the editor.
		private readonly context: IExecuteFunctions | ILoadOptionsFunctions,
		private readonly vendor: Vendor,
		private readonly settings: TransportSettings,
		private readonly pacer: Pacer,
		private readonly signal?: AbortSignal,
	) {}

	private async sendOnce(request: VendorRequest): Promise<VendorResponse> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${this.settings.baseUrl}${request.path}`,
			qs: request.qs,
			body: request.body,
			json: true,
			returnFullResponse: true,
			// Error answers come back as responses, so their status, headers and body can be read.
			ignoreHttpStatusErrors: true,
			timeout: this.settings.timeoutMs,
			skipSslCertificateValidation: this.settings.skipSslCertificateValidation,
			// A vendor API does not redirect its calls; following one would turn a POST into a GET
			// elsewhere. Not following also spares n8n-core's redirect wrapper on every request
			// (about a sixth of the CPU per link in the benchmark's profile).
			disableFollowRedirect: true,
		};
		let response = await this.request(options);
		if (response.statusCode === 401 && this.vendor.loginExpiresWith401) {
			// Without ignoreHttpStatusErrors n8n answers a 401 by logging in again (the credential's
			// preAuthentication) and retrying once; a second 401 throws.
			response = await this.request({ ...options, ignoreHttpStatusErrors: false });
		}
		if (response.statusCode >= 400) throw httpFailure(this.vendor, response);
		if (response.statusCode >= 300) throw redirectFailure(this.vendor, response);
		const unreadable = unreadableAnswer(this.vendor, response);
		if (unreadable) throw unreadable;
		this.vendor.checkSuccessBody?.(response.body);
		return response;
	}

	private async request(options: IHttpRequestOptions): Promise<VendorResponse> {
		const response = (await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			this.vendor.credentialType,
			options,
		)) as IN8nHttpFullResponse;
		return {
			statusCode: response.statusCode,
			headers: response.headers as VendorResponse['headers'],
			body: response.body,
		};
	}

	/** Sends one request, retrying what is safe to retry. Throws RequestFailure. */
	async send(request: VendorRequest, idempotent: boolean, scope: string): Promise<VendorResponse> {
		let afterUncertainAttempt = false;
		const startedAt = Date.now();
		// Retries after other failures, and after 429s (counted apart: they do not use up Max Retries).
		let retries = 0;
		let rateLimited = 0;
		for (;;) {
			if (this.signal?.aborted) {
				throw new RequestFailure('The execution was cancelled', { mayHaveReachedServer: false, cancelled: true });
			}
			try {
				await this.pacer.acquire(scope, this.signal);
				return await this.sendOnce(request);
			} catch (error) {
				const failure = toRequestFailure(this.vendor, error, this.settings.timeoutMs);
				failure.afterUncertainAttempt = afterUncertainAttempt;
				const is429 = failure.details.statusCode === 429;
				const delay = retryDelayMs(failure, is429 ? rateLimited++ : retries++, idempotent);
				const outOfTries = is429
					? Date.now() + (delay ?? 0) - startedAt > RATE_LIMIT_PATIENCE_MS
					: retries > this.settings.maxRetries;
				if (delay === undefined || outOfTries || delay > MAX_RETRY_AFTER_MS) {
					// A 4xx (or the vendor's own error code) is a definite refusal, not an unknown outcome.
					const refused =
						(failure.details.statusCode !== undefined && failure.details.statusCode < 500) ||
						failure.details.vendorCode !== undefined;
					failure.uncertain = !idempotent && failure.details.mayHaveReachedServer && delay === undefined && !refused;
					if (delay !== undefined && delay > MAX_RETRY_AFTER_MS) {
						failure.details.description = `${this.vendor.displayName} asked to wait ${Math.ceil(delay / 1000)} s before retrying, longer than this node waits`;
					} else if (is429 && outOfTries) {
						failure.details.description = `${this.vendor.displayName} kept answering 429 (rate limited) for ${Math.round(RATE_LIMIT_PATIENCE_MS / 60_000)} minutes`;
					}
					throw failure;
				}
				// Only a 429 proves the vendor did nothing; a gateway error or a dropped connection may hide success.
				afterUncertainAttempt ||= failure.details.statusCode !== 429 && failure.details.mayHaveReachedServer;
				if (is429) {
					// Everyone in the scope waits, not just this request.
					this.pacer.pause(scope, delay);
				} else {
					await sleepWithAbort(delay, this.signal);
				}
			}
		}
	}
}

/**
 * A Transport for the node's credential: reads the vendor's base URL, TLS choice and whether a
 * session is needed from the credential's non-secret fields (a bad URL is a clear node error), and
 * paces to `ratePerSecond`.
 */
export async function openTransport(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	vendor: Vendor,
	settings: { timeoutMs: number; maxRetries: number; ratePerSecond?: number; signal?: AbortSignal },
): Promise<{ transport: Transport; session: SessionUse | undefined }> {
	const credentials = await context.getCredentials(vendor.credentialType);
	let baseUrl: string;
	try {
		baseUrl = vendor.baseUrl(credentials);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), error as Error, {
			description: `Check the ${vendor.displayName} credential.`,
		});
	}
	const transport = new Transport(
		context,
		vendor,
		{
			baseUrl,
			timeoutMs: settings.timeoutMs,
			maxRetries: settings.maxRetries,
			skipSslCertificateValidation: vendor.skipSslCertificateValidation?.(credentials) ?? false,
		},
		sharedPacer(vendor.credentialType, baseUrl, settings.ratePerSecond),
		settings.signal,
	);
	return { transport, session: sessionUse(context, vendor, credentials) };
}
