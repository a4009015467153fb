/**
 * Scenario 2 — a rate-limited API: 100 Tulip links into one table under Tulip's 10 writes/s per
 * table (the sandbox's token bucket on). The Tulip node with default settings against the HTTP
 * Request node with default options, and with its batching option set to 10 items per second.
 */
import { CredentialStore } from '../../test/harness/engine';
import { available, type BenchContext, fmt, median, type NodeRun, type PeerRequest, runPeer, type ScenarioResult, timedRun } from '../common';

const ITEMS = 100;
const RATE = 10;
const LATENCY_MS = 20;
/** The physical limit: N ÷ rate. */
const LIMIT_MS = (ITEMS / RATE) * 1000;
const TOLERANCE = 0.15;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tulipSandbox = () => require('../../test/sandbox/tulip') as typeof import('../../test/sandbox/tulip');

const items = () => Array.from({ length: ITEMS }, (_, i) => ({ left: `order-${i + 1}`, right: `part-${i + 1}` }));

/** "completes", or in how many rounds the node failed the workflow, and with what. */
function outcome(m: Measured, rounds: number): string {
	if (m.failedRounds === 0) return `completes (${rounds} of ${rounds} rounds)`;
	const error = [...m.errors][0].slice(0, 90);
	return m.failedRounds === rounds ? `fails every round: ${error}` : `fails in ${m.failedRounds} of ${rounds} rounds: ${error}`;
}

/** +1.2% / −0.3% */
function signedPct(fraction: number): string {
	return `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)}%`;
}

interface Variant {
	label: string;
	run(context: BenchContext): Promise<NodeRun>;
}

function peerRequest(context: BenchContext, options?: PeerRequest['options']): PeerRequest {
	const { TULIP, TULIP_API_KEY, TULIP_API_SECRET } = tulipSandbox();
	return {
		method: 'PUT',
		url: `${context.sandbox.baseUrl('tulip')}/api/v3/tableLinks/${TULIP.ordersParts}/link`,
		jsonBody: '={"leftRecord": "{{ $json.left }}", "rightRecord": "{{ $json.right }}"}',
		auth: { type: 'httpBasicAuth', user: TULIP_API_KEY, password: TULIP_API_SECRET },
		options,
	};
}

const variants: Variant[] = [
	{
		label: 'Tulip node (default settings: paced to 10/s, Concurrency Auto from 5)',
		async run({ sandbox }) {
			const { TULIP, TULIP_API_KEY, TULIP_API_SECRET } = tulipSandbox();
			const credentials = new CredentialStore();
			credentials.set('recordLinksTulipApi', {
				instanceUrl: sandbox.baseUrl('tulip'),
				apiKey: TULIP_API_KEY,
				apiSecret: TULIP_API_SECRET,
				workspaceId: '',
			});
			return await timedRun({
				node: 'tulip',
				parameters: {
					operation: 'link',
					tableLinkId: TULIP.ordersParts,
					leftRecord: '={{ $json.left }}',
					rightRecord: '={{ $json.right }}',
				},
				items: items(),
				credentials,
			});
		},
	},
	{
		label: 'HTTP Request node (default options)',
		run: async (context) => await runPeer(peerRequest(context), items()),
	},
	{
		label: 'HTTP Request node (batching: 10 items per 1,000 ms)',
		run: async (context) =>
			await runPeer(peerRequest(context, { batching: { batch: { batchSize: 10, batchInterval: 1000 } } }), items()),
	},
];

interface Measured {
	ms: number[];
	linked: number[];
	requests: number[];
	errors: Set<string>;
	/** Rounds in which the node failed (the workflow stopped). */
	failedRounds: number;
}

