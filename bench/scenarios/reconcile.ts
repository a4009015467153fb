/**
 * Scenario 6 — reconcile: links of 1,000 records of which about 10% change, in two cases.
 *
 * DevRev: 1,000 issues, each with 3 `is_dependent_on` links; 100 issues swap one dependency. The
 * DevRev node's Set Links against what users build today: an HTTP Request node reading each issue's
 * links (`links.list`), the diff (as a Code node would compute it), then HTTP Request nodes deleting
 * and creating one link per change.
 *
 * DataGOL: 1,000 order rows, each linked through one LINK column to 3 customer rows; 100 orders swap
 * one customer. The DataGOL node's Set Links (one linkData read per order, then one batched DELETE
 * and one batched POST per table and Batch Size) against an HTTP Request node reading each order's
 * linkData, the diff, then HTTP Request nodes sending one DELETE and one POST `linkRecordV2` per
 * changed pair.
 *
 * Requests sent and time, side by side in one run; then the same input again: writes sent (target 0).
 */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore } from '../../test/harness/engine';
import { DATAGOL, DATAGOL_JWT } from '../../test/sandbox/datagol';
import { DEVREV_TOKEN } from '../../test/sandbox/devrev';
import { type BenchContext, fmt, median, type NodeRun, runPeer, type ScenarioResult, timedRun } from '../common';
import { HTTP_REQUEST_TYPE, HTTP_REQUEST_VERSION } from '../peer';

const RECORDS = 1000;
const LINKS_PER_RECORD = 3;
const CHANGED_EVERY = 10;
const LATENCY_MS = 20;

/** Record i's k-th linked record today (a number each vendor turns into its own id); a changed record wants a new one in place of its first. */
const linkedNumber = (i: number, k: number) => 100_000 + i * 10 + k;
const wantedNumbers = (i: number) =>
	Array.from({ length: LINKS_PER_RECORD }, (_, k) => (k === 0 && i % CHANGED_EVERY === 0 ? 500_000 + i : linkedNumber(i, k)));

/** Today's links, record 1…RECORDS × LINKS_PER_RECORD, as (source, target) numbers. */
const todaysLinks = () =>
	Array.from({ length: RECORDS * LINKS_PER_RECORD }, (_, n) => {
		const i = Math.floor(n / LINKS_PER_RECORD) + 1;
		return { source: i, target: linkedNumber(i, n % LINKS_PER_RECORD) };
	});

interface Work {
	ms: number;
	writes: number;
}

interface Sample extends Work {
	requests: number;
}

/** One vendor's case: its seeding, the pack's Set Links and the hand-built HTTP Request flow, its labels. */
interface ReconcileCase {
	/** The vendor's name in the table, the notes and the headline. */
	vendor: string;
	/** What the records are (plural), e.g. "issues". */
	records: string;
	/** Sets up today's links and the sandbox latency (not measured). */
	seed(context: BenchContext): Promise<void>;
	ours(context: BenchContext): Promise<Work>;
	peer(context: BenchContext): Promise<Work>;
	/** Why the request counts are what they are (the Requests note's parenthesis). */
	requestsNote: string;
}

// ---------------------------------------------------------------- DevRev

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
/** Issue i's dependencies as it wants them (see wantedNumbers). */
const wantedOf = (i: number) => wantedNumbers(i).map(issue);

const AUTH = { type: 'httpHeaderAuth', name: 'Authorization', value: `Bearer ${DEVREV_TOKEN}` } as const;

function credentials(context: BenchContext) {
	const store = new CredentialStore();
	store.set('recordLinksDevRevApi', { baseUrl: context.sandbox.baseUrl('devrev'), token: DEVREV_TOKEN });
	return store;
}

