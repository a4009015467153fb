import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { RequestFailure } from './failure';
import { toRequestFailure } from './vendor-failures';
import { type NodeRun, runPool, type RunIO } from './run';
import type { GetLinksOperation, LinkRead, Lookup, PageCursor, VendorResponse } from './types';

/**
 * Paged reads (Get Links, and the first step of Set Links): one record's links, page by page through
 * the engine's transport (reads are safe to repeat, so every retryable failure is retried), paced to
 * the vendor's read limit.
 */

/** Pages read for one record at most: a cursor that never ends is an error, not an endless loop. */
const MAX_PAGES = 1000;
const DEFAULT_LIMIT = 50;

/** Get Links' Return All and Limit, as n8n's read operations have them. */
export const readFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		hint: 'One output item per link found. A record without links gives no item: turn on Settings › Always Output Data to get an empty one.',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		// A plain number: n8n's node-param-default-wrong-for-limit rule reads a constant as wrong.
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** Sends each distinct read once per execution (see `Lookup`). */
function lookupOnce(io: RunIO): Lookup {
	const answers = new Map<string, Promise<VendorResponse>>();
	const send = io.follow('');
	return async (request) => {
		const key = JSON.stringify([request.method, request.path, request.qs ?? null, request.body ?? null]);
		let answer = answers.get(key);
		if (!answer) {
			answer = send(request, true);
			answers.set(key, answer);
			// A failed lookup is not kept: the next item asks again.
			answer.catch(() => answers.delete(key));
		}
		return await answer;
	};
}

/** What reading one record needs: the read, the execution's senders and the per-execution lookup. */
export interface ReadContext {
	io: RunIO;
	lookup: Lookup;
}

export function readContext(io: RunIO): ReadContext {
	return { io, lookup: lookupOnce(io) };
}

/**
 * Reads one record's links in scope, page after page, up to `limit` (all when undefined). Returns
 * the params as the read's `prepare` step left them, with the links.
 */
export async function readLinks<Params>(
	read: LinkRead<Params>,
	given: Params,
	{ io, lookup }: ReadContext,
	limit?: number,
): Promise<{ params: Params; links: IDataObject[] }> {
	const params = read.prepare ? await read.prepare(given, lookup) : given;
	const scope = read.rateScope?.(params) ?? '';
	const links: IDataObject[] = [];
	let cursor: PageCursor | undefined;
	for (let pages = 1; ; pages++) {
		const size = Math.max(1, Math.min(read.pageSize, limit === undefined ? read.pageSize : limit - links.length));
		const response = await io.sessions.send((token) => read.request(params, { cursor, size }, token), true, scope, true);
		const page = read.page(response, params, cursor);
		links.push(...page.links);
		if (limit !== undefined && links.length >= limit) return { params, links: links.slice(0, limit) };
		if (page.next === undefined) return { params, links };
		if (page.next === cursor || pages >= MAX_PAGES) {
			throw new RequestFailure(`${io.vendor.displayName} kept answering with more pages (${pages} read)`, {
				outcome: 'not-sent',
				description: 'The links were not all read, so nothing was changed for this record.',
			});
		}
		cursor = page.next;
	}
}

/** The item's Return All and Limit. */
function limitOf(context: IExecuteFunctions, index: number): number | undefined {
	if (context.getNodeParameter('returnAll', index, false) === true) return undefined;
	const limit = context.getNodeParameter('limit', index, DEFAULT_LIMIT);
	return typeof limit === 'number' && limit >= 1 ? Math.floor(limit) : DEFAULT_LIMIT;
}

/** Get Links: one read per input item; one output item per link found, paired to its item. */
export async function runGetLinks<Params>(run: NodeRun<Params>, operation: GetLinksOperation<Params>): Promise<void> {
	const valid = run.validItems();
	if (valid.length === 0) return;
	await run.withTransport(async (io) => {
		const reads = readContext(io);
		await runPool(
			valid,
			io.concurrency,
			async ({ index, params }) => {
				try {
					const found = await readLinks(operation.read, params, reads, limitOf(run.context, index));
					run.settle(index, found.links.map((link) => operation.toOutput(link, found.params)));
				} catch (error) {
					run.fail(index, toRequestFailure(io.vendor, error, io.settings.timeoutMs));
				}
			},
			() => run.stopped,
		);
	});
}
