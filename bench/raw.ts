/** The limit: a raw undici client sending the same requests as a node, at a given concurrency. */
import { setMaxListeners } from 'node:events';

import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { Pool } from 'undici';

export interface RawRequest {
	method: 'POST' | 'PUT' | 'DELETE' | 'PATCH';
	/** Path below the origin, query included. */
	path: string;
	headers: Record<string, string>;
	body: string;
}

export interface RawRun {
	ms: number;
	/** CPU time this process spent during the run (user + system, ms). */
	cpuMs: number;
	ok: number;
	failed: number;
}

/**
 * Runs `send` over `count` requests with `concurrency` in flight at once, counting 2xx answers
 * as ok; time and this process's CPU over the whole run.
 */
async function runLanes(count: number, concurrency: number, send: (index: number) => Promise<number>): Promise<RawRun> {
	let next = 0;
	let ok = 0;
	let failed = 0;
	const started = performance.now();
	const cpu = process.cpuUsage();
	const lane = async () => {
		while (next < count) {
			const statusCode = await send(next++);
			if (statusCode >= 200 && statusCode < 300) ok++;
			else failed++;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return { ms, cpuMs: (used.user + used.system) / 1000, ok, failed };
}

/**
 * Sends `requests` over one keep-alive pool of `concurrency` connections, `concurrency` in flight
 * at once, reading every answer's JSON, as the node does. `keepAlive: false` closes each connection
 * after its request (a reference point: n8n-core opens a new connection per request).
 */
export async function runRaw(
	origin: string,
	requests: RawRequest[],
	concurrency: number,
	{ keepAlive = true }: { keepAlive?: boolean } = {},
): Promise<RawRun> {
	const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
	const run = await runLanes(requests.length, concurrency, async (index) => {
		const request = requests[index];
		const response = await pool.request({
			method: request.method,
			path: request.path,
			headers: request.headers,
			body: request.body,
			// Without keep-alive: a new connection per request, as n8n-core's HTTP helper makes.
			reset: !keepAlive,
		});
		const text = await response.body.text();
		if (text !== '') JSON.parse(text);
		return response.statusCode;
	});
	await pool.close();
	return run;
}

type CoreHttpRequest = (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;

/**
 * n8n-core's own HTTP helper, the function every node's `this.helpers.httpRequest…` ends in (not
 * part of n8n-core's public exports, so it is loaded from its file).
 */
function coreHttpRequest(): CoreHttpRequest {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const helpers = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions.js') as {
		httpRequest: CoreHttpRequest;
	};
	return helpers.httpRequest;
}

/**
 * The same requests through n8n-core's HTTP helper alone, with no node or workflow around it and
 * the options the pack's transport passes: the most any node can reach, since every node must send
 * through that helper.
 */
export async function runCoreHelper(origin: string, requests: RawRequest[], concurrency: number): Promise<RawRun> {
	const httpRequest = coreHttpRequest();
	// n8n hands every request of an execution its cancel signal (and lifts its listener limit).
	const cancel = new AbortController();
	setMaxListeners(Infinity, cancel.signal);
	return await runLanes(requests.length, concurrency, async (index) => {
		const request = requests[index];
		const response = await httpRequest({
			method: request.method,
			url: `${origin}${request.path}`,
			headers: { authorization: request.headers.authorization },
			body: JSON.parse(request.body) as IDataObject,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
			skipSslCertificateValidation: false,
			disableFollowRedirect: true,
			abortSignal: cancel.signal,
		});
		return response.statusCode;
	});
}
