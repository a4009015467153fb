/**
 * `npm run bench`: the pack's nodes against n8n's HTTP Request node and against raw HTTP, in one
 * run, on the vendor sandbox. Prints a table per scenario and writes bench/RESULTS.md and
 * bench/throughput.svg.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_SCALE_ROUNDS (rounds of the 100k run; default
 * BENCH_ROUNDS, fewer when the time budget runs short), BENCH_BUDGET_S (default 540),
 * BENCH_ONLY (comma-separated scenario ids: batch, rate-limited, per-item, scale, triggered, reconcile, in-flight, unicat-batch),
 * BENCH_TRIGGERED (executions per node in the triggered scenario, default 500),
 * BENCH_TRIGGERED_N8N (webhook calls per workflow in real n8n, default 60; 0 skips it),
 * BENCH_N8N_NODES_BASE (an n8n-nodes-base folder for the HTTP Request node).
 */
import './env';

import { shutdownEngine } from '../test/harness/engine';
import { type BenchContext, ROUNDS, type ScenarioResult } from './common';
import { loadPeer, locatePeer, type Peer } from './peer';
import { environment, renderChart, renderConsole, renderMarkdown, writeOutputs } from './report';
import { SandboxClient } from './sandbox-client';
import { batchScenario } from './scenarios/batch';
import { inFlightScenario } from './scenarios/in-flight';
import { perItemScenario, type ThroughputSeries } from './scenarios/per-item';
import { rateLimitedScenario } from './scenarios/rate-limited';
import { reconcileScenario } from './scenarios/reconcile';
import { scaleScenario } from './scenarios/scale';
import { triggeredScenario } from './scenarios/triggered';
import { unicatBatchScenario } from './scenarios/unicat-batch';

const SCENARIOS: Array<[string, (context: BenchContext) => Promise<ScenarioResult>]> = [
	['batch', batchScenario],
	['rate-limited', rateLimitedScenario],
	['per-item', perItemScenario],
	['triggered', triggeredScenario],
	['reconcile', reconcileScenario],
	['in-flight', inFlightScenario],
	['unicat-batch', unicatBatchScenario],
	// Last: it takes fewer rounds when the time budget runs short.
	['scale', scaleScenario],
];

/** `npm run bench` must finish in under 10 minutes on a 2-core machine; the scale scenario adapts to this. */
const BUDGET_MS = (Number(process.env.BENCH_BUDGET_S) || 540) * 1000;

async function main() {
	const started = performance.now();
	const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
	const peer: Peer = locatePeer();
	loadPeer(peer);
	const env = environment(peer);
	const sandbox = await SandboxClient.start();
	const context: BenchContext = {
		sandbox,
		rounds: ROUNDS,
		budgetLeftMs: () => BUDGET_MS - (performance.now() - started),
		log: (line) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`),
	};
	const results: ScenarioResult[] = [];
	try {
		for (const [id, scenario] of SCENARIOS) {
			if (only && !only.includes(id)) continue;
			results.push(await scenario(context));
		}
	} finally {
		await sandbox.stop();
		await shutdownEngine();
	}
	const totalMs = performance.now() - started;
	// In the order of their numbers (the run order puts the budget-adapting scale scenario last).
	results.sort((a, b) => parseInt(a.title, 10) - parseInt(b.title, 10));
	const series = results.find((result) => result.id === 'per-item')?.series as ThroughputSeries | undefined;
	writeOutputs(renderMarkdown(results, env, totalMs, ROUNDS), series ? renderChart(series) : undefined);
	process.stdout.write(`${renderConsole(results)}\n\nWrote bench/RESULTS.md${series ? ' and bench/throughput.svg' : ''} in ${(totalMs / 1000).toFixed(0)} s.\n`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
