/**
 * Scenario 1 — batch APIs: 1,000 DataGOL links into one table, and 1,000 record ids for one FairCom
 * label set. The pack's node (default settings) against n8n's HTTP Request node (default options,
 * one request per item, same body shape and auth), and against Aggregate → one HTTP Request with the
 * whole array (what a skilled user builds).
 */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore } from '../../test/harness/engine';
import { DATAGOL, DATAGOL_JWT } from '../../test/sandbox/datagol';
import {
	available,
	type BenchContext,
	fmt,
	median,
	type NodeRun,
	type PeerRequest,
	runAggregatePeer,
	runPeer,
	type ScenarioResult,
	timedRun,
} from '../common';

const ITEMS = 1000;
const LATENCY_MS = 20;
const MIN_FEWER_REQUESTS = 50;
const MIN_LESS_TIME = 5;
/** The pack node's time against Aggregate → one HTTP Request (while still giving one result per item). */
const MAX_AGGREGATE_RATIO = 1.5;
/** Unmeasured runs of each side first, so that none is timed while its code is still being compiled. */
const WARM_UP_RUNS = 3;

interface Case {
	name: string;
	node: string;
	vendor: string;
	/** Extra sandbox set-up after a reset. */
	prepare?(context: BenchContext): Promise<void>;
	/** The 1,000 input items; with `badAt`, the item at that index carries a record id the vendor refuses. */
	items(badAt?: number): IDataObject[];
	ours(context: BenchContext, items: IDataObject[], continueOnFail?: boolean): Promise<NodeRun>;
	peer(context: BenchContext, items: IDataObject[]): Promise<NodeRun>;
	/** Aggregate → one HTTP Request carrying the whole array. */
	aggregate(context: BenchContext, items: IDataObject[]): Promise<NodeRun>;
	/** Links the sandbox holds after a run. */
	linked(context: BenchContext): Promise<number | undefined>;
}

const dataGolItems = (badAt?: number) =>
	Array.from({ length: ITEMS }, (_, i) => ({ sourceRecordId: i === badAt ? 'R-17' : i + 1, destinationRecordId: (i % 100) + 1 }));
const DATAGOL_URL = (context: BenchContext) =>
	`${context.sandbox.baseUrl('datagol')}/noCo/api/v2/workspaces/${DATAGOL.workspaceId}/tables/${DATAGOL.ordersTable}/linkRecordV2`;
const DATAGOL_AUTH = { type: 'httpHeaderAuth', name: 'Authorization', value: `Bearer ${DATAGOL_JWT}` } as const;

const dataGolCase: Case = {
	name: `DataGOL: ${ITEMS.toLocaleString('en-US')} links into one table`,
	node: 'dataGol',
	vendor: 'datagol',
	items: dataGolItems,
	async ours({ sandbox }, items, continueOnFail) {
		const credentials = new CredentialStore();
		credentials.set('recordLinksDataGolApi', { baseUrl: sandbox.baseUrl('datagol'), token: DATAGOL_JWT, authHeader: 'bearer' });
		return await timedRun({
			node: 'dataGol',
			parameters: {
				operation: 'link',
				workspaceId: DATAGOL.workspaceId,
				workbookId: DATAGOL.ordersTable,
				linkColumnId: DATAGOL.ordersCustomerColumn,
				sourceRecordId: '={{ $json.sourceRecordId }}',
				destinationRecordId: '={{ $json.destinationRecordId }}',
			},
			items,
			credentials,
			continueOnFail,
		});
	},
	async peer(context, items) {
		// What a user builds today: one linkRecordV2 call per item, its body a one-pair array.
		const request: PeerRequest = {
			method: 'POST',
			url: DATAGOL_URL(context),
			jsonBody: `=[{"sourceRecordId": {{ JSON.stringify($json.sourceRecordId) }}, "destinationRecordId": {{ $json.destinationRecordId }}, "linkColumnId": "${DATAGOL.ordersCustomerColumn}"}]`,
			auth: DATAGOL_AUTH,
		};
		return await runPeer(request, items);
	},
	async aggregate(context, items) {
		// The whole array in one linkRecordV2 call, built with one expression over the aggregated items.
		const request: PeerRequest = {
			method: 'POST',
			url: DATAGOL_URL(context),
			jsonBody: `={{ JSON.stringify($json.data.map((pair) => ({ sourceRecordId: pair.sourceRecordId, destinationRecordId: pair.destinationRecordId, linkColumnId: "${DATAGOL.ordersCustomerColumn}" }))) }}`,
			auth: DATAGOL_AUTH,
		};
		return await runAggregatePeer(request, items);
	},
	linked: async ({ sandbox }) => await sandbox.linkCount('datagol'),
};

