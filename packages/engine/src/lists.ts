import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodePropertyOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toRequestFailure } from './vendor-failures';
import { ownSession, SessionKeeper } from './sessions';
import { openTransport } from './transport';
import type { SessionToken, Vendor, VendorRequest, VendorResponse } from './types';

/** A picker waits less than a link operation: someone is looking at the list. */
const LIST_TIMEOUT_MS = 20_000;
/** One retry (a 429 waited out, a dropped connection), then the list shows the error. */
const LIST_RETRIES = 1;

/**
 * A problem a picker explains itself (no link columns found, choose the table first). It is a
 * NodeApiError because n8n's editor backend passes only a NodeApiError's description on to the list
 * (any other error reaches it as its message alone).
 */
class ListProblem extends NodeApiError {}

/** The error for a problem a picker explains itself: n8n shows the message in the list, the description under it. */
export function listProblem(context: ILoadOptionsFunctions, message: string, description?: string): NodeApiError {
	return new ListProblem(context.getNode(), { message }, { message, description });
}

/** Sentences joined, each ending with a full stop. */
function sentences(...parts: Array<string | undefined>): string | undefined {
	const text = parts
		.filter((part): part is string => typeof part === 'string' && part.trim() !== '')
		.map((part) => (/[.!?]$/.test(part.trim()) ? part.trim() : `${part.trim()}.`))
		.join(' ');
	return text || undefined;
}

export interface ListRequests {
	/**
	 * Sends a request with the credential's authentication and the vendor's error reading. A vendor
	 * with sessions (FairCom) gets a request built for the session's token, renewed once if it expired.
	 */
	send(request: VendorRequest | ((session: SessionToken | undefined) => VendorRequest), idempotent: boolean): Promise<VendorResponse>;
}

export interface ListOptions {
	/** Added to the description when the vendor refuses the credential (401) or the access (403). */
	refusedHint?: string;
}

/**
 * Runs a picker's requests (a resource locator's list, load options) with the node's credential
 * alone: the same authentication, base URL, TLS choice, error reading and session handling as the
 * link operations, few retries, and any failure turned into an error n8n shows in the list.
 */
export async function listFromVendor<T>(
	context: ILoadOptionsFunctions,
	vendor: Vendor,
	read: (requests: ListRequests) => Promise<T>,
	options: ListOptions = {},
): Promise<T> {
	const { transport, session } = await openTransport(context, vendor, {
		timeoutMs: LIST_TIMEOUT_MS,
		maxRetries: LIST_RETRIES,
	});
	// A picker opens a session of its own and ends it: it runs in the editor, not in an execution.
	const sessions = new SessionKeeper(context, vendor, transport, session && ownSession(session.lifecycle));
	const send: ListRequests['send'] = async (request, idempotent) =>
		await sessions.send(typeof request === 'function' ? request : () => request, idempotent, '');
	try {
		return await read({ send });
	} catch (error) {
		throw listError(context, vendor, error, options);
	} finally {
		// The list is read either way; a session that will not end idles out on the server.
		await sessions.close();
	}
}

function listError(context: ILoadOptionsFunctions, vendor: Vendor, error: unknown, options: ListOptions): Error {
	// A problem the picker explained itself (see listProblem), or n8n's own about the node, stands.
	if (error instanceof ListProblem || error instanceof NodeOperationError) return error;
	const failure = toRequestFailure(vendor, error, LIST_TIMEOUT_MS);
	const { statusCode } = failure;
	const refused =
		statusCode === 401
			? `Check the ${vendor.displayName} credential: ${vendor.displayName} did not accept it.`
			: statusCode === 403
				? `The ${vendor.displayName} credential works but may not read this list.`
				: undefined;
	const description = sentences(failure.description, refused, refused ? options.refusedHint : undefined);
	const httpCode = statusCode ? String(statusCode) : undefined;
	return new NodeApiError(
		context.getNode(),
		{ message: failure.message, ...(httpCode ? { httpCode } : {}) },
		{ message: failure.message, description, httpCode },
	);
}

/**
 * What a searchable list shows for a search text: the entries whose name or value contains every
 * word of the text (case-blind), sorted by name.
 */
export function searchItems<Item extends INodePropertyOptions | INodeListSearchItems>(items: Item[], filter?: string): Item[] {
	const words = (filter ?? '').toLowerCase().split(/\s+/).filter(Boolean);
	return items
		.filter((item) => {
			const text = `${item.name} ${String(item.value)}`.toLowerCase();
			return words.every((word) => text.includes(word));
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** A plain JSON object (not an array, not null): how vendor bodies are read defensively. */
export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text field of an object read defensively: the first of `keys` that holds non-empty text. */
export function textField(value: unknown, ...keys: string[]): string | undefined {
	if (!value || typeof value !== 'object') return undefined;
	for (const key of keys) {
		const entry = (value as Record<string, unknown>)[key];
		if (typeof entry === 'string' && entry.trim() !== '') return entry.trim();
		if (typeof entry === 'number' && Number.isFinite(entry)) return String(entry);
	}
	return undefined;
}

/** The first array found at one of these keys or key paths (or the body itself when it is an array). */
export function arrayIn(body: unknown, ...paths: Array<string | string[]>): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	for (const path of paths) {
		let value: unknown = body;
		for (const key of typeof path === 'string' ? [path] : path) value = isObject(value) ? value[key] : undefined;
		if (Array.isArray(value)) return value;
	}
	return undefined;
}

/**
 * A parameter's current value in the editor as trimmed text (a resource locator's value, a plain
 * string; '' when empty), or undefined when it is not text yet: an expression only runs with the node.
 */
export function currentText(context: ILoadOptionsFunctions, name: string): string | undefined {
	let value: unknown;
	try {
		value = context.getCurrentNodeParameter(name, { extractValue: true });
	} catch {
		return undefined;
	}
	if (isObject(value) && 'value' in value) value = value.value;
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string' || value.startsWith('=')) return undefined;
	return value.trim();
}
