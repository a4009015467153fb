/** Shared helpers of the bench: running a node and reading the engine's own timing, statistics. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CredentialStore, runNode } from '../test/harness/engine';
import { AGGREGATE_TYPE, HTTP_REQUEST_TYPE, HTTP_REQUEST_VERSION } from './peer';

export const NODE_NAME = 'Node Under Test';

export interface NodeRun {
	/** The node's execution time as WorkflowExecute measured it (ms). */
	ms: number;
	/** When the engine started the node (epoch ms). */
	startedAt: number;
	/** CPU time this process spent during the run (user + system, ms). */
	cpuMs: number;
	/** Output items that are not error items. */
	ok: number;
	/** Output items with an error, plus the items lost when the node failed. */
	failed: number;
	/** The node's error message when it failed. */
	error?: string;
	/** The output items' json (the next node's input in a chain). */
	outputs: IDataObject[];
}

export async function timedRun(options: Parameters<typeof runNode>[0]): Promise<NodeRun> {
	const cpu = process.cpuUsage();
	const result = await runNode(options);
	const used = process.cpuUsage(cpu);
	const task = result.run.data.resultData.runData[NODE_NAME]?.[0];
	if (!task) throw new Error(`The node did not run: ${result.error?.message ?? 'no run data'}`);
	const ok = result.items.filter((item) => item.error === undefined && (item.json as IDataObject).error === undefined).length;
	return {
		ms: task.executionTime,
		startedAt: task.startTime,
		cpuMs: (used.user + used.system) / 1000,
		ok,
		failed: options.items.length - ok,
		error: result.error?.message,
		outputs: result.items.map((item) => item.json),
	};
}

export interface PeerRequest {
	method: 'POST' | 'PUT' | 'DELETE' | 'PATCH';
	/** A fixed URL or an expression. */
	url: string;
	/** The JSON body as an n8n expression/template (evaluated per item). */
	jsonBody: string;
	auth:
		| { type: 'httpHeaderAuth'; name: string; value: string }
		| { type: 'httpBasicAuth'; user: string; password: string }
		/** The auth travels in the body (FairCom's token). */
		| { type: 'none' };
	/** Headers set on the node (values may be expressions). */
	headers?: Record<string, string>;
	/** The node's Options collection (default: none set, i.e. n8n's defaults). */
	options?: INodeParameters;
}

/** Runs n8n's HTTP Request node: one request per item, generic credential, JSON body. */
export async function runPeer(request: PeerRequest, items: IDataObject[]): Promise<NodeRun> {
	const credentials = new CredentialStore();
	if (request.auth.type === 'httpHeaderAuth') {
		credentials.set('httpHeaderAuth', { name: request.auth.name, value: request.auth.value });
	} else if (request.auth.type === 'httpBasicAuth') {
		credentials.set('httpBasicAuth', { user: request.auth.user, password: request.auth.password });
	}
	const generic = request.auth.type !== 'none';
	const parameters: INodeParameters = {
		method: request.method,
		url: request.url,
		authentication: generic ? 'genericCredentialType' : 'none',
		...(generic ? { genericAuthType: request.auth.type } : {}),
		...(request.headers
			? {
					sendHeaders: true,
					specifyHeaders: 'keypair',
					headerParameters: { parameters: Object.entries(request.headers).map(([name, value]) => ({ name, value })) },
				}
			: {}),
		sendBody: true,
		contentType: 'json',
		specifyBody: 'json',
		jsonBody: request.jsonBody,
		options: request.options ?? {},
	};
	return await timedRun({
		node: HTTP_REQUEST_TYPE,
		type: HTTP_REQUEST_TYPE,
		typeVersion: HTTP_REQUEST_VERSION,
		parameters,
		items,
		credentials,
		nodeCredentials: generic ? [request.auth.type] : [],
	});
}

/**
 * What a skilled user builds for a batch API: an Aggregate node (all items into one) and one HTTP
 * Request whose body is built from the whole array. Times and counts are the two nodes' together.
 */
export async function runAggregatePeer(request: PeerRequest, items: IDataObject[]): Promise<NodeRun> {
	const aggregate = await timedRun({
		node: AGGREGATE_TYPE,
		type: AGGREGATE_TYPE,
		typeVersion: 1,
		parameters: { aggregate: 'aggregateAllItemData', destinationFieldName: 'data', include: 'allFields' },
		items,
		nodeCredentials: [],
	});
	const send = await runPeer(request, aggregate.outputs);
	return {
		...send,
		ms: aggregate.ms + send.ms,
		startedAt: aggregate.startedAt,
		cpuMs: aggregate.cpuMs + send.cpuMs,
		// One request for every item: when it fails, every item failed.
		ok: send.failed === 0 ? items.length : 0,
		failed: send.failed === 0 ? 0 : items.length,
	};
}

export function median(values: number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Number of measured rounds per scenario (BENCH_ROUNDS, default 3). */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);

export const fmt = {
	ms: (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms).toLocaleString('en-US')} ms` : '—'),
	s: (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—'),
	int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—'),
	ratio: (n: number) => (Number.isFinite(n) ? `${n >= 10 ? n.toFixed(0) : n.toFixed(1)}×` : '—'),
	pct: (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : '—'),
	mib: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : '—'),
};

/** One scenario's section of the results. */
export interface ScenarioResult {
	id: string;
	title: string;
	/** What was run, in a sentence or two. */
	setup: string;
	target: string;
	table: { header: string[]; rows: string[][] };
	verdict: 'met' | 'missed' | 'not available' | 'partly met';
	/** How the target was judged, with numbers; and by how much and why when missed. */
	notes: string[];
	/** Headline for the README, e.g. "100× fewer requests". */
	headline?: string;
	/** Extra data (the chart's series). */
	series?: unknown;
}

export interface BenchContext {
	sandbox: import('./sandbox-client').SandboxClient;
	rounds: number;
	/** Progress line on stderr. */
	log(line: string): void;
	/** Milliseconds left of the bench's time budget (BENCH_BUDGET_S). */
	budgetLeftMs(): number;
}

/** Whether the pack's node and its sandbox module are in this checkout (others may still be writing them). */
export function available(context: BenchContext, node: string, vendor: string): string | undefined {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { nodeTypes } = require('../test/harness/registry') as typeof import('../test/harness/registry');
	if (!nodeTypes[node]) return `the ${node} node is not in this checkout yet (test/harness/registry.ts)`;
	if (!context.sandbox.has(vendor)) return `the sandbox has no ${vendor} module yet (test/sandbox/index.ts)`;
	return undefined;
}
