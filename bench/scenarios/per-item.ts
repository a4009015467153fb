/**
 * Scenario 3 — a per-item API without a rate limit: DevRev links, the DevRev node against n8n's
 * HTTP Request node and a raw undici client (without and with keep-alive) sending the same requests
 * at the same concurrency.
 */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore } from '../../test/harness/engine';
import { DEVREV_TOKEN } from '../../test/sandbox/devrev';
import { type BenchContext, fmt, median, runPeer, type ScenarioResult, timedRun } from '../common';
import { type RawRequest, runCoreHelper, runRaw } from '../raw';

/** Where the DevRev node's Auto starts, and the level its per-item overhead is judged at. */
export const DEFAULT_CONCURRENCY = 8;
export const LEVELS = [1, 4, DEFAULT_CONCURRENCY, 16, 64];
const ITEMS = 600;
/** At concurrency 1 a run is one round trip per item (~21 ms each): fewer items keep the bench short. */
const ITEMS_AT_1 = 150;
const LATENCY_MS = 20;
/** Targets: the node's throughput against undici without keep-alive at the default concurrency. */
const NO_KEEP_ALIVE_SHARE = 0.95;
/** Every contender first runs this many links (the node with Auto, the others at 64 in flight), so none is measured while its code is still being compiled. */
const WARM_UP_ITEMS = 1200;
const WARM_UP_CONCURRENCY = 64;

/** The chart's data: throughput per concurrency of each contender. */
export interface ThroughputSeries {
	points: ThroughputPoint[];
}

export interface ThroughputPoint {
	concurrency: number;
	items: number;
	ours: number;
	/** n8n's HTTP Request node, fed `concurrency` items at a time. */
	peer: number;
	/** raw undici opening a new connection per request (as n8n-core's HTTP helper does). */
	rawNoKeepAlive: number;
	/** n8n-core's HTTP helper alone, with no node around it: the most any node can reach. */
	helper: number;
	/** raw undici with keep-alive connections: the physical reference. */
	raw: number;
}
const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;

function items(count: number) {
	return Array.from({ length: count }, (_, i) => ({ source: issue(i + 1), target: ticket(i + 1) }));
}

/**
 * The DevRev node linking `input` at a fixed Concurrency, or with the option unset (Auto, its
 * default). The links are new, so the node is told not to look each one up first (its default): one
 * request per link, like its peers.
 */
export async function runDevRevLinks(context: BenchContext, input: IDataObject[], concurrency: number | 'auto', continueOnFail = false) {
	const credentials = new CredentialStore();
	credentials.set('recordLinksDevRevApi', { token: DEVREV_TOKEN, baseUrl: context.sandbox.baseUrl('devrev') });
	return await timedRun({
		node: 'devRev',
		parameters: {
			operation: 'link',
			linkType: 'is_related_to',
			source: '={{ $json.source }}',
			target: '={{ $json.target }}',
			options: { returnExisting: false, ...(concurrency === 'auto' ? {} : { concurrency }) },
		},
		items: input,
		credentials,
		continueOnFail,
	});
}

async function ours(context: BenchContext, count: number, concurrency: number | 'auto') {
	const { sandbox } = context;
	await sandbox.prepare(LATENCY_MS);
	const run = await runDevRevLinks(context, items(count), concurrency);
	const linked = await sandbox.linkCount('devrev');
	if (run.ok !== count || linked !== count) throw new Error(`DevRev node: ${run.ok} ok, ${linked} linked of ${count}: ${run.error}`);
	return { ms: run.ms, cpuMs: run.cpuMs };
}

