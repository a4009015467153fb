/**
 * Scenario 6 — reconcile: 1,000 DevRev issues, each with 3 `is_dependent_on` links, of which about
 * 10% change (100 issues swap one dependency). The DevRev node's Set Links against what users build
 * today: an HTTP Request node reading each issue's links (`links.list`), the diff (as a Code node
 * would compute it), then HTTP Request nodes deleting and creating one link per change. Requests sent
 * and time, side by side in one run; then the same input again: writes sent (target 0).
 */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore } from '../../test/harness/engine';
import { DEVREV_TOKEN } from '../../test/sandbox/devrev';
import { type BenchContext, fmt, median, type NodeRun, runPeer, type ScenarioResult, timedRun } from '../common';

const RECORDS = 1000;
const LINKS_PER_RECORD = 3;
const CHANGED_EVERY = 10;
const LATENCY_MS = 20;

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
/** Issue i's k-th dependency today; a changed issue wants a new one in place of its first. */
const dependency = (i: number, k: number) => issue(100_000 + i * 10 + k);
const wantedOf = (i: number) =>
	Array.from({ length: LINKS_PER_RECORD }, (_, k) => (k === 0 && i % CHANGED_EVERY === 0 ? issue(500_000 + i) : dependency(i, k)));

const AUTH = { type: 'httpHeaderAuth', name: 'Authorization', value: `Bearer ${DEVREV_TOKEN}` } as const;

function credentials(context: BenchContext) {
	const store = new CredentialStore();
	store.set('recordLinksDevRevApi', { baseUrl: context.sandbox.baseUrl('devrev'), token: DEVREV_TOKEN });
	return store;
}

/** Today's links, made by the node's Link (not measured). */
async function seed(context: BenchContext): Promise<void> {
	await context.sandbox.prepare(0);
	const items = Array.from({ length: RECORDS * LINKS_PER_RECORD }, (_, n) => ({
		source: issue(Math.floor(n / LINKS_PER_RECORD) + 1),
		target: dependency(Math.floor(n / LINKS_PER_RECORD) + 1, n % LINKS_PER_RECORD),
	}));
	const run = await timedRun({
		node: 'devRev',
		parameters: { operation: 'link', linkType: 'is_dependent_on', source: '={{ $json.source }}', target: '={{ $json.target }}', options: { returnExisting: false, concurrency: 32 } },
		items,
		credentials: credentials(context),
	});
	if (run.ok !== items.length) throw new Error(`seeding: ${run.ok} of ${items.length} linked`);
	await context.sandbox.send({ cmd: 'latency', ms: LATENCY_MS });
}

const input = () => Array.from({ length: RECORDS }, (_, n) => ({ issue: issue(n + 1), dependsOn: wantedOf(n + 1) }));

interface Sample {
	ms: number;
	requests: number;
	writes: number;
}

async function counted(context: BenchContext, work: () => Promise<{ ms: number; writes: number }>): Promise<Sample> {
	const before = await context.sandbox.requestCount();
	const { ms, writes } = await work();
	return { ms, writes, requests: (await context.sandbox.requestCount()) - before };
}

async function ours(context: BenchContext): Promise<{ ms: number; writes: number }> {
	const run = await timedRun({
		node: 'devRev',
		parameters: { operation: 'setLinks', object: '={{ $json.issue }}', direction: 'is_source', linkType: 'is_dependent_on', linkedObjects: '={{ $json.dependsOn }}', options: {} },
		items: input(),
		credentials: credentials(context),
	});
	if (run.ok !== RECORDS) throw new Error(`Set Links: ${run.ok} of ${RECORDS} ok (${run.error ?? ''})`);
	const writes = run.outputs.reduce((sum, output) => sum + (output.added as unknown[]).length + (output.removed as unknown[]).length, 0);
	return { ms: run.ms, writes };
}

/** HTTP Request (links.list per issue) → the diff a Code node computes → HTTP Request per delete and per create. */
async function peer(context: BenchContext): Promise<{ ms: number; writes: number }> {
	const base = context.sandbox.baseUrl('devrev');
	const wanted = input();
	const read = await runPeer(
		{
			method: 'POST',
			url: `${base}/links.list`,
			jsonBody: '={"object": "{{ $json.issue }}", "direction": "is_source", "link_type": ["is_dependent_on"], "limit": 100}',
			auth: AUTH,
		},
		wanted,
	);
	const deletes: IDataObject[] = [];
	const creates: IDataObject[] = [];
	read.outputs.forEach((page, n) => {
		const links = (page.links as Array<{ id: string; target: { id: string } }>) ?? [];
		const want = new Set(wanted[n].dependsOn);
		const have = new Set(links.map((link) => link.target.id));
		for (const link of links) if (!want.has(link.target.id)) deletes.push({ id: link.id });
		for (const target of want) if (!have.has(target)) creates.push({ source: wanted[n].issue, target });
	});
	let ms = read.ms;
	const runs: NodeRun[] = [];
	if (deletes.length) runs.push(await runPeer({ method: 'POST', url: `${base}/links.delete`, jsonBody: '={"id": "{{ $json.id }}"}', auth: AUTH }, deletes));
	if (creates.length) {
		runs.push(
			await runPeer(
				{ method: 'POST', url: `${base}/links.create`, jsonBody: '={"link_type": "is_dependent_on", "source": "{{ $json.source }}", "target": "{{ $json.target }}"}', auth: AUTH },
				creates,
			),
		);
	}
	for (const run of runs) {
		ms += run.ms;
		if (run.failed) throw new Error(`HTTP Request: ${run.failed} writes failed`);
	}
	return { ms, writes: deletes.length + creates.length };
}