export async function rateLimitedScenario(context: BenchContext): Promise<ScenarioResult> {
	const base = {
		id: 'rate-limited',
		title: `2. Rate-limited API — ${ITEMS} Tulip links into one table under ${RATE} writes/s`,
		setup: `The sandbox enforces Tulip's documented ${RATE} writes per second per table (token bucket of ${RATE}, 429 + \`Retry-After: 1\` beyond it); latency ${LATENCY_MS} ms. Same table link, same \`PUT …/tableLinks/{id}/link\` body and HTTP Basic auth (the HTTP Request node through a Basic Auth credential). "Linked" is what the sandbox holds afterwards, "lost" = items not linked. Median of ${context.rounds} rounds.`,
		target: `The Tulip node loses nothing and finishes within ${fmt.pct(TOLERANCE)} of the physical limit (${ITEMS} ÷ ${RATE}/s = ${fmt.s(LIMIT_MS)}), i.e. ≤ ${fmt.s(LIMIT_MS * (1 + TOLERANCE))}.`,
	};
	const missing = available(context, 'tulip', 'tulip');
	if (missing) {
		return {
			...base,
			table: { header: ['run', 'linked', 'lost', 'time'], rows: [['Tulip node', 'not available', '—', '—']] },
			verdict: 'not available',
			notes: [`**Not available** — ${missing}.`],
		};
	}
	const { sandbox } = context;
	const measured: Measured[] = variants.map(() => ({ ms: [], linked: [], requests: [], errors: new Set(), failedRounds: 0 }));
	for (let round = 0; round < context.rounds; round++) {
		const order = variants.map((_variant, index) => index);
		if (round % 2) order.reverse();
		for (const index of order) {
			await sandbox.prepare(LATENCY_MS);
			await sandbox.send({ cmd: 'rateLimit', vendor: 'tulip', perSecond: RATE });
			const run = await variants[index].run(context);
			const into = measured[index];
			into.ms.push(run.ms);
			into.linked.push((await sandbox.linkCount('tulip')) ?? NaN);
			into.requests.push(await sandbox.requestCount());
			if (run.error) {
				into.errors.add(run.error);
				into.failedRounds++;
			}
			context.log(
				`scenario 2: round ${round + 1}: ${variants[index].label}: linked ${into.linked.at(-1)}, ${fmt.ms(run.ms)}${run.error ? ` (failed: ${run.error.slice(0, 80)})` : ''}`,
			);
		}
	}
	const rows = variants.map((variant, index) => {
		const m = measured[index];
		const linked = median(m.linked);
		const ms = median(m.ms);
		return [
			variant.label,
			fmt.int(linked),
			fmt.int(ITEMS - linked),
			fmt.int(median(m.requests)),
			fmt.s(ms),
			linked === ITEMS ? signedPct((ms - LIMIT_MS) / LIMIT_MS) : '—',
			outcome(m, context.rounds),
		];
	});
	const ours = measured[0];
	const oursMs = median(ours.ms);
	const worstLost = Math.max(...ours.linked.map((linked) => ITEMS - linked));
	const within = Math.abs(oursMs - LIMIT_MS) / LIMIT_MS <= TOLERANCE;
	const met = worstLost === 0 && ours.errors.size === 0 && within;
	const peerDefault = measured[1];
	const peerBatched = measured[2];
	const notes = [
		`Tulip node: lost ${worstLost} items in its worst round, median ${fmt.s(oursMs)} against a limit of ${fmt.s(LIMIT_MS)} (${signedPct((oursMs - LIMIT_MS) / LIMIT_MS)}, allowed ±${fmt.pct(TOLERANCE)}): **${met ? 'met' : 'missed'}**${met ? '.' : ` — ${worstLost > 0 ? `${worstLost} items lost` : `${fmt.s(oursMs - LIMIT_MS * (1 + TOLERANCE))} over the allowed ${fmt.s(LIMIT_MS * (1 + TOLERANCE))}`}.`}`,
		`HTTP Request node, default options: sends all ${ITEMS} at once; linked ${fmt.int(median(peerDefault.linked))}, lost ${fmt.int(ITEMS - median(peerDefault.linked))}${peerDefault.errors.size ? `, and the node fails the workflow ("${[...peerDefault.errors][0].slice(0, 100)}")` : ''}.`,
		`HTTP Request node, batching 10 per second: linked ${fmt.int(median(peerBatched.linked))} in ${fmt.s(median(peerBatched.ms))} (fewest in a round: ${fmt.int(Math.min(...peerBatched.linked))})${peerBatched.failedRounds ? `; it failed the workflow in ${peerBatched.failedRounds} of ${context.rounds} rounds ("${[...peerBatched.errors][0].slice(0, 100)}"): batches leave on a fixed clock, so one that reaches the token bucket a little early meets a 429, and nothing slows it down or retries` : ''}. It works only when the user knows the limit and sets batching by hand.`,
	];
	return {
		...base,
		table: { header: ['run', 'linked (median)', 'lost (median)', 'requests sent', 'time', 'vs 10 s limit', 'outcome'], rows },
		verdict: met ? 'met' : 'missed',
		notes,
		headline: `Tulip under 10 writes/s: ${fmt.int(median(ours.linked))}/${ITEMS} linked in ${fmt.s(oursMs)} (HTTP Request node with default options: ${fmt.int(median(peerDefault.linked))}/${ITEMS})`,
	};
}
