import type { IAuthenticateRuleResponseCode, IHttpRequestOptions } from 'n8n-workflow';

/**
 * Helpers for the credentials' `authenticate` functions. They are functions rather than n8n's
 * declarative `={{…}}` form because n8n evaluates those expressions with its expression engine on
 * every request, which the benchmark measured at about a third of a millisecond of CPU per link.
 */

/** A token as pasted: surrounding spaces and a leading "Bearer " removed, so it is sent once. */
export function bareToken(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/^bearer\s+/i, '');
}

/** The request with these headers added. */
export function withHeaders(requestOptions: IHttpRequestOptions, headers: Record<string, string>): IHttpRequestOptions {
	return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
}

/**
 * The request with the vendor's API root put before a relative URL. The node sends absolute URLs;
 * the credential test's request names only its path, so the root comes from the same function as the
 * node's (one URL rule, not an expression copy of it).
 */
export function withApiRoot(requestOptions: IHttpRequestOptions, apiRoot: () => string): IHttpRequestOptions {
	if (/^https?:\/\//i.test(requestOptions.url)) return requestOptions;
	return { ...requestOptions, url: `${apiRoot()}${requestOptions.url}` };
}

/**
 * A credential test's rule for the vendor's 401: its words name the fields to check. n8n 2.41 reads
 * it (without it, the dialog says only "Unauthorized"); 2.8 shows its own "Authorization failed -
 * please check your credentials" either way.
 */
export function refusedCredentialRule(message: string): IAuthenticateRuleResponseCode {
	return { type: 'responseCode', properties: { value: 401, message } };
}
