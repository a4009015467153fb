/**
 * One scale run in a process of its own, so its peak memory is its own: N DataGOL links through the
 * DataGOL node against the sandbox (URL in argv). Prints one JSON line: time, outcome and memory.
 *
 *   tsx bench/scale-child.ts <datagol base URL> <items>
 */
import './env';

import { CredentialStore, shutdownEngine } from '../test/harness/engine';
import { DATAGOL, DATAGOL_JWT } from '../test/sandbox/datagol';
import { timedRun } from './common';

export interface ScaleSample {
	items: number;
	ms: number;
	ok: number;
	error?: string;
	/** Peak resident set size of this process (the kernel's high-water mark), bytes. */
	peakRss: number;
	/** Highest RSS seen by sampling every 25 ms during the node's run, bytes. */
	sampledRss: number;
	/** RSS before the run (the engine loaded, items built), bytes. */
	baselineRss: number;
}

async function main() {
	const [baseUrl, countText] = process.argv.slice(2);
	const count = Number(countText);
	const credentials = new CredentialStore();
	credentials.set('recordLinksDataGolApi', { baseUrl, token: DATAGOL_JWT, authHeader: 'bearer' });
	const items = Array.from({ length: count }, (_, i) => ({ source: i + 1, destination: (i % 5000) + 1 }));
	let sampledRss = process.memoryUsage.rss();
	const baselineRss = sampledRss;
	const sampler = setInterval(() => {
		sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
	}, 25);
	const run = await timedRun({
		node: 'dataGol',
		parameters: {
			operation: 'link',
			workspaceId: DATAGOL.workspaceId,
			workbookId: DATAGOL.ordersTable,
			linkColumnId: DATAGOL.ordersCustomerColumn,
			sourceRecordId: '={{ $json.source }}',
			destinationRecordId: '={{ $json.destination }}',
		},
		items,
		credentials,
	});
	clearInterval(sampler);
	sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
	const sample: ScaleSample = {
		items: count,
		ms: run.ms,
		ok: run.ok,
		error: run.error,
		peakRss: process.resourceUsage().maxRSS * 1024,
		sampledRss,
		baselineRss,
	};
	process.stdout.write(`${JSON.stringify(sample)}\n`);
	await shutdownEngine();
}

void main();
