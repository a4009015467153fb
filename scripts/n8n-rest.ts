/**
 * A running n8n (`n8n start`) driven over its REST API the way the editor drives it: the owner logs
 * in, a saved workflow runs as a manual execution ("Execute workflow"), and the execution is read
 * back from n8n's store with its whole run data. One n8n serves every run of a test file, instead
 * of a new n8n process booted per `n8n execute`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { N8N_HOME } from './n8n-install';
import { DEFAULT_OWNER, login, type N8nServer, setupOwner } from './n8n-server';

type Item = Record<string, unknown>;

/** An execution's run data, as n8n stores it. */
export interface RunData {
	resultData: {
		runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Item }> | null> }; error?: { message: string } }>>;
		error?: { message: string; description?: string; node?: { name: string } };
		lastNodeExecuted?: string;
	};
}

/** A finished execution: its status (`success`, `error`, …) and its run data. */
export interface WorkflowRun {
	id: string;
	status: string;
	data: RunData;
}

/** n8n keeps run data as `flatted` JSON; parse it with n8n's own copy. */
const flatted = createRequire(join(N8N_HOME, 'package.json'))('flatted') as { parse(text: string): unknown };

/** Parses run data as n8n stores it (a `flatted` string), or returns it when it is parsed already. */
export function parseStoredRunData(stored: unknown): RunData {
	return (typeof stored === 'string' ? flatted.parse(stored) : stored) as RunData;
}

const FINAL_STATUSES = ['success', 'error', 'crashed', 'canceled'];

export class N8nRestClient {
	private constructor(
		private readonly url: string,
		private readonly cookie: string,
	) {}

	/** The instance owner's session (set up first when the instance is new). */
	static async asOwner(server: Pick<N8nServer, 'url'>): Promise<N8nRestClient> {
		await setupOwner(server.url, DEFAULT_OWNER);
		return new N8nRestClient(server.url, await login(server.url, DEFAULT_OWNER));
	}

	/** A request with the owner's session cookie (also for what is not under /rest: node types, icons). */
	async fetch(path: string, init: RequestInit = {}): Promise<Response> {
		return await fetch(`${this.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie: this.cookie } });
	}

	/** One REST call; the answer's `data` (undefined for an empty answer). Throws with n8n's answer when it is not a success. */
	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.fetch(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 2000)}`);
		return (text ? (JSON.parse(text) as { data?: T }).data : undefined) as T;
	}

	/**
	 * Runs a saved workflow from its Manual Trigger, as the editor's "Execute workflow" does, and
	 * waits for the execution to finish.
	 */
	async runWorkflow(workflowId: string, timeoutMs = 150_000): Promise<WorkflowRun> {
		const workflow = await this.request<{ id: string; nodes: Array<{ name: string; type: string }> }>('GET', `/rest/workflows/${workflowId}`);
		const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
		if (!trigger) throw new Error(`Workflow ${workflowId} has no Manual Trigger to run it from`);
		const started = await this.request<{ executionId?: string }>('POST', `/rest/workflows/${workflowId}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: trigger.name },
		});
		if (!started.executionId) throw new Error(`n8n started no execution of ${workflowId}: ${JSON.stringify(started)}`);
		return await this.finishedExecution(started.executionId, timeoutMs);
	}

	/** Polls an execution until it has finished; returns it with its run data parsed. */
	private async finishedExecution(executionId: string, timeoutMs: number): Promise<WorkflowRun> {
		const deadline = Date.now() + timeoutMs;
		let status = 'unknown';
		while (Date.now() < deadline) {
			const execution = await this.request<{ status: string; stoppedAt?: string | null; data?: unknown } | undefined>(
				'GET',
				`/rest/executions/${executionId}`,
			);
			status = execution?.status ?? 'unknown';
			if (execution && FINAL_STATUSES.includes(status) && execution.stoppedAt && execution.data) {
				return { id: executionId, status, data: parseStoredRunData(execution.data) };
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error(`Execution ${executionId} did not finish within ${timeoutMs / 1000}s (status: ${status})`);
	}
}

/** The JSON of the items a node output in its first run (first output). */
export function nodeOutput(data: RunData, nodeName: string): Item[] | undefined {
	return data.resultData.runData[nodeName]?.[0]?.data?.main[0]?.map((item) => item.json);
}

/** A node's output items of a successful execution; otherwise the execution's error, thrown. */
export function successfulOutput(run: WorkflowRun, nodeName: string): Item[] {
	const items = nodeOutput(run.data, nodeName);
	if (run.status !== 'success' || !items) {
		throw new Error(`Execution ${run.id} ended with status ${run.status}: ${JSON.stringify(run.data.resultData.error ?? null).slice(0, 4000)}`);
	}
	return items;
}
