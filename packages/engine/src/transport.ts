import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AnswerSignal } from './concurrency';
import { RequestFailure } from './failure';
import { httpFailure, redirectFailure, toRequestFailure, unreadableAnswer } from './vendor-failures';
import { type Pacer, sharedPacer } from './pacer';
import { MAX_RETRY_AFTER_MS, RATE_LIMIT_PATIENCE_MS, retryDelayMs } from './retry';
import { sessionUse, type SessionUse } from './sessions';
import { sleepWithAbort } from './sleep';
import type { Vendor, VendorRequest, VendorResponse } from './types';

/**
 * The send loop: one request with the credential's authentication, pacing and the retries the
 * retry policy (retry.ts) allows for the failure (failure.ts) it met.
 */

interface TransportSettings {
	/**
	 * The credential as read once for the execution. Handed to n8n with every request, so n8n does
	 * not load and decrypt it again per request (in n8n, a database read and its expressions resolved);
	 * n8n still applies its `authenticate` and `preAuthentication` (a new login is kept in it).
	 */
	credentials: ICredentialsDecrypted;
	baseUrl: string;
	timeoutMs: number;
	maxRetries: number;
	skipSslCertificateValidation: boolean;
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
		// Reads are paced apart, to the vendor's read limit (Tulip: 50 record reads/s per table).
		private readonly readPacer?: Pacer,
		// The execution's concurrency learns from every answer (Auto).
		private readonly onAnswer?: (answer: AnswerSignal) => void,
	) {}

	/** Tells the execution's concurrency how an attempt went. */
	private report(startedAt: number, outcome: VendorResponse | RequestFailure): void {
		if (!this.onAnswer) return;
		const latencyMs = Date.now() - startedAt;
		if (outcome instanceof RequestFailure) {
			const overloaded =
				outcome.statusCode === 429 ||
				outcome.statusCode === 503 ||
				outcome.networkCode === 'ETIMEDOUT' ||
				outcome.networkCode === 'ECONNABORTED';
			// Other failures (a refusal, a reset) say nothing about the vendor's pace.
			if (overloaded) this.onAnswer({ overloaded, latencyMs });
			return;
		}
		this.onAnswer({ overloaded: false, latencyMs, remaining: rateLimitRemaining(outcome.headers) });
	}

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
			{ credentialsDecrypted: this.settings.credentials },
		)) as IN8nHttpFullResponse;
		return {
			statusCode: response.statusCode,
			headers: response.headers as VendorResponse['headers'],
			body: response.body,
		};
	}

	/** Sends one request (a read when `read`: paced to the read limit), retrying what is safe to retry. Throws RequestFailure. */
	async send(request: VendorRequest, idempotent: boolean, scope: string, read = false): Promise<VendorResponse> {
		const pacer = read && this.readPacer ? this.readPacer : this.pacer;
		// Once an attempt may have acted, every later failure of this request has an unknown outcome.
		let earlierMayHaveActed = false;
		const startedAt = Date.now();
		// Retries after other failures, and after 429s (counted apart: they do not use up Max Retries).
		let retries = 0;
		let rateLimited = 0;
		for (;;) {
			if (this.signal?.aborted) {
				throw new RequestFailure('The execution was cancelled', {
					outcome: earlierMayHaveActed ? 'unknown' : 'not-sent',
					cancelled: true,
				});
			}
			let attemptStartedAt: number | undefined;
			try {
				await pacer.acquire(scope, this.signal);
				attemptStartedAt = Date.now();
				const response = await this.sendOnce(request);
				this.report(attemptStartedAt, response);
				return response;
			} catch (error) {
				let failure = toRequestFailure(this.vendor, error, this.settings.timeoutMs);
				if (attemptStartedAt !== undefined) this.report(attemptStartedAt, failure);
				if (earlierMayHaveActed && failure.outcome !== 'unknown') failure = failure.with({ outcome: 'unknown' });
				const is429 = failure.statusCode === 429;
				const delay = retryDelayMs(failure, is429 ? rateLimited++ : retries++, idempotent);
				const outOfTries = is429
					? Date.now() + (delay ?? 0) - startedAt > RATE_LIMIT_PATIENCE_MS
					: retries > this.settings.maxRetries;
				if (delay !== undefined && delay > MAX_RETRY_AFTER_MS) {
					throw failure.with({
						description: `${this.vendor.displayName} asked to wait ${Math.ceil(delay / 1000)} s before retrying, longer than this node waits`,
					});
				}
				if (is429 && outOfTries) {
					throw failure.with({
						description: `${this.vendor.displayName} kept answering 429 (rate limited) for ${Math.round(RATE_LIMIT_PATIENCE_MS / 60_000)} minutes`,
					});
				}
				if (delay === undefined || outOfTries) throw failure;
				earlierMayHaveActed ||= failure.outcome === 'unknown';
				if (is429) {
					// Everyone in the scope waits, not just this request.
					pacer.pause(scope, delay);
				} else {
					await sleepWithAbort(delay, this.signal);
				}
			}
		}
	}
}

/**
 * DevRev's `X-RateLimit-Remaining` (documented on its rate-limits page): requests left in the window.
 * Absent or unreadable elsewhere.
 */
function rateLimitRemaining(headers: VendorResponse['headers']): number | undefined {
	const value = headers['x-ratelimit-remaining'];
	const remaining = Number(Array.isArray(value) ? value[0] : value);
	return value !== undefined && Number.isFinite(remaining) && remaining >= 0 ? remaining : undefined;
}

/** The credential the node's parameters name, with its data as read. */
function asDecrypted(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	type: string,
	data: ICredentialDataDecryptedObject,
): ICredentialsDecrypted {
	const chosen = context.getNode().credentials?.[type];
	return { id: chosen?.id ?? '', name: chosen?.name ?? '', type, data };
}

/**
 * A Transport for the node's credential: reads the vendor's base URL, TLS choice and whether a
 * session is needed from the credential's non-secret fields (a bad URL is a clear node error), and
 * paces to `ratePerSecond`.
 */
export async function openTransport(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	vendor: Vendor,
	settings: {
		timeoutMs: number;
		maxRetries: number;
		ratePerSecond?: number;
		readRatePerSecond?: number;
		signal?: AbortSignal;
		onAnswer?: (answer: AnswerSignal) => void;
	},
): Promise<{ transport: Transport; session: SessionUse | undefined; baseUrl: string }> {
	const { credentialType } = vendor;
	const credentials = await context.getCredentials(credentialType);
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
			credentials: asDecrypted(context, credentialType, credentials),
			baseUrl,
			timeoutMs: settings.timeoutMs,
			maxRetries: settings.maxRetries,
			skipSslCertificateValidation: vendor.skipSslCertificateValidation?.(credentials) ?? false,
		},
		sharedPacer(credentialType, baseUrl, settings.ratePerSecond),
		settings.signal,
		settings.readRatePerSecond ? sharedPacer(`${credentialType}:read`, baseUrl, settings.readRatePerSecond) : undefined,
		settings.onAnswer,
	);
	return { transport, session: sessionUse(context, vendor, credentials), baseUrl };
}