export async function reconcileScenario(context: BenchContext): Promise<ScenarioResult> {
	const base = {
		id: 'reconcile',
		title: `6. Reconcile — ${RECORDS.toLocaleString('en-US')} DevRev issues, ${100 / CHANGED_EVERY}% of them changed`,
		setup: `Each of ${RECORDS.toLocaleString('en-US')} issues has ${LINKS_PER_RECORD} \`is_dependent_on\` links; every ${CHANGED_EVERY}th wants one of them replaced (${RECORDS / CHANGED_EVERY} deletes + ${RECORDS / CHANGED_EVERY} creates). The DevRev node's Set Links (default options) against n8n's HTTP Request node reading each issue's links, the diff computed as a Code node would, and HTTP Request nodes deleting and creating one link per change (n8n's defaults: all of a node's input at once). Then the same input a second time. Sandbox latency ${LATENCY_MS} ms; time = the nodes' execution time; median of ${context.rounds} rounds, each on freshly seeded links.`,
		target: 'Set Links sends no more requests than the hand-built flow and takes no longer; a second run with the same input sends 0 writes.',
	};
	const first: Record<'ours' | 'peer', Sample[]> = { ours: [], peer: [] };
	const second: Record<'ours' | 'peer', Sample[]> = { ours: [], peer: [] };
	for (let round = 0; round < context.rounds; round++) {
		for (const contender of round % 2 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const)) {
			await seed(context);
			const run = contender === 'ours' ? ours : peer;
			first[contender].push(await counted(context, async () => await run(context)));
			second[contender].push(await counted(context, async () => await run(context)));
		}
		context.log(`scenario 6: round ${round + 1}: ours ${fmt.ms(first.ours.at(-1)!.ms)}, HTTP Request ${fmt.ms(first.peer.at(-1)!.ms)}`);
	}
	const m = (samples: Sample[], key: keyof Sample) => median(samples.map((sample) => sample[key]));
	const row = (label: string, samples: Record<'ours' | 'peer', Sample[]>) => [
		label,
		`${fmt.int(m(samples.ours, 'requests'))} (${fmt.int(m(samples.ours, 'writes'))} writes)`,
		`${fmt.int(m(samples.peer, 'requests'))} (${fmt.int(m(samples.peer, 'writes'))} writes)`,
		fmt.ms(m(samples.ours, 'ms')),
		fmt.ms(m(samples.peer, 'ms')),
		fmt.ratio(m(samples.peer, 'ms') / m(samples.ours, 'ms')),
	];
	const fewerOrEqual = m(first.ours, 'requests') <= m(first.peer, 'requests');
	const notSlower = m(first.ours, 'ms') <= m(first.peer, 'ms');
	const noWrites = m(second.ours, 'writes') === 0 && m(second.ours, 'requests') === RECORDS;
	return {
		...base,
		table: {
			header: ['run', 'Set Links: requests', 'HTTP Request flow: requests', 'Set Links: time', 'HTTP Request flow: time', 'time ratio'],
			rows: [row('first (10% changed)', first), row('second (same input)', second)],
		},
		verdict: fewerOrEqual && notSlower && noWrites ? 'met' : fewerOrEqual || noWrites ? 'partly met' : 'missed',
		notes: [
			`Requests: ${fmt.int(m(first.ours, 'requests'))} against ${fmt.int(m(first.peer, 'requests'))} (DevRev takes one link per call, so both send one read per issue and one call per change; the node's gain here is the safety: scoped reads, removals confirmed, a lost answer looked up before a create is repeated).`,
			`Time: ${fmt.ms(m(first.ours, 'ms'))} against ${fmt.ms(m(first.peer, 'ms'))} (**${notSlower ? 'met' : 'missed'}**).`,
			`Second run: ${fmt.int(m(second.ours, 'writes'))} writes and ${fmt.int(m(second.ours, 'requests'))} requests (one read per issue) (**${noWrites ? 'met' : 'missed'}**).`,
		],
		headline: `${fmt.int(m(first.ours, 'requests'))} vs ${fmt.int(m(first.peer, 'requests'))} requests, ${fmt.ratio(m(first.peer, 'ms') / m(first.ours, 'ms'))} the speed; second run ${fmt.int(m(second.ours, 'writes'))} writes`,
	};
}