const FAIRCOM_TABLE = 'bench_orders';
const FAIRCOM_LABELS = [{ group: 'status', name: 'priority' }];

function fairComCase(): Case {
	// Loaded lazily: the FairCom sandbox module may not be in this checkout yet.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const fairCom = () => require('../../test/sandbox/faircom') as typeof import('../../test/sandbox/faircom');
	const items = (badAt?: number) => Array.from({ length: ITEMS }, (_, i) => ({ id: i === badAt ? ITEMS + 5000 : i + 1 }));
	return {
		name: `FairCom: ${ITEMS.toLocaleString('en-US')} record ids for one label set`,
		node: 'fairCom',
		vendor: 'faircom',
		items,
		async prepare({ sandbox }) {
			// A table with 1,000 records, so FairCom's default Verify Links has something to verify.
			const { FAIRCOM_DEFAULT_DATABASE: database, FAIRCOM_DEFAULT_OWNER: owner } = fairCom();
			await sandbox.send({
				cmd: 'eval',
				vendor: 'faircom',
				fn: `(state) => { state.tables.set(${JSON.stringify(JSON.stringify([database, owner, FAIRCOM_TABLE]))}, new Set(Array.from({ length: ${ITEMS} }, (_, i) => i + 1))); return true; }`,
			});
		},
		async ours({ sandbox }, items, continueOnFail) {
			const credentials = new CredentialStore();
			credentials.set('recordLinksFairComApi', {
				endpoint: `${sandbox.baseUrl('faircom')}/api`,
				authentication: 'authToken',
				authToken: fairCom().FAIRCOM_PERMANENT_TOKEN,
				username: '',
				password: '',
				ignoreSslIssues: false,
			});
			return await timedRun({
				node: 'fairCom',
				parameters: {
					operation: 'link',
					labels: { label: FAIRCOM_LABELS },
					tableName: FAIRCOM_TABLE,
					ids: '={{ $json.id }}',
				},
				items,
				credentials,
				continueOnFail,
			});
		},
		async peer({ sandbox }, items) {
			// The same envelope per item, the same session token (FairCom takes it in the body).
			const envelope = {
				api: 'db',
				action: 'linkLabelsToRecords',
				params: { labels: FAIRCOM_LABELS, tableName: FAIRCOM_TABLE, ids: ['__ID__'], verifyLinks: true },
				authToken: fairCom().FAIRCOM_PERMANENT_TOKEN,
				debug: 'max',
			};
			const request: PeerRequest = {
				method: 'POST',
				url: `${sandbox.baseUrl('faircom')}/api`,
				jsonBody: `=${JSON.stringify(envelope).replace('"__ID__"', '{{ $json.id }}')}`,
				// FairCom's auth is the token in the body, as the pack's node sends it.
				auth: { type: 'none' },
			};
			return await runPeer(request, items);
		},
		async aggregate({ sandbox }, items) {
			const envelope = {
				api: 'db',
				action: 'linkLabelsToRecords',
				params: { labels: FAIRCOM_LABELS, tableName: FAIRCOM_TABLE, ids: '__IDS__', verifyLinks: true },
				authToken: fairCom().FAIRCOM_PERMANENT_TOKEN,
				debug: 'max',
			};
			return await runAggregatePeer(
				{
					method: 'POST',
					url: `${sandbox.baseUrl('faircom')}/api`,
					jsonBody: `=${JSON.stringify(envelope).replace('"__IDS__"', '{{ JSON.stringify($json.data.map((item) => item.id)) }}')}`,
					auth: { type: 'none' },
				},
				items,
			);
		},
		linked: async ({ sandbox }) => await sandbox.linkCount('faircom'),
	};
}

