import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { FollowUp, SessionLifecycle, Vendor, VendorErrorText, VendorRequest } from '@record-links/engine';
import { isObject, RequestFailure } from '@record-links/engine';

/** FairCom's errorCode for an unknown or expired authToken: one new session and one retry. */
const SESSION_EXPIRED = 12031;

/**
 * Every FairCom action goes to the one endpoint as a JSON envelope:
 * `{ api, action, params, authToken }` → `{ result, errorCode, errorMessage, debugInfo? }`.
 */
export function envelope(api: 'admin' | 'db', action: string, params?: IDataObject, authToken?: string): VendorRequest {
	return {
		method: 'POST',
		path: '',
		body: { api, action, ...(params ? { params } : {}), ...(authToken ? { authToken } : {}) },
	};
}

/** The envelope's code and message, when the body is FairCom's envelope at all. */
function readEnvelopeError(body: unknown): { code: number | string; message: string } | undefined {
	if (!isObject(body) || !('errorCode' in body)) return undefined;
	const code = body.errorCode;
	if (typeof code !== 'number' && typeof code !== 'string') return undefined;
	const message = typeof body.errorMessage === 'string' ? body.errorMessage.trim() : '';
	return { code: typeof code === 'string' && /^-?\d+$/.test(code) ? Number(code) : code, message };
}

function describeCode(code: number | string): string | undefined {
	if (code === SESSION_EXPIRED) {
		return 'The session token is unknown or has expired. With username and password the node logs in again once by itself; with a given authToken, create a new one and update the credential.';
	}
	return undefined;
}

function errorText(code: number | string, message: string): VendorErrorText {
	return {
		message: `FairCom error ${code}: ${message || 'no error message given'}`,
		description: describeCode(code),
	};
}

/** FairCom's envelope on a non-2xx answer (a proxy's page is not the envelope: undefined). */
function describeError(_statusCode: number, body: unknown): VendorErrorText | undefined {
	const error = readEnvelopeError(body);
	return error ? errorText(error.code, error.message) : undefined;
}

/**
 * FairCom may answer HTTP 200 with a failure inside: success is `errorCode` 0 and nothing else. An
 * answer without an errorCode is not FairCom's (a proxy's page, say) and is not taken for success.
 */
function checkSuccessBody(body: unknown): void {
	const error = readEnvelopeError(body);
	if (!error) {
		throw new RequestFailure('FairCom answered with something that is not a JSON action response', {
			outcome: 'refused',
			description: 'Check that the endpoint URL in the credential is the JSON action endpoint, e.g. https://host:8443/api.',
			vendorCode: 'unexpected-answer',
		});
	}
	if (error.code === 0) return;
	const text = errorText(error.code, error.message);
	throw new RequestFailure(text.message, { outcome: 'refused', description: text.description, vendorCode: error.code });
}

/**
 * The errorCode a failed request carried: from an HTTP 200 envelope (the vendor code) or from the
 * envelope of an HTTP error answer (FairCom does not document which status 12031 comes with).
 */
function vendorCodeOf(error: unknown): unknown {
	if (!(error instanceof RequestFailure)) return undefined;
	return error.vendorCode ?? readEnvelopeError(error.body)?.code;
}

/** createSession's token: `result.authToken`, or the top-level `authToken` newer servers echo. */
function readAuthToken(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const result = isObject(body.result) ? body.result : {};
	const token = result.authToken ?? body.authToken;
	return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The session of a username + password credential: the credential's `authenticate` puts the
 * username and password into the createSession body, so this code never sees them. Kept across
 * executions unless the credential's Session field asks for one per execution.
 */
const passwordSession: SessionLifecycle = {
	async open(send: FollowUp) {
		// Safe to retry: a createSession whose answer was lost only leaves a session that idles out.
		const login = await send(envelope('admin', 'createSession', { description: 'n8n FairCom node' }), true).then(
			(response) => ({ body: response.body }),
			(error: unknown) => ({ error }),
		);
		if ('error' in login) {
			const { error } = login;
			if (!(error instanceof RequestFailure)) throw error;
			throw error.with({
				message: `Could not log in to FairCom: ${error.message}`,
				description: 'Check the endpoint URL, username and password in the FairCom credential.',
			});
		}
		const token = readAuthToken(login.body);
		if (!token) {
			throw new RequestFailure('FairCom accepted the login but returned no authToken', {
				outcome: 'refused',
				vendorCode: 'no-auth-token',
			});
		}
		return token;
	},
	async close(send, token) {
		const ended = await send(envelope('admin', 'deleteSession', undefined, token), true).then(
			() => undefined,
			(error: unknown) => error,
		);
		// Already gone (idled out) is fine: nothing is left to end.
		if (ended !== undefined && vendorCodeOf(ended) !== SESSION_EXPIRED) throw ended;
	},
	isExpired: (error) => vendorCodeOf(error) === SESSION_EXPIRED,
	// With a given authToken there is no session to open or end: the credential's `authenticate` adds
	// the token to every request, and a session the user owns is never deleted.
	usedWith: (credentials) => credentials.authentication !== 'authToken',
	// Credentials saved before the Session field existed reuse it too.
	reused: (credentials) => credentials.session !== 'perExecution',
};

export const fairCom: Vendor = {
	displayName: 'FairCom',
	credentialType: 'recordLinksFairComApi',
	baseUrl: fairComEndpoint,
	describeError,
	checkSuccessBody,
	// One server, one session shared by all requests: a few calls at once is plenty.
	defaultConcurrency: 4,
	// Ids per merged call (an item with more ids still goes as one call: it is atomic).
	defaultBatchSize: 1000,
	skipSslCertificateValidation: (credentials) => credentials.ignoreSslIssues === true,
	session: passwordSession,
};

/** The JSON action endpoint without a trailing slash (the node's and the credential test's). */
export function fairComEndpoint(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.endpoint ?? 'https://localhost:8443/api')
		.trim()
		.replace(/\/+$/, '');
}
