/** The limit: a raw undici client sending the same requests as a node, at a given concurrency. */
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
	let next = 0;
	let ok = 0;
	let failed = 0;
	const started = performance.now();
	const cpu = process.cpuUsage();
	const lane = async () => {
		while (next < requests.length) {
			const request = requests[next++];
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
			if (response.statusCode >= 200 && response.statusCode < 300) ok++;
			else failed++;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, lane));
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	await pool.close();
	return { ms, cpuMs: (used.user + used.system) / 1000, ok, failed };
}