interface Measured {
	ms: number[];
	/** From the node's start to the sandbox receiving its first request (reading and validating items). */
	lead: number[];
	requests: number[];
	linked: number[];
	failed: number[];
	errors: Set<string>;
}

const empty = (): Measured => ({ ms: [], lead: [], requests: [], linked: [], failed: [], errors: new Set() });

type Side = 'ours' | 'peer' | 'aggregate';

async function measure(context: BenchContext, testCase: Case, side: Side, into: Measured): Promise<void> {
	const { sandbox } = context;
	await sandbox.prepare(LATENCY_MS);
	await testCase.prepare?.(context);
	const before = await sandbox.requestCount();
	const run = await testCase[side](context, testCase.items());
	into.ms.push(run.ms);
	const times = await sandbox.send<{ first: number } | undefined>({ cmd: 'requestTimes' });
	into.lead.push(times ? times.first - run.startedAt : NaN);
	into.requests.push((await sandbox.requestCount()) - before);
	into.linked.push((await testCase.linked(context)) ?? NaN);
	into.failed.push(run.failed);
	if (run.error) into.errors.add(run.error);
}

/** One item the vendor refuses among the 1,000: what each contender links and gives back. */
async function probeFailure(context: BenchContext, testCase: Case, side: 'ours' | 'aggregate') {
	const { sandbox } = context;
	await sandbox.prepare(LATENCY_MS);
	await testCase.prepare?.(context);
	const items = testCase.items(ITEMS / 2);
	// The pack with Continue On Fail (how a user gets per-item failures); the chain with its defaults.
	const run = side === 'ours' ? await testCase.ours(context, items, true) : await testCase.aggregate(context, items);
	const linked = (await testCase.linked(context)) ?? NaN;
	const outputs = side === 'ours' ? run.outputs.length : run.error ? 0 : run.outputs.length;
	return { linked, outputs, failed: run.failed, error: run.error };
}