/** Today's links, made by the node's Link (not measured). */
async function seed(context: BenchContext): Promise<void> {
	await context.sandbox.prepare(0);
	const items = todaysLinks().map(({ source, target }) => ({ source: issue(source), target: issue(target) }));
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

/** Writes a Set Links run reports (added and removed, over all records). */
function setLinksWrites(run: NodeRun, name: string): Work {
	if (run.ok !== RECORDS) throw new Error(`${name} Set Links: ${run.ok} of ${RECORDS} ok (${run.error ?? ''})`);
	const writes = run.outputs.reduce((sum, output) => sum + (output.added as unknown[]).length + (output.removed as unknown[]).length, 0);
	return { ms: run.ms, writes };
}

async function ours(context: BenchContext): Promise<Work> {
	const run = await timedRun({
		node: 'devRev',
		parameters: { operation: 'setLinks', object: '={{ $json.issue }}', direction: 'is_source', linkType: 'is_dependent_on', linkedObjects: '={{ $json.dependsOn }}', options: {} },
		items: input(),
		credentials: credentials(context),
	});
	return setLinksWrites(run, 'DevRev');
}

/** The write runs' time added to the read's; any failed write fails the flow. */
function writeTime(readMs: number, runs: NodeRun[]): number {
	let ms = readMs;
	for (const run of runs) {
		ms += run.ms;
		if (run.failed) throw new Error(`HTTP Request: ${run.failed} writes failed`);
	}
	return ms;
}

/** HTTP Request (links.list per issue) → the diff a Code node computes → HTTP Request per delete and per create. */
async function peer(context: BenchContext): Promise<Work> {
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
	return { ms: writeTime(read.ms, runs), writes: deletes.length + creates.length };
}

const devRevCase: ReconcileCase = {
	vendor: 'DevRev',
	records: 'issues',
	seed,
	ours,
	peer,
	requestsNote:
		"DevRev takes one link per call, so both send one read per issue and one call per change; the node's gain here is the safety: scoped reads, removals confirmed, a lost answer looked up before a create is repeated",
};

// ---------------------------------------------------------------- DataGOL

/** Order i links to customers through the Orders table's Customer column. */
const { workspaceId, ordersTable, ordersCustomerColumn } = DATAGOL;
const DATAGOL_AUTH = { type: 'httpHeaderAuth', name: 'Authorization', value: `Bearer ${DATAGOL_JWT}` } as const;
const dataGolTable = (context: BenchContext) => `${context.sandbox.baseUrl('datagol')}/noCo/api/v2/workspaces/${workspaceId}/tables/${ordersTable}`;
const dataGolRecord = { workspaceId, workbookId: ordersTable, linkColumnId: ordersCustomerColumn } as const;

function dataGolCredentials(context: BenchContext) {
	const store = new CredentialStore();
	store.set('recordLinksDataGolApi', { baseUrl: context.sandbox.baseUrl('datagol'), token: DATAGOL_JWT, authHeader: 'bearer' });
	return store;
}

/** Today's links, made by the node's Link (batches of 250 pairs; not measured). */
async function dataGolSeed(context: BenchContext): Promise<void> {
	await context.sandbox.prepare(0);
	const items = todaysLinks();
	const run = await timedRun({
		node: 'dataGol',
		parameters: { operation: 'link', ...dataGolRecord, sourceRecordId: '={{ $json.source }}', destinationRecordId: '={{ $json.target }}', options: {} },
		items,
		credentials: dataGolCredentials(context),
	});
	if (run.ok !== items.length) throw new Error(`DataGOL seeding: ${run.ok} of ${items.length} linked (${run.error ?? ''})`);
	await context.sandbox.send({ cmd: 'latency', ms: LATENCY_MS });
}

const dataGolInput = () => Array.from({ length: RECORDS }, (_, n) => ({ order: n + 1, customers: wantedNumbers(n + 1) }));

async function dataGolOurs(context: BenchContext): Promise<Work> {
	const run = await timedRun({
		node: 'dataGol',
		parameters: { operation: 'setLinks', ...dataGolRecord, sourceRecordId: '={{ $json.order }}', destinationRecordIds: '={{ $json.customers }}', options: {} },
		items: dataGolInput(),
		credentials: dataGolCredentials(context),
	});
	return setLinksWrites(run, 'DataGOL');
}

/**
 * n8n's HTTP Request node as a GET per item (runPeer sends a body, which a GET has none of): the
 * linkData answer is a bare array, which the node would split into one item per row (none for an
 * order without links), so Full Response keeps one item per order, its rows in `body`.
 */
async function runPeerRead(url: string, items: IDataObject[]): Promise<NodeRun> {
	const store = new CredentialStore();
	store.set('httpHeaderAuth', { name: DATAGOL_AUTH.name, value: DATAGOL_AUTH.value });
	return await timedRun({
		node: HTTP_REQUEST_TYPE,
		type: HTTP_REQUEST_TYPE,
		typeVersion: HTTP_REQUEST_VERSION,
		parameters: {
			method: 'GET',
			url,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			options: { response: { response: { fullResponse: true } } },
		},
		items,
		credentials: store,
		nodeCredentials: ['httpHeaderAuth'],
	});
}

/** HTTP Request (linkData per order) → the diff a Code node computes → HTTP Request per removed pair (DELETE) and per added pair (POST). */
async function dataGolPeer(context: BenchContext): Promise<Work> {
	const table = dataGolTable(context);
	const wanted = dataGolInput();
	const read = await runPeerRead(`=${table}/${ordersCustomerColumn}/linkData?id={{ $json.order }}`, wanted);
	if (read.failed || read.outputs.length !== RECORDS) throw new Error(`HTTP Request linkData: ${read.outputs.length} of ${RECORDS} read (${read.error ?? ''})`);
	const deletes: IDataObject[] = [];
	const creates: IDataObject[] = [];
	read.outputs.forEach((response, n) => {
		const rows = (response.body as Array<{ id: number }>) ?? [];
		const want = new Set(wanted[n].customers);
		const have = new Set(rows.map((row) => row.id));
		for (const row of rows) if (!want.has(row.id)) deletes.push({ source: wanted[n].order, destination: row.id });
		for (const destination of want) if (!have.has(destination)) creates.push({ source: wanted[n].order, destination });
	});
	const pairBody = `=[{"sourceRecordId": {{ $json.source }}, "destinationRecordId": {{ $json.destination }}, "linkColumnId": "${ordersCustomerColumn}"}]`;
	const runs: NodeRun[] = [];
	if (deletes.length) runs.push(await runPeer({ method: 'DELETE', url: `${table}/linkRecordV2`, jsonBody: pairBody, auth: DATAGOL_AUTH }, deletes));
	if (creates.length) runs.push(await runPeer({ method: 'POST', url: `${table}/linkRecordV2`, jsonBody: pairBody, auth: DATAGOL_AUTH }, creates));
	return { ms: writeTime(read.ms, runs), writes: deletes.length + creates.length };
}

const dataGolCase: ReconcileCase = {
	vendor: 'DataGOL',
	records: 'orders',
	seed: dataGolSeed,
	ours: dataGolOurs,
	peer: dataGolPeer,
	requestsNote:
		'DataGOL takes an array of pairs per call, so the node sends one read per order and then one DELETE and one POST for the table (up to Batch Size 250 pairs each); the hand-built flow one call per change',
};

// ---------------------------------------------------------------- the scenario

const CASES: ReconcileCase[] = [devRevCase, dataGolCase];

async function counted(context: BenchContext, work: () => Promise<Work>): Promise<Sample> {
	const before = await context.sandbox.requestCount();
	const { ms, writes } = await work();
	return { ms, writes, requests: (await context.sandbox.requestCount()) - before };
}

type Samples = Record<'ours' | 'peer', Sample[]>;

interface Measured {
	reconcileCase: ReconcileCase;
	first: Samples;
	second: Samples;
}

const m = (samples: Sample[], key: keyof Sample) => median(samples.map((sample) => sample[key]));

/** One case's table rows, notes, verdict and headline part. */
function judge({ reconcileCase, first, second }: Measured) {
	const { vendor } = reconcileCase;
	const row = (label: string, samples: Samples) => [
		`${vendor}: ${label}`,
		`${fmt.int(m(samples.ours, 'requests'))} (${fmt.int(m(samples.ours, 'writes'))} writes)`,
		`${fmt.int(m(samples.peer, 'requests'))} (${fmt.int(m(samples.peer, 'writes'))} writes)`,
		fmt.ms(m(samples.ours, 'ms')),
		fmt.ms(m(samples.peer, 'ms')),
		fmt.ratio(m(samples.peer, 'ms') / m(samples.ours, 'ms')),
	];
	const fewerOrEqual = m(first.ours, 'requests') <= m(first.peer, 'requests');
	const notSlower = m(first.ours, 'ms') <= m(first.peer, 'ms');
	const noWrites = m(second.ours, 'writes') === 0 && m(second.ours, 'requests') === RECORDS;
	const verdict: ScenarioResult['verdict'] = fewerOrEqual && notSlower && noWrites ? 'met' : fewerOrEqual || noWrites ? 'partly met' : 'missed';
	return {
		rows: [row(`first (${100 / CHANGED_EVERY}% changed)`, first), row('second (same input)', second)],
		verdict,
		notes: [
			`${vendor} requests: ${fmt.int(m(first.ours, 'requests'))} against ${fmt.int(m(first.peer, 'requests'))} (${reconcileCase.requestsNote}).`,
			`${vendor} time: ${fmt.ms(m(first.ours, 'ms'))} against ${fmt.ms(m(first.peer, 'ms'))} (**${notSlower ? 'met' : 'missed'}**).`,
			`${vendor} second run: ${fmt.int(m(second.ours, 'writes'))} writes and ${fmt.int(m(second.ours, 'requests'))} requests (one read per ${reconcileCase.records.replace(/s$/, '')}) (**${noWrites ? 'met' : 'missed'}**).`,
		],
		headline: `${vendor} ${fmt.int(m(first.ours, 'requests'))} vs ${fmt.int(m(first.peer, 'requests'))} requests, ${fmt.ratio(m(first.peer, 'ms') / m(first.ours, 'ms'))} the speed, second run ${fmt.int(m(second.ours, 'writes'))} writes`,
	};
}

/** All cases met: met; all missed: missed; anything else: partly met. */
function overall(verdicts: Array<ScenarioResult['verdict']>): ScenarioResult['verdict'] {
	if (verdicts.every((verdict) => verdict === 'met')) return 'met';
	if (verdicts.every((verdict) => verdict === 'missed')) return 'missed';
	return 'partly met';
}

export async function reconcileScenario(context: BenchContext): Promise<ScenarioResult> {
	const count = RECORDS.toLocaleString('en-US');
	const base = {
		id: 'reconcile',
		title: `6. Reconcile — ${count} DevRev issues and ${count} DataGOL orders, ${100 / CHANGED_EVERY}% of them changed`,
		setup: `DevRev: each of ${count} issues has ${LINKS_PER_RECORD} \`is_dependent_on\` links; every ${CHANGED_EVERY}th wants one of them replaced (${RECORDS / CHANGED_EVERY} deletes + ${RECORDS / CHANGED_EVERY} creates). The DevRev node's Set Links (default options) against n8n's HTTP Request node reading each issue's links, the diff computed as a Code node would, and HTTP Request nodes deleting and creating one link per change. DataGOL: each of ${count} orders is linked through one LINK column to ${LINKS_PER_RECORD} customers; every ${CHANGED_EVERY}th swaps one of them (${RECORDS / CHANGED_EVERY} unlinks + ${RECORDS / CHANGED_EVERY} links). The DataGOL node's Set Links (default options: batches of 250 pairs) against an HTTP Request node reading each order's \`linkData\`, the same diff, and HTTP Request nodes sending one \`linkRecordV2\` DELETE per removed pair and one POST per added pair. HTTP Request nodes with n8n's defaults: all of a node's input at once. Then the same input a second time. Sandbox latency ${LATENCY_MS} ms; time = the nodes' execution time; median of ${context.rounds} rounds, each on freshly seeded links.`,
		target: 'Set Links sends no more requests than the hand-built flow and takes no longer; a second run with the same input sends 0 writes.',
	};
	const measured: Measured[] = CASES.map((reconcileCase) => ({ reconcileCase, first: { ours: [], peer: [] }, second: { ours: [], peer: [] } }));
	for (let round = 0; round < context.rounds; round++) {
		for (const { reconcileCase, first, second } of measured) {
			for (const contender of round % 2 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const)) {
				await reconcileCase.seed(context);
				const run = contender === 'ours' ? reconcileCase.ours : reconcileCase.peer;
				first[contender].push(await counted(context, async () => await run(context)));
				second[contender].push(await counted(context, async () => await run(context)));
			}
			context.log(`scenario 6: round ${round + 1}: ${reconcileCase.vendor}: ours ${fmt.ms(first.ours.at(-1)!.ms)}, HTTP Request ${fmt.ms(first.peer.at(-1)!.ms)}`);
		}
	}
	const judged = measured.map(judge);
	return {
		...base,
		table: {
			header: ['run', 'Set Links: requests', 'HTTP Request flow: requests', 'Set Links: time', 'HTTP Request flow: time', 'time ratio'],
			rows: judged.flatMap((each) => each.rows),
		},
		verdict: overall(judged.map((each) => each.verdict)),
		notes: judged.flatMap((each) => each.notes),
		headline: judged.map((each) => each.headline).join('; '),
	};
}
