/**
 * Scenario 7 — a vendor that limits requests in flight: the sandbox refuses any DevRev request past
 * N at once with a 429 (Retry-After: 0). The DevRev node with Auto (its default) against the same
 * node at fixed caps and n8n's HTTP Request node: items lost, 429s, requests and time.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEVREV_TOKEN } from '../../test/sandbox/devrev';
import { type BenchContext, fmt, median, runPeer, type ScenarioResult } from '../common';
import { runDevRevLinks } from './per-item';

const ITEMS = 600;
const IN_FLIGHT_LIMIT = 16;
const LATENCY_MS = 20;

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;
const items = (): IDataObject[] => Array.from({ length: ITEMS }, (_, i) => ({ source: issue(i + 1), target: ticket(i + 1) }));

interface Sample {
	ms: number;
	linked: number;
	refused: number;
	requests: number;
	peakInFlight: number;
}

interface Stats {
	requestCount: number;
	injected: Record<string, number>;
	peakInFlight: Record<string, number>;
}

async function prepare({ sandbox }: BenchContext) {
	await sandbox.prepare(LATENCY_MS);
	await sandbox.send({ cmd: 'inFlightLimit', vendor: 'devrev', max: IN_FLIGHT_LIMIT });
}

async function measure(context: BenchContext, run: () => Promise<{ ms: number }>): Promise<Sample> {
	await prepare(context);
	const { ms } = await run();
	const stats = await context.sandbox.send<Stats>({ cmd: 'stats' });
	return {
		ms,
		linked: (await context.sandbox.linkCount('devrev')) ?? 0,
		refused: stats.injected.tooManyInFlight ?? 0,
		requests: stats.requestCount,
		peakInFlight: stats.peakInFlight.devrev ?? 0,
	};
}

function node(context: BenchContext, concurrency: number | 'auto') {
	return async () => await runDevRevLinks(context, items(), concurrency, true);
}

function httpRequestNode(context: BenchContext) {
	return async () =>
		await runPeer(
			{
				method: 'POST',
				url: `${context.sandbox.baseUrl('devrev')}/links.create`,
				jsonBody: '={"link_type": "is_related_to", "source": "{{ $json.source }}", "target": "{{ $json.target }}"}',
				auth: { type: 'httpHeaderAuth', name: 'Authorization', value: `Bearer ${DEVREV_TOKEN}` },
			},
			items(),
		);
}

export async function inFlightScenario(context: BenchContext): Promise<ScenarioResult> {
	const contenders: Array<[string, () => Promise<{ ms: number }>]> = [
		['DevRev node, Auto (default)', node(context, 'auto')],
		['DevRev node, Concurrency 8 (fixed)', node(context, 8)],
		['DevRev node, Concurrency 64 (fixed)', node(context, 64)],
		['HTTP Request node (default options: all items at once)', httpRequestNode(context)],
	];
	const samples = new Map<string, Sample[]>(contenders.map(([name]) => [name, []]));
	for (let round = 0; round < context.rounds; round++) {
		for (let k = 0; k < contenders.length; k++) {
			const [name, run] = contenders[(k + round) % contenders.length];
			const sample = await measure(context, run);
			samples.get(name)!.push(sample);
			context.log(`scenario 7: round ${round + 1}: ${name}: ${sample.linked} linked, ${sample.refused} refused, ${fmt.ms(sample.ms)}`);
		}
	}
	const summary = (name: string) => {
		const values = samples.get(name)!;
		return {
			lostWorst: Math.max(...values.map((value) => ITEMS - value.linked)),
			refused: median(values.map((value) => value.refused)),
			requests: median(values.map((value) => value.requests)),
			ms: median(values.map((value) => value.ms)),
			peak: Math.max(...values.map((value) => value.peakInFlight)),
		};
	};
	const rows = contenders.map(([name]) => {
		const result = summary(name);
		return [name, fmt.int(result.lostWorst), fmt.int(result.refused), fmt.int(result.requests), fmt.ms(result.ms), fmt.int(result.peak)];
	});
	const auto = summary(contenders[0][0]);
	const fixed64 = summary(contenders[2][0]);
	const met = auto.lostWorst === 0;
	return {
		id: 'in-flight',
		title: `7. A vendor that limits requests in flight — ${fmt.int(ITEMS)} DevRev links, at most ${IN_FLIGHT_LIMIT} at once`,
		setup: `The sandbox refuses any DevRev request past ${IN_FLIGHT_LIMIT} in flight at once with DevRev's 429 (Retry-After: 0), as an API that limits concurrent requests does; latency ${LATENCY_MS} ms. ${fmt.int(ITEMS)} new links (\`links.create\`, Return Existing Copy off) with Continue On Fail. "Lost" = items not linked in the worst round; "refused" = 429s the sandbox sent; "peak in flight" = the most requests the sandbox held at once (refused ones included). Median of ${context.rounds} rounds, the contenders in a rotating order.`,
		target: 'Auto (the default) loses no item, and its 429s are counted.',
		table: { header: ['run', 'lost (worst round)', '429s (median)', 'requests', 'time', 'peak in flight'], rows },
		verdict: met ? 'met' : 'missed',
		notes: [
			`Auto: ${auto.lostWorst} items lost (target 0: **${met ? 'met' : 'missed'}**), ${fmt.int(auto.refused)} 429s in ${fmt.int(auto.requests)} requests, ${fmt.ms(auto.ms)}; a fixed Concurrency of 64 also loses nothing (429s are waited out) but takes ${fmt.int(fixed64.refused)} 429s in ${fmt.int(fixed64.requests)} requests, ${fmt.ms(fixed64.ms)}.`,
			'The HTTP Request node sends every item at once; the requests past the limit fail, and the node stops the workflow unless its own Retry On Fail is set.',
		],
		headline: `Auto: 0 of ${fmt.int(ITEMS)} lost${met ? '' : ' (missed)'}, ${fmt.int(auto.refused)} 429s, ${fmt.ms(auto.ms)}`,
	};
}