/** What the node sends for each link: the same path, body and Authorization header. */
function rawRequests(base: URL, count: number): RawRequest[] {
	return items(count).map(({ source, target }) => ({
		method: 'POST',
		path: `${base.pathname}/links.create`,
		headers: { authorization: `Bearer ${DEVREV_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify({ link_type: 'is_related_to', source, target }),
	}));
}

async function raw(context: BenchContext, count: number, concurrency: number, keepAlive = true) {
	const { sandbox } = context;
	await sandbox.prepare(LATENCY_MS);
	const base = new URL(sandbox.baseUrl('devrev'));
	const run = await runRaw(base.origin, rawRequests(base, count), concurrency, { keepAlive });
	const linked = await sandbox.linkCount('devrev');
	if (run.ok !== count || linked !== count) throw new Error(`raw undici: ${run.ok} ok, ${linked} linked of ${count}`);
	return { ms: run.ms, cpuMs: run.cpuMs };
}

/** The same requests through n8n-core's HTTP helper alone (no node, no workflow). */
async function helper(context: BenchContext, count: number, concurrency: number) {
	const { sandbox } = context;
	await sandbox.prepare(LATENCY_MS);
	const base = new URL(sandbox.baseUrl('devrev'));
	const run = await runCoreHelper(base.origin, rawRequests(base, count), concurrency);
	const linked = await sandbox.linkCount('devrev');
	if (run.ok !== count || linked !== count) throw new Error(`n8n-core's helper: ${run.ok} ok, ${linked} linked of ${count}`);
	return { ms: run.ms, cpuMs: run.cpuMs };
}

/**
 * n8n's HTTP Request node sends all of its input at once (its Batching option spaces requests out in
 * time but does not wait for answers). A user who wants `concurrency` requests in flight feeds it that
 * many items at a time (Loop Over Items → HTTP Request): one node run per chunk, the chunks one after
 * the other, the same request, body and header as the DevRev node.
 */
async function peer(context: BenchContext, count: number, concurrency: number) {
	const { sandbox } = context;
	await sandbox.prepare(LATENCY_MS);
	const all = items(count);
	let ms = 0;
	let cpuMs = 0;
	let ok = 0;
	for (let start = 0; start < count; start += concurrency) {
		const run = await runPeer(
			{
				method: 'POST',
				url: `${sandbox.baseUrl('devrev')}/links.create`,
				jsonBody: '={"link_type": "is_related_to", "source": "{{ $json.source }}", "target": "{{ $json.target }}"}',
				auth: { type: 'httpHeaderAuth', name: 'Authorization', value: `Bearer ${DEVREV_TOKEN}` },
			},
			all.slice(start, start + concurrency),
		);
		ms += run.ms;
		cpuMs += run.cpuMs;
		ok += run.ok;
	}
	const linked = await sandbox.linkCount('devrev');
	if (ok !== count || linked !== count) throw new Error(`HTTP Request node: ${ok} ok, ${linked} linked of ${count}`);
	return { ms, cpuMs };
}

type Contender = 'ours' | 'peer' | 'helper' | 'rawNoKeepAlive' | 'raw';
const CONTENDERS: Contender[] = ['ours', 'peer', 'helper', 'rawNoKeepAlive', 'raw'];

export async function perItemScenario(context: BenchContext): Promise<ScenarioResult> {
	const base = {
		id: 'per-item',
		title: `3. Per-item API, no rate limit — ${ITEMS.toLocaleString('en-US')} DevRev links`,
		setup: `DevRev node (\`links.create\`, one request per item) against n8n's HTTP Request node (4.4, fed as many items at a time as the concurrency: it sends all of its input at once, so a user limits it with Loop Over Items) and a raw undici 7 client (a \`Pool\` with as many connections as the concurrency) without keep-alive (a new connection per request, as n8n-core's HTTP helper makes for every node) and with keep-alive (the physical reference), and n8n-core's own HTTP helper alone (\`httpRequest\`, where every node's \`this.helpers.httpRequest…\` ends; no node or workflow around it, the transport's options): the most any node can reach. Same requests, body and \`Authorization\` header. The node runs at each concurrency as a fixed cap (the Concurrency option set), and with the option unset (Auto: it starts at ${DEFAULT_CONCURRENCY} and grows while answers hold). Sandbox latency ${LATENCY_MS} ms, no rate limit. ${ITEMS} items per run (${ITEMS_AT_1} at concurrency 1). Throughput = items ÷ time; CPU = this process's user + system time (the sandbox runs in its own); median of ${context.rounds} rounds, the five contenders interleaved in a rotating order, after a warm-up of ${fmt.int(WARM_UP_ITEMS)} links each.`,
		target: `The DevRev node's throughput ≥ the HTTP Request node's at every concurrency; ≥ ${fmt.pct(NO_KEEP_ALIVE_SHARE)} of undici without keep-alive at the same concurrency (${DEFAULT_CONCURRENCY}, where Auto starts); with Auto (its default) ≥ the HTTP Request node at its best concurrency; CPU per link ≤ the HTTP Request node's.`,
	};
	context.log('scenario 3: warm-up');
	await ours(context, WARM_UP_ITEMS, 'auto');
	await peer(context, WARM_UP_ITEMS, WARM_UP_CONCURRENCY);
	await helper(context, WARM_UP_ITEMS, WARM_UP_CONCURRENCY);
	await raw(context, WARM_UP_ITEMS, WARM_UP_CONCURRENCY, false);
	await raw(context, WARM_UP_ITEMS, WARM_UP_CONCURRENCY);

	type Sample = { ms: number; cpuMs: number };
	const samples = new Map<number, Record<Contender, Sample[]>>(
		LEVELS.map((level) => [level, { ours: [], peer: [], helper: [], rawNoKeepAlive: [], raw: [] }]),
	);
	const runners: Record<Contender, (count: number, level: number) => Promise<Sample>> = {
		ours: (count, level) => ours(context, count, level),
		peer: (count, level) => peer(context, count, level),
		helper: (count, level) => helper(context, count, level),
		rawNoKeepAlive: (count, level) => raw(context, count, level, false),
		raw: (count, level) => raw(context, count, level),
	};
	const autoSamples: Sample[] = [];
	for (let round = 0; round < context.rounds; round++) {
		autoSamples.push(await ours(context, ITEMS, 'auto'));
		context.log(`scenario 3: round ${round + 1} Auto: ours ${fmt.ms(autoSamples.at(-1)!.ms)}`);
		for (const level of LEVELS) {
			const count = level === 1 ? ITEMS_AT_1 : ITEMS;
			const sample = samples.get(level)!;
			// Rotate who goes first, so a noisy neighbour does not always hit the same contender.
			for (let k = 0; k < CONTENDERS.length; k++) {
				const contender = CONTENDERS[(k + round) % CONTENDERS.length];
				sample[contender].push(await runners[contender](count, level));
			}
			context.log(
				`scenario 3: round ${round + 1} concurrency ${level}: ${CONTENDERS.map((contender) => `${contender} ${fmt.ms(sample[contender].at(-1)!.ms)}`).join(', ')}`,
			);
		}
	}

	const ms = (values: Sample[]) => median(values.map((sample) => sample.ms));
	/** CPU per link in this process, µs. */
	const cpuPerLink = (values: Sample[], count: number) => (median(values.map((sample) => sample.cpuMs)) / count) * 1000;
	const points: ThroughputPoint[] = LEVELS.map((level) => {
		const count = level === 1 ? ITEMS_AT_1 : ITEMS;
		const sample = samples.get(level)!;
		const throughput = (contender: Contender) => count / (ms(sample[contender]) / 1000);
		return {
			concurrency: level,
			items: count,
			ours: throughput('ours'),
			peer: throughput('peer'),
			helper: throughput('helper'),
			rawNoKeepAlive: throughput('rawNoKeepAlive'),
			raw: throughput('raw'),
		};
	});
	const autoThroughput = ITEMS / (ms(autoSamples) / 1000);
	const bestPeer = points.reduce((best, point) => (point.peer > best.peer ? point : best));
	const rows = points.map((point) => {
		const sample = samples.get(point.concurrency)!;
		const cpu = (contender: Contender) => fmt.int(cpuPerLink(sample[contender], point.items));
		return [
			point.concurrency === DEFAULT_CONCURRENCY ? `**${point.concurrency}** (where Auto starts)` : String(point.concurrency),
			fmt.int(point.items),
			`**${fmt.int(point.ours)}/s**`,
			`${fmt.int(point.peer)}/s`,
			`${fmt.int(point.helper)}/s (${fmt.pct(point.helper / point.rawNoKeepAlive)})`,
			`${fmt.int(point.rawNoKeepAlive)}/s`,
			`${fmt.int(point.raw)}/s`,
			`${fmt.ratio(point.ours / point.peer)} · ${fmt.pct(point.ours / point.helper)} · ${fmt.pct(point.ours / point.rawNoKeepAlive)} · ${fmt.pct(point.ours / point.raw)}`,
			`${cpu('ours')} / ${cpu('peer')} / ${cpu('helper')} / ${cpu('rawNoKeepAlive')} µs`,
		];
	});
	rows.push([
		'**Auto** (the default: Concurrency unset)',
		fmt.int(ITEMS),
		`**${fmt.int(autoThroughput)}/s**`,
		`best ${fmt.int(bestPeer.peer)}/s (at ${bestPeer.concurrency})`,
		'—',
		'—',
		'—',
		`${fmt.ratio(autoThroughput / bestPeer.peer)} of the HTTP Request node at its best`,
		`${fmt.int(cpuPerLink(autoSamples, ITEMS))} µs (node)`,
	]);
	const atDefault = points.find((point) => point.concurrency === DEFAULT_CONCURRENCY)!;
	const behindPeer = points.filter((point) => point.ours < point.peer);
	const share = atDefault.ours / atDefault.rawNoKeepAlive;
	const defaultSample = samples.get(DEFAULT_CONCURRENCY)!;
	const oursCpu = cpuPerLink(defaultSample.ours, atDefault.items);
	const peerCpu = cpuPerLink(defaultSample.peer, atDefault.items);
	const cpuAbove = points.filter((point) => {
		const sample = samples.get(point.concurrency)!;
		return cpuPerLink(sample.ours, point.items) > cpuPerLink(sample.peer, point.items);
	});
	const autoAhead = autoThroughput >= bestPeer.peer;
	const checks = [behindPeer.length === 0, share >= NO_KEEP_ALIVE_SHARE, autoAhead, oursCpu <= peerCpu];
	const passed = checks.filter(Boolean).length;
	const notes = [
		`Throughput against the HTTP Request node at the same concurrency: ${behindPeer.length === 0 ? '**met** at every concurrency' : `**missed** at concurrency ${behindPeer.map((point) => `${point.concurrency} (${fmt.pct(point.ours / point.peer)})`).join(', ')}`} (${points.map((point) => `${point.concurrency}: ${fmt.ratio(point.ours / point.peer)}`).join(', ')}).`,
		`At concurrency ${DEFAULT_CONCURRENCY} (set as a fixed cap) the DevRev node reaches ${fmt.pct(share)} of undici without keep-alive (${fmt.int(atDefault.ours)} vs ${fmt.int(atDefault.rawNoKeepAlive)} links/s): target ≥ ${fmt.pct(NO_KEEP_ALIVE_SHARE)} **${share >= NO_KEEP_ALIVE_SHARE ? 'met' : 'missed'}**; ${fmt.pct(atDefault.ours / atDefault.raw)} of keep-alive undici (the physical reference: n8n-core's helper, which every node must use, makes a new connection per request, so no node can reuse one). n8n-core's helper alone, with no node around it, reaches ${fmt.pct(atDefault.helper / atDefault.rawNoKeepAlive)} of undici without keep-alive (${fmt.int(atDefault.helper)} links/s), and the node ${fmt.pct(atDefault.ours / atDefault.helper)} of the helper alone: ${atDefault.helper / atDefault.rawNoKeepAlive < NO_KEEP_ALIVE_SHARE ? `the helper by itself stays under ${fmt.pct(NO_KEEP_ALIVE_SHARE)}, so no node that sends through it can reach the target here` : 'the helper alone leaves room for the target'}.`,
		`With Auto (the default) the DevRev node links ${fmt.int(autoThroughput)}/s, against the HTTP Request node's best of ${fmt.int(bestPeer.peer)}/s (at concurrency ${bestPeer.concurrency}): target ≥ **${autoAhead ? 'met' : 'missed'}** (${fmt.ratio(autoThroughput / bestPeer.peer)}).`,
		`CPU per link at concurrency ${DEFAULT_CONCURRENCY}: DevRev node ${fmt.int(oursCpu)} µs, HTTP Request node ${fmt.int(peerCpu)} µs: target ≤ **${oursCpu <= peerCpu ? 'met' : 'missed'}**${cpuAbove.length ? ` (above it at concurrency ${cpuAbove.map((point) => point.concurrency).join(', ')})` : ' (and at every concurrency)'}. Profile: [NOTES.md](NOTES.md).`,
	];
	return {
		...base,
		table: {
			header: [
				'concurrency',
				'items',
				'DevRev node',
				'HTTP Request node',
				"n8n-core's HTTP helper alone (÷ undici, no keep-alive)",
				'undici, no keep-alive',
				'undici, keep-alive',
				'node ÷ HTTP Request · ÷ helper alone · ÷ no keep-alive · ÷ keep-alive',
				'CPU per link (node / HTTP Request / helper alone / undici no keep-alive)',
			],
			rows,
		},
		verdict: passed === checks.length ? 'met' : 'missed',
		notes,
		headline: `${fmt.pct(share)} of undici without keep-alive at concurrency ${DEFAULT_CONCURRENCY} (${fmt.int(atDefault.ours)} vs ${fmt.int(atDefault.rawNoKeepAlive)} links/s); Auto ${fmt.int(autoThroughput)}/s, ${fmt.ratio(autoThroughput / bestPeer.peer)} the HTTP Request node at its best; ${behindPeer.length === 0 ? 'at or above' : 'below'} the HTTP Request node ${behindPeer.length === 0 ? 'at every concurrency' : `at ${behindPeer.map((point) => point.concurrency).join(', ')}`}; CPU per link ${fmt.int(oursCpu)} vs ${fmt.int(peerCpu)} µs`,
		series: { points } satisfies ThroughputSeries,
	};
}
