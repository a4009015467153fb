/**
 * The triggered scenario's confirmation in real n8n 2.8.4: webhook-started FairCom workflows (the
 * pack installed as a community package), each call one single-item execution, the sandbox counting
 * FairCom calls. Needs the end-to-end tests' n8n install (.cache/n8n-2.8.4); skipped without it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FAIRCOM_PASSWORD, FAIRCOM_USERNAME } from '../test/sandbox/faircom';
import { type CredentialJson, sandboxCredentials, webhookNode, type WorkflowJson } from '../scripts/examples';
import { importCredentials, importWorkflows, n8nCommandOrThrow } from '../scripts/n8n-cli';
import { N8N_HOME } from '../scripts/n8n-install';
import { startN8nServer } from '../scripts/n8n-server';
import { installPackage, packedTarballOf, packPackages } from '../scripts/pack';
import { freePort } from '../scripts/ports';
import { vendorInfo } from '../scripts/vendors';
import type { BenchContext } from './common';

export interface WebhookSeries {
	label: string;
	calls: number;
	/** FairCom calls per webhook call (per execution). */
	requestsPerExecution: number;
	/** The webhook's answer time (n8n receives the call, runs the workflow, answers with the last node's output). */
	ms: number[];
	failed: number;
	firstError?: string;
}

const FAIRCOM = vendorInfo('faircom');
const TABLE = 'linked_orders';
const LABELS = [{ name: 'reliable', group: '' }];

type NodeJson = { name: string } & Record<string, unknown>;

function chained(id: string, name: string, path: string, nodes: NodeJson[]): WorkflowJson {
	const all: NodeJson[] = [webhookNode(path), ...nodes.map((node, index) => ({ id: randomUUID(), position: [220 * (index + 1), 0], ...node }))];
	const connections = Object.fromEntries(
		all.slice(0, -1).map((node, index) => [node.name, { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { id, name, nodes: all, connections, active: false, settings: {} } as unknown as WorkflowJson;
}

function packWorkflow(id: string, path: string, credential: CredentialJson): WorkflowJson {
	return chained(id, `Bench ${path}`, path, [
		{
			name: 'FairCom',
			type: FAIRCOM.nodeType,
			typeVersion: 1,
			parameters: { operation: 'link', labels: { label: LABELS }, tableName: TABLE, ids: '={{ $json.body.id }}' },
			credentials: { [FAIRCOM.credentialType]: { id: credential.id, name: credential.name } },
		},
	]);
}

/** What a user builds with HTTP Request nodes: log in, link, log out, every execution. */
function chainWorkflow(id: string, path: string, endpoint: string): WorkflowJson {
	const request = (name: string, jsonBody: string) => ({
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.4,
		parameters: { method: 'POST', url: endpoint, sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody, options: {} },
	});
	return chained(id, `Bench ${path}`, path, [
		request('Create Session', JSON.stringify({ api: 'admin', action: 'createSession', params: { username: FAIRCOM_USERNAME, password: FAIRCOM_PASSWORD } })),
		request(
			'Link',
			`={{ JSON.stringify({ api: 'db', action: 'linkLabelsToRecords', params: { labels: [{ name: 'reliable' }], tableName: '${TABLE}', ids: [$('Webhook').item.json.body.id], verifyLinks: true }, authToken: $('Create Session').item.json.result.authToken }) }}`,
		),
		request('Delete Session', `={{ JSON.stringify({ api: 'admin', action: 'deleteSession', authToken: $('Create Session').item.json.result.authToken }) }}`),
	]);
}

/** Runs `calls` webhook calls per series in real n8n, series interleaved in blocks; undefined when n8n is not installed. */
export async function confirmInN8n(context: BenchContext, calls: number, firstId: number): Promise<WebhookSeries[] | undefined> {
	if (!existsSync(join(N8N_HOME, '.installed'))) return undefined;
	const { sandbox } = context;
	const userFolder = mkdtempSync(join(tmpdir(), 'record-links-bench-n8n-'));
	const brokerPort = await freePort();
	const options = { userFolder, brokerPort };
	try {
		// A table holding the record ids the calls link (after those the engine runs used).
		await sandbox.send({ cmd: 'prepareCase', vendor: 'faircom', n: firstId + 3 * calls + 200 });
		await installPackage(userFolder, packedTarballOf(FAIRCOM.packageName, await packPackages()));
		const [reused] = sandboxCredentials([FAIRCOM], sandbox.url);
		const perExecution: CredentialJson = {
			...reused,
			id: 'benchFairComPerExec',
			name: 'FairCom, session per execution',
			data: { ...reused.data, session: 'perExecution' },
		};
		const endpoint = `${sandbox.baseUrl('faircom')}/api`;
		const series = [
			{ label: 'FairCom node, Session: Reuse (default)', path: 'bench-faircom-reuse', workflow: packWorkflow('benchFcReuse', 'bench-faircom-reuse', reused) },
			{ label: 'FairCom node, Session: One per Execution', path: 'bench-faircom-per-execution', workflow: packWorkflow('benchFcPerExec', 'bench-faircom-per-execution', perExecution) },
			{ label: 'HTTP Request: createSession → link → deleteSession', path: 'bench-faircom-chain', workflow: chainWorkflow('benchFcChain', 'bench-faircom-chain', endpoint) },
		];
		await importCredentials([reused, perExecution], options);
		await importWorkflows(series.map((each) => each.workflow), options);
		for (const each of series) await n8nCommandOrThrow(['publish:workflow', `--id=${each.workflow.id}`], options);
		context.log('triggered: starting n8n for the webhook confirmation');
		const server = await startN8nServer({ ...options, port: await freePort() });
		let nextId = firstId;
		const call = async (path: string) => {
			const response = await fetch(`${server.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ id: nextId++ }),
			});
			const body = (await response.json().catch(() => undefined)) as { linked?: boolean; errorCode?: number } | undefined;
			// The pack answers `linked: true`; the chain's last node FairCom's own envelope, errorCode 0.
			return response.ok && (body?.linked === true || body?.errorCode === 0) ? undefined : `HTTP ${response.status}: ${JSON.stringify(body)?.slice(0, 120)}`;
		};
		try {
			// n8n is ready before it has registered every webhook: one call per workflow that answers
			// first (not measured; for Session: Reuse it is the execution that logs in).
			for (const each of series) {
				const deadline = Date.now() + 60_000;
				while ((await call(each.path)) !== undefined) {
					if (Date.now() > deadline) throw new Error(`The webhook ${each.path} did not answer in real n8n`);
					await new Promise((resolve) => setTimeout(resolve, 500));
				}
			}
			const results: WebhookSeries[] = series.map((each) => ({ label: each.label, calls, requestsPerExecution: 0, ms: [], failed: 0 }));
			const requests = series.map(() => 0);
			const block = 10;
			for (let start = 0; start < calls; start += block) {
				for (const [index, each] of series.entries()) {
					for (let n = start; n < Math.min(calls, start + block); n++) {
						const before = await sandbox.requestCount();
						const started = performance.now();
						const problem = await call(each.path);
						results[index].ms.push(performance.now() - started);
						requests[index] += (await sandbox.requestCount()) - before;
						if (problem) {
							results[index].failed++;
							results[index].firstError ??= problem;
						}
					}
				}
			}
			results.forEach((result, index) => (result.requestsPerExecution = requests[index] / calls));
			return results;
		} finally {
			await server.stop();
		}
	} finally {
		rmSync(userFolder, { recursive: true, force: true });
	}
}