export async function batchScenario(context: BenchContext): Promise<ScenarioResult> {
	const header = [
		'case',
		'pack node: requests · time',
		'pack node: time before its 1st request',
		'HTTP Request node: requests · time',
		'fewer requests',
		'less time',
		'Aggregate → one HTTP Request: requests · time',
		'pack ÷ Aggregate time (target ≤ 1.5×)',
		'links made (pack / HTTP Request / Aggregate)',
	];
	const rows: string[][] = [];
	const notes: string[] = [];
	const verdicts: boolean[] = [];
	const headlines: string[] = [];
	for (const testCase of [dataGolCase, fairComCase()]) {
		const missing = available(context, testCase.node, testCase.vendor);
		if (missing) {
			rows.push([testCase.name, 'not available', '—', 'not available', '—', '—', '—', '—', '—']);
			notes.push(`${testCase.name}: **not available** — ${missing}.`);
			continue;
		}
		await context.sandbox.send({ cmd: 'recording', on: true });
		context.log(`scenario 1: ${testCase.name}: warm-up`);
		for (let run = 0; run < WARM_UP_RUNS; run++) {
			for (const side of ['ours', 'peer', 'aggregate'] as const) await measure(context, testCase, side, empty());
		}
		const ours = empty();
		const peer = empty();
		const aggregate = empty();
		for (let round = 0; round < context.rounds; round++) {
			const order: Array<[Side, Measured]> = [
				['ours', ours],
				['peer', peer],
				['aggregate', aggregate],
			];
			// Rotate who goes first, so a noisy neighbour does not always hit the same side.
			for (let k = 0; k < order.length; k++) {
				const [side, into] = order[(k + round) % order.length];
				await measure(context, testCase, side, into);
			}
			context.log(
				`scenario 1: ${testCase.name}: round ${round + 1}: ours ${ours.requests.at(-1)} requests ${fmt.ms(ours.ms.at(-1)!)}, HTTP Request ${peer.requests.at(-1)} requests ${fmt.ms(peer.ms.at(-1)!)}, Aggregate → HTTP Request ${aggregate.requests.at(-1)} requests ${fmt.ms(aggregate.ms.at(-1)!)}`,
			);
		}
		const oursProbe = await probeFailure(context, testCase, 'ours');
		const aggregateProbe = await probeFailure(context, testCase, 'aggregate');
		await context.sandbox.send({ cmd: 'recording', on: false });
		const requestsRatio = median(peer.requests) / median(ours.requests);
		const timeRatio = median(peer.ms) / median(ours.ms);
		// Fewer requests count only when every item was linked.
		const complete = Math.min(...ours.linked) === ITEMS && Math.max(...ours.failed) === 0;
		const overAggregate = median(ours.ms) / median(aggregate.ms);
		const met = complete && requestsRatio >= MIN_FEWER_REQUESTS && timeRatio >= MIN_LESS_TIME && overAggregate <= MAX_AGGREGATE_RATIO;
		verdicts.push(met);
		rows.push([
			testCase.name,
			`${fmt.int(median(ours.requests))} · ${fmt.ms(median(ours.ms))}`,
			fmt.ms(median(ours.lead)),
			`${fmt.int(median(peer.requests))} · ${fmt.ms(median(peer.ms))}`,
			`**${fmt.ratio(requestsRatio)}**`,
			`**${fmt.ratio(timeRatio)}**`,
			`${fmt.int(median(aggregate.requests))} · ${fmt.ms(median(aggregate.ms))}`,
			`**${fmt.ratio(overAggregate)}**`,
			`${fmt.int(median(ours.linked))} / ${fmt.int(median(peer.linked))} / ${fmt.int(median(aggregate.linked))}`,
		]);
		const aggregateRatio = median(aggregate.ms) / median(ours.ms);
		notes.push(
			`${testCase.name} against Aggregate → one HTTP Request with the whole array (${fmt.int(median(aggregate.requests))} request${median(aggregate.requests) === 1 ? '' : 's'}, ${fmt.ms(median(aggregate.ms))} for both nodes): the pack takes ${aggregateRatio >= 1 ? `${fmt.ratio(aggregateRatio)} less time` : `${fmt.ratio(1 / aggregateRatio)} more time`} with ${fmt.int(median(ours.requests))} request${median(ours.requests) === 1 ? '' : 's'}. ` +
				`What the pack gives that the chain does not: one output item per input item (${fmt.int(ITEMS)} with \`pairedItem\`, against 1 item holding the whole answer), retries of 429/5xx and safe repeats, and its parameters checked per item. ` +
				`With one record id the vendor refuses among the ${fmt.int(ITEMS)} (item ${ITEMS / 2}): the pack with Continue On Fail linked ${fmt.int(oursProbe.linked)} and returned ${fmt.int(oursProbe.outputs)} items, ${fmt.int(oursProbe.failed)} of them error items; the chain linked ${fmt.int(aggregateProbe.linked)} and ${aggregateProbe.error ? `failed as a whole ("${aggregateProbe.error.slice(0, 120)}")` : `returned ${aggregateProbe.outputs} item`}.` +
				(oursProbe.failed > 1
					? ` The pack's failure is not per item here: ${testCase.node === 'fairCom' ? "FairCom's call is atomic, so the merged call's items fail together (Merge Items off sends one call per item)" : 'the refused batch fails its items together'}.`
					: ' The pack rejected the bad item before sending (its record id is checked per item) and linked the rest.'),
		);
		const lost = (m: Measured) => median(m.failed);
		const shortfalls = [
			requestsRatio < MIN_FEWER_REQUESTS ? `requests ${fmt.ratio(requestsRatio)} of ${MIN_FEWER_REQUESTS}×` : undefined,
			timeRatio < MIN_LESS_TIME ? `time ${fmt.ratio(timeRatio)} of ${MIN_LESS_TIME}× (short by ${fmt.pct(1 - timeRatio / MIN_LESS_TIME)})` : undefined,
			overAggregate > MAX_AGGREGATE_RATIO ? `${fmt.ratio(overAggregate)} the Aggregate chain's time, over ${MAX_AGGREGATE_RATIO}×` : undefined,
		].filter(Boolean);
		notes.push(
			`${testCase.name}: ${fmt.ratio(requestsRatio)} fewer requests (target ≥ ${MIN_FEWER_REQUESTS}×), ${fmt.ratio(timeRatio)} less time (target ≥ ${MIN_LESS_TIME}×), and ${fmt.ratio(overAggregate)} the Aggregate chain's time (target ≤ ${MAX_AGGREGATE_RATIO}×): **${met ? 'met' : 'missed'}**` +
				(!complete ? ` — the pack node did not link every item (${fmt.int(Math.min(...ours.linked))} of ${fmt.int(ITEMS)} in its worst round).` : '') +
				(met || !complete ? '.' : ` — ${shortfalls.join(', ')}.`) +
				(overAggregate > MAX_AGGREGATE_RATIO
					? ` Where the time goes: ${fmt.ms(median(ours.lead))} pass before the first request (reading and checking ${fmt.int(ITEMS)} items), then ${median(ours.requests) === 1 ? `one request of about ${LATENCY_MS} ms` : `${fmt.int(median(ours.requests))} requests of about ${LATENCY_MS} ms each, at most as many in flight as Auto allows`}, against one request and no per-item work for the chain.`
					: '') +
				(lost(ours) || lost(peer) ? ` Failed items: pack ${fmt.int(lost(ours))}, HTTP Request ${fmt.int(lost(peer))}.` : '') +
				(peer.errors.size ? ` HTTP Request node error: ${[...peer.errors][0]}.` : '') +
				(ours.errors.size ? ` Pack node error: ${[...ours.errors][0]}.` : ''),
		);
		headlines.push(`${testCase.name.split(':')[0]}: ${fmt.ratio(requestsRatio)} fewer requests, ${fmt.ratio(timeRatio)} less time`);
	}
	const anyRun = verdicts.length > 0;
	return {
		id: 'batch',
		title: '1. Batch API — DataGOL and FairCom',
		setup: `${ITEMS.toLocaleString('en-US')} items each. Pack node with default settings (DataGOL: batches of 250 pairs, Concurrency Auto from 4; FairCom: items with the same labels and table merged, up to 1,000 ids per call, an existing auth token). HTTP Request node 4.4 with default options: one request per item carrying the same body shape (a one-pair array for DataGOL; FairCom's JSON envelope with one id and the same auth token) and the same auth (DataGOL: \`Authorization: Bearer\` through a Header Auth credential). The skilled user's chain: an Aggregate node (all items into one) and one HTTP Request whose JSON body maps the whole array (its time is both nodes' together). A last run per case puts one record id the vendor refuses among the items. Sandbox latency ${LATENCY_MS} ms. Requests counted by the sandbox; time = the engine's execution time of the node; median of ${context.rounds} rounds, the three sides in a rotating order, after ${WARM_UP_RUNS} unmeasured runs of each.`,
		target: `≥ ${MIN_FEWER_REQUESTS}× fewer requests and ≥ ${MIN_LESS_TIME}× less time than the HTTP Request node; at most ${MAX_AGGREGATE_RATIO}× the time of Aggregate → one HTTP Request, while still giving one result per item.`,
		table: { header, rows },
		verdict: !anyRun ? 'not available' : verdicts.every(Boolean) ? (rows.length === verdicts.length ? 'met' : 'partly met') : 'missed',
		notes,
		headline: headlines.join('; '),
	};
}
