import type { IHttpRequestOptions } from 'n8n-workflow';

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
