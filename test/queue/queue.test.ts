/**
 * The pack on n8n's distributed engine (`npm run test:queue`): n8n in queue mode, a main instance
 * and two `n8n worker` processes on Redis and PostgreSQL, each loading the pack as a community
 * package from its own user folder. Every vendor has a webhook-started workflow (Webhook → Code
 * node turning the body into items → the vendor node); the test fires concurrent webhook calls,
 * the main instance queues the executions and the workers run them against the vendor sandbox in
 * this process. Figures (executions per worker, requests, logins, sessions, the worker-kill run)
 * go to the test log.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { exampleFiles, presentVendors, readWorkflow, sandboxCredentials, webhookNode, type WorkflowJson } from '../../scripts/examples';
import { activateWorkflow, importCredentials, importWorkflows, type N8nOptions } from '../../scripts/n8n-cli';
import { nodeOutput, parseStoredRunData, type RunData } from '../../scripts/n8n-rest';
import { type N8nServer, startN8nServer, startN8nWorker } from '../../scripts/n8n-server';
import { installPackages } from '../../scripts/pack';
import { freePort } from '../../scripts/ports';
import { killGroup } from '../../scripts/processes';
import { type Postgres, type Service, startPostgres, startRedis } from '../../scripts/queue-services';
import { startSandbox, type VendorSandbox } from '../sandbox';
import { FAIRCOM_TABLES, tableKey } from '../sandbox/faircom';
import { UNICAT_RECORDS } from '../sandbox/unicat';
import { type VendorCase, vendorCases } from '../e2e/vendors';

/** Concurrent webhook calls per vendor, and items per call, in the load run. */
const CALLS = 20;
const ITEMS_PER_CALL = 50;
/** Webhook calls per vendor in the run where a worker is killed. */
const KILL_RUN_CALLS = 10;
/** Tulip's documented limit, enforced by the sandbox: 10 record writes per second per table. */
const TULIP_LIMIT = 10;

type Item = Record<string, unknown>;

interface LoadCase {
	vendorCase: VendorCase;
	/** The n-th item of the load (n ≥ 1) and the link key it makes (as `vendorCase.links` reads it). */
	item(n: number): Item;
	linkKey(n: number): string;
}

/** Unicat product records the load links (seeded into the sandbox), by n. */
const unicatProduct = (n: number) => `bead0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const loadItems: Record<string, Pick<LoadCase, 'item' | 'linkKey'>> = {
	devrev: { item: (n) => ({ source: `ISS-${n}`, target: `TKT-${n}` }), linkKey: (n) => `ISS-${n}->TKT-${n}` },
	datagol: { item: (n) => ({ orderId: n, customerId: 100_000 + n }), linkKey: (n) => `${n}->${100_000 + n}` },
	tulip: { item: (n) => ({ order: `ORD-${n}`, part: `PRT-${n}` }), linkKey: (n) => `ORD-${n}->PRT-${n}` },
	unicat: {
		item: (n) => ({ product: unicatProduct(n), collection: UNICAT_RECORDS.summer }),
		linkKey: (n) => `${unicatProduct(n)}->summer`,
	},
	faircom: { item: (n) => ({ orderId: n }), linkKey: (n) => `orders/${n} status:priority` },
};

const present = presentVendors();
const cases: LoadCase[] = vendorCases
	.filter((vendorCase) => present.some((vendor) => vendor.key === vendorCase.key))
	.map((vendorCase) => ({ vendorCase, ...loadItems[vendorCase.key] }));

const workflowId = (key: string) => `queueLoad${key}`;
const webhookPath = (key: string) => `record-links-${key}`;

/** Webhook (answers at once) → Code node (the body's items) → the vendor node of the link example. */
function loadWorkflow({ vendorCase }: LoadCase): WorkflowJson {
	const vendor = present.find((candidate) => candidate.key === vendorCase.key)!;
	const example = exampleFiles(vendor)
		.map(readWorkflow)
		.find((workflow) => workflow.id === vendorCase.linkWorkflowId);
	const vendorNode = example?.nodes.find((node) => node.name === vendorCase.nodeName);
	if (!vendorNode) throw new Error(`No "${vendorCase.nodeName}" node in the example ${vendorCase.linkWorkflowId}`);
	return {
		id: workflowId(vendorCase.key),
		name: `${vendorCase.nodeName}: link from a webhook`,
		nodes: [
			webhookNode(webhookPath(vendorCase.key), { responseMode: 'onReceived' }),
			{
				id: randomUUID(),
				name: 'Items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: 'return $json.body.items.map((json) => ({ json }));' },
			},
			{ ...vendorNode, position: [440, 0] },
		],
		connections: {
			Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: vendorNode.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** The item numbers of webhook call `call` (0-based) of a run starting at item `first`. */
const callItems = (first: number, call: number) =>
	Array.from({ length: ITEMS_PER_CALL }, (_, index) => first + call * ITEMS_PER_CALL + index);

let sandbox: VendorSandbox;
let redis: Service | undefined;
let postgres: Postgres | undefined;
let root: string;
let main: N8nServer | undefined;
const workers: Array<{ name: string; server: N8nServer; started: Set<string> }> = [];
let queueEnv: NodeJS.ProcessEnv;
const figures: string[] = [];

function report(line: string): void {
	figures.push(line);
	process.stdout.write(`[queue] ${line}\n`);
}

/** A fresh n8n user folder with the vendor packages installed (each process: its own, like its own machine). */
async function userFolder(name: string): Promise<string> {
	const folder = join(root, name);
	mkdirSync(folder);
	await installPackages(folder);
	return folder;
}

async function startWorker(name: string): Promise<void> {
	const started = new Set<string>();
	const server = await startN8nWorker({
		userFolder: await userFolder(name),
		brokerPort: await freePort(),
		healthPort: await freePort(),
		env: queueEnv,
		// n8n's own line when a worker takes a job: the reliable signal of which worker ran what.
		onLine: (line) => {
			const match = /Worker started execution (\d+)/.exec(line);
			if (match) started.add(match[1]);
		},
	});
	workers.push({ name, server, started });
}

/** Webhook call `call` of a vendor, carrying the items `callItems(first, call)`. */
async function fire(loadCase: LoadCase, first: number, call: number): Promise<void> {
	const key = loadCase.vendorCase.key;
	const response = await fetch(`${main!.url}/webhook/${webhookPath(key)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ items: callItems(first, call).map((n) => loadCase.item(n)) }),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`Webhook ${key}: ${response.status} ${text}`);
}

interface Execution {
	id: string;
	workflowId: string;
	status: string;
}

async function executions(): Promise<Execution[]> {
	const rows = await postgres!.query('SELECT id, "workflowId", status FROM execution_entity ORDER BY id');
	return rows.map(([id, workflow, status]) => ({ id, workflowId: workflow, status }));
}

interface Call {
	loadCase: LoadCase;
	call: number;
}

/**
 * Fires webhook calls one after the other, each once the previous one's execution exists, and
 * returns which execution each call started (the one new row it added).
 */
async function fireInTurn(calls: Call[]): Promise<Map<string, Call>> {
	const started = new Map<string, Call>();
	for (const entry of calls) {
		const seen = new Set((await executions()).map((execution) => execution.id));
		await fire(entry.loadCase, 1, entry.call);
		const deadline = Date.now() + 60_000;
		let added: Execution[] = [];
		while ((added = (await executions()).filter((execution) => !seen.has(execution.id))).length === 0) {
			if (Date.now() > deadline) throw new Error('A webhook call started no execution within a minute');
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		expect(added.map((execution) => execution.workflowId)).toEqual([workflowId(entry.loadCase.vendorCase.key)]);
		started.set(added[0].id, entry);
	}
	return started;
}

const FINAL = ['success', 'error', 'crashed', 'canceled'];

/** Waits until `count` executions exist beyond `known` and none of them is still new or running. */
async function settled(known: Set<string>, count: number, timeoutMs: number): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	let fresh: Execution[] = [];
	while (Date.now() < deadline) {
		fresh = (await executions()).filter((execution) => !known.has(execution.id));
		if (fresh.length >= count && fresh.every((execution) => FINAL.includes(execution.status))) return fresh;
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	const statuses = fresh.map((execution) => execution.status).join(', ');
	throw new Error(`Expected ${count} finished executions within ${timeoutMs / 1000}s; have ${fresh.length}: ${statuses}`);
}

async function storedRun(executionId: string): Promise<RunData> {
	// Base64 (line breaks removed), so that nothing in the data can be taken for psql's separators.
	const rows = await postgres!.query(
		`SELECT translate(encode(convert_to(data, 'UTF8'), 'base64'), E'\\n', '') FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
	);
	if (rows.length !== 1) throw new Error(`No stored data for execution ${executionId} (${JSON.stringify(rows).slice(0, 300)})`);
	return parseStoredRunData(Buffer.from(rows[0][0], 'base64').toString('utf8'));
}

/** A node's output items in a stored execution. */
async function storedOutput(executionId: string, nodeName: string): Promise<Item[]> {
	return nodeOutput(await storedRun(executionId), nodeName) ?? [];
}

/** The executions that did not succeed, with the error each ended with. */
async function unsuccessful(list: Execution[]): Promise<Array<Execution & { error?: string }>> {
	return await Promise.all(
		list
			.filter((execution) => execution.status !== 'success')
			.map(async (execution) => ({ ...execution, error: (await storedRun(execution.id)).resultData.error?.message })),
	);
}

/** Per vendor key: how many executions each worker ran. */
function perWorker(fresh: Execution[]): Record<string, Record<string, number>> {
	const table: Record<string, Record<string, number>> = {};
	for (const execution of fresh) {
		const key = execution.workflowId.replace('queueLoad', '');
		const worker = workers.find((candidate) => candidate.started.has(execution.id))?.name ?? 'none';
		table[key] ??= {};
		table[key][worker] = (table[key][worker] ?? 0) + 1;
	}
	return table;
}

/** Unicat: the linked copies of each load product (more than one is a duplicate). */
function unicatCopies(): Map<string, number> {
	const copies = new Map<string, number>();
	for (const record of sandbox.state.unicat.records.values()) {
		if (record.is_link && record.canonical.startsWith('bead0000')) copies.set(record.canonical, (copies.get(record.canonical) ?? 0) + 1);
	}
	return copies;
}

/** Gives the sandbox the records the load names: Unicat products and FairCom order ids. */
function seedLoadRecords(last: number): void {
	const { records } = sandbox.state.unicat;
	const products = records.get(UNICAT_RECORDS.products)!;
	for (let n = 1; n <= last; n++) {
		const gid = unicatProduct(n);
		records.set(gid, { ...records.get(UNICAT_RECORDS.chair)!, gid, canonical: gid, childs: [], title: { en: `Product ${n}` } });
		products.childs.push(gid);
	}
	const orders = FAIRCOM_TABLES.orders;
	const ids = sandbox.state.faircom.tables.get(tableKey(orders.databaseName, orders.ownerName, orders.tableName))!;
	for (let n = 1; n <= last; n++) ids.add(n);
}

/** The FairCom sessions the sandbox still holds open (not the permanent token). */
const openFairComSessions = () => [...sandbox.state.faircom.sessions.values()].filter((session) => !session.permanent).map((session) => session.token);

const count = (vendor: string, path: string | RegExp) => sandbox.requestsFor(vendor, path).length;

beforeAll(async () => {
	if (!process.env.RECORD_LINKS_PACKAGES_DIR) throw new Error('Run the queue tests with `npm run test:queue` (its global setup packs the packages)');
	root = mkdtempSync(join(tmpdir(), 'record-links-queue-'));
	sandbox = await startSandbox();
	redis = await startRedis();
	postgres = await startPostgres();
	queueEnv = {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_PASSWORD: '',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// Every process decrypts the same credentials from the database.
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		// A killed worker's job is found stalled within about 30 s (its lock expires), and the main
		// instance fails its execution; recovery (marks executions it finds dangling as crashed)
		// runs every minute (defaults: 60 s locks, a 3-hour recovery interval).
		QUEUE_WORKER_LOCK_DURATION: '20000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '10000',
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
	};
	const mainOptions: N8nOptions = { userFolder: await userFolder('main'), brokerPort: await freePort(), env: queueEnv };
	await importCredentials(sandboxCredentials(present, sandbox.url), mainOptions);
	await importWorkflows(cases.map(loadWorkflow), mainOptions);
	for (const loadCase of cases) await activateWorkflow(workflowId(loadCase.vendorCase.key), mainOptions);
	main = await startN8nServer({ ...mainOptions, port: await freePort() });
	await startWorker('worker-1');
	await startWorker('worker-2');
}, 600_000);

afterAll(async () => {
	await Promise.all(workers.map(async ({ server }) => await server.stop()));
	await main?.stop();
	await postgres?.stop();
	await redis?.stop();
	await sandbox?.stop();
	if (root) rmSync(root, { recursive: true, force: true });
	if (figures.length > 0) process.stdout.write(`\n[queue] Figures:\n${figures.map((line) => `  ${line}`).join('\n')}\n`);
}, 120_000);

test(`${CALLS} concurrent webhook calls × ${ITEMS_PER_CALL} items per vendor: every item linked exactly once, on both workers`, async () => {
	sandbox.reset();
	sandbox.latencyMs = 0;
	seedLoadRecords(CALLS * ITEMS_PER_CALL);
	sandbox.rateLimits.set('tulip', { perSecond: TULIP_LIMIT });
	const started = Date.now();
	// Interleaved (each call to every vendor in turn), so that each vendor's executions meet on both workers.
	await Promise.all(
		Array.from({ length: CALLS }, (_, call) => cases.map(async (loadCase) => await fire(loadCase, 1, call))).flat(),
	);
	const fresh = await settled(new Set(), CALLS * cases.length, 600_000);
	const seconds = (Date.now() - started) / 1000;

	expect(await unsuccessful(fresh)).toEqual([]);
	const total = CALLS * ITEMS_PER_CALL;
	const numbers = Array.from({ length: total }, (_, index) => index + 1);
	for (const { vendorCase, linkKey } of cases) {
		expect({ vendor: vendorCase.key, links: vendorCase.links(sandbox) }).toEqual({
			vendor: vendorCase.key,
			links: numbers.map(linkKey).sort(),
		});
	}
	// Exactly once, as each vendor shows it: no link request repeated (Tulip: only the ones the
	// sandbox refused with 429, which it did not act on).
	expect(count('devrev', '/links.create')).toBe(total);
	const dataGolPairs = sandbox.requestsFor('datagol', /linkRecordV2$/).flatMap((request) => request.body as unknown[]);
	expect(dataGolPairs).toHaveLength(total);
	const tulipWrites = count('tulip', /\/link$/);
	expect(tulipWrites - (sandbox.injected.rateLimited ?? 0)).toBe(total);
	expect([...unicatCopies().values()].every((copies) => copies === 1) && unicatCopies().size === total).toBe(true);
	expect(count('unicat', /records\/link$/)).toBe(total);
	const fairComLinkCalls = sandbox.requestsFor('faircom').filter((request) => (request.body as Item).action === 'linkLabelsToRecords');
	const fairComIds = fairComLinkCalls.flatMap((request) => (((request.body as Item).params as Item).ids as number[]) ?? []);
	expect(fairComIds.sort((a, b) => a - b)).toEqual(numbers);
	// FairCom sessions: every one opened is ended or still held for reuse, at most one per worker
	// process; at the end of the next test, once the workers stop, none may be left open.
	const fairComActions = sandbox.requestsFor('faircom').map((request) => (request.body as Item).action);
	const sessionsOpened = fairComActions.filter((action) => action === 'createSession').length;
	const sessionsEnded = fairComActions.filter((action) => action === 'deleteSession').length;
	expect(sessionsOpened - sessionsEnded).toBe(openFairComSessions().length);
	expect(openFairComSessions().length).toBeLessThanOrEqual(workers.length);

	// Both workers ran executions: Tulip's (one rate limit, two processes) and Unicat's (one JWT) too.
	const table = perWorker(fresh);
	expect(workers.every((worker) => [...worker.started].some((id) => fresh.some((execution) => execution.id === id)))).toBe(true);
	expect(Object.keys(table.tulip ?? {}).sort()).toEqual(['worker-1', 'worker-2']);
	expect(Object.keys(table.unicat ?? {}).sort()).toEqual(['worker-1', 'worker-2']);
	expect(Object.values(table).flatMap((row) => Object.keys(row))).not.toContain('none');

	// Unicat: the JWT is kept in the credential (in the database), not fetched per item or execution.
	const logins = count('unicat', /\/auth$/);
	expect(logins).toBeLessThanOrEqual(5);
	// Unicat's look before each link (Return Existing Copy): each execution reads the collection's
	// children once (at most one page per 100 copies made so far, and a last shorter one) and the
	// records its items name once (one records/get for up to 100); each worker process checks once
	// whether backlinks list copies. Not a read per item.
	const unicatReads = count('unicat', /records\/(children|get)$/);
	expect(unicatReads).toBeLessThanOrEqual(CALLS * (Math.floor((total + 1) / 100) + 2) + workers.length);

	report(`load run: ${fresh.length} executions (${CALLS} per vendor × ${ITEMS_PER_CALL} items) in ${seconds.toFixed(1)}s`);
	for (const [key, row] of Object.entries(table)) report(`  ${key}: executions per worker ${JSON.stringify(row)}`);
	for (const { vendorCase } of cases) report(`  ${vendorCase.key}: ${sandbox.requestsFor(vendorCase.key).length} requests`);
	report(`  tulip: ${tulipWrites} link writes, ${sandbox.injected.rateLimited ?? 0} answered 429 at ${TULIP_LIMIT}/s; ${total} links`);
	report(`  unicat: ${logins} logins (POST /auth) for ${CALLS} executions, ${total} links; ${unicatReads} reads before them (${(unicatReads / total).toFixed(3)} per link)`);
	report(
		`  faircom: ${fairComLinkCalls.length} linkLabelsToRecords calls; createSession ${sessionsOpened}, deleteSession ${sessionsEnded}, ` +
			`open now ${openFairComSessions().length}`,
	);
}, 900_000);

test('a worker killed in the middle of a run: its executions fail, and the same input again links nothing twice, Unicat included', async () => {
	// A fresh sandbox, but FairCom's sessions carry over: a session a worker keeps must be ended too.
	const fairComSessions = sandbox.state.faircom.sessions;
	sandbox.reset();
	sandbox.state.faircom.sessions = fairComSessions;
	seedLoadRecords(KILL_RUN_CALLS * ITEMS_PER_CALL);
	sandbox.rateLimits.set('tulip', { perSecond: TULIP_LIMIT });
	// Repeats are refused with "already linked" (the node reads that as done), so a repeat shows.
	sandbox.state.tulip.variants.noChange = 'refuse';
	sandbox.state.datagol.variants.noChange = 'refuse';
	// Slower answers, so that the kill lands while every vendor's executions are under way.
	sandbox.latencyMs = 100;
	const known = new Set((await executions()).map((execution) => execution.id));
	const [victim, survivor] = workers;

	const runStarted = Date.now();
	const calls = fireInTurn(Array.from({ length: KILL_RUN_CALLS }, (_, call) => cases.map((loadCase) => ({ loadCase, call }))).flat());
	const total = KILL_RUN_CALLS * ITEMS_PER_CALL;
	const killDeadline = Date.now() + 120_000;
	while (count('unicat', /records\/link$/) < total / 5 || ![...victim.started].some((id) => !known.has(id))) {
		if (Date.now() > killDeadline) throw new Error('The run did not get under way within 2 minutes');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	killGroup(victim.server.process, 'SIGKILL');
	const killedAt = Date.now();
	const sessionsAtKill = new Set(openFairComSessions());
	const requestsAtKill = Object.fromEntries(cases.map(({ vendorCase }) => [vendorCase.key, sandbox.requestsFor(vendorCase.key).length]));
	const callOf = await calls;

	const fresh = await settled(known, KILL_RUN_CALLS * cases.length, 600_000);
	const onVictim = fresh.filter((execution) => victim.started.has(execution.id));
	// What the killed worker was running fails (n8n: its Bull job stalled; or "crashed" when the main
	// instance's recovery finds it first); everything else succeeded. (A job the worker took just
	// before it died may not have reached its log yet: "not on the survivor" is the sure test.)
	const failed = await unsuccessful(fresh);
	expect(onVictim.length).toBeGreaterThan(0);
	expect(failed.length).toBeGreaterThan(0);
	expect(failed.filter((execution) => survivor.started.has(execution.id) || !['error', 'crashed'].includes(execution.status))).toEqual([]);
	const [[endedBy]] = await postgres!.query(
		`SELECT EXTRACT(EPOCH FROM MAX("stoppedAt")) * 1000 FROM execution_entity WHERE id IN (${failed.map((execution) => Number(execution.id)).join(',')})`,
	);
	const outcomes = new Map<string, number>();
	for (const { status, error } of failed) outcomes.set(`"${status}": ${error}`, (outcomes.get(`"${status}": ${error}`) ?? 0) + 1);

	// The same input again: the webhook calls whose execution failed.
	const rerunCalls = failed.map((execution) => callOf.get(execution.id)!);
	const before = Object.fromEntries(cases.map(({ vendorCase }) => [vendorCase.key, new Set(vendorCase.links(sandbox))]));
	const copiesBefore = unicatCopies();
	const rerunKnown = new Set((await executions()).map((execution) => execution.id));
	await Promise.all(rerunCalls.map(async ({ loadCase, call }) => await fire(loadCase, 1, call)));
	const rerun = await settled(rerunKnown, rerunCalls.length, 600_000);
	expect(await unsuccessful(rerun)).toEqual([]);
	expect(rerun.every((execution) => survivor.started.has(execution.id))).toBe(true);

	const numbers = Array.from({ length: total }, (_, index) => index + 1);
	const lines: string[] = [];
	for (const { vendorCase, linkKey } of cases) {
		const key = vendorCase.key;
		const rerunOfVendor = rerun.filter((execution) => execution.workflowId === workflowId(key));
		const outputs = (await Promise.all(rerunOfVendor.map(async (execution) => await storedOutput(execution.id, vendorCase.nodeName)))).flat();
		const rerunNumbers = rerunCalls.filter(({ loadCase }) => loadCase.vendorCase.key === key).flatMap(({ call }) => callItems(1, call));
		const linkedBefore = rerunNumbers.filter((n) => (key === 'unicat' ? copiesBefore.has(unicatProduct(n)) : before[key].has(linkKey(n))));
		expect(outputs).toHaveLength(rerunNumbers.length);
		if (key === 'unicat') {
			// Return Existing Copy: the re-run looks under the parent first, so each product has one copy.
			const copies = unicatCopies();
			expect(numbers.filter((n) => copies.get(unicatProduct(n)) !== 1)).toEqual([]);
		} else {
			expect(vendorCase.links(sandbox)).toEqual(numbers.map(linkKey).sort());
		}
		const readAsLinked = outputs.filter((output) =>
			key === 'faircom'
				? (output.warnings as string[] | undefined)?.some((warning) => /already linked/.test(warning))
				: output.alreadyLinked === true,
		).length;
		expect({ key, readAsLinked }).toEqual({ key, readAsLinked: linkedBefore.length });
		lines.push(`${key}: ${rerunNumbers.length} items run again, ${linkedBefore.length} of them already linked (read as such), ${rerunNumbers.length - linkedBefore.length} linked now; no duplicates`);
	}
	// No DevRev link was created twice (it refuses a duplicate, the node reads the existing one).
	expect(sandbox.state.devrev.links.size).toBe(total);

	// No FairCom session is left open once the workers stop, except those the killed worker held
	// (they idle out at FairCom); this run's and the load run's.
	await survivor.server.stop();
	const leftOpen = openFairComSessions();
	expect(leftOpen.every((token) => sessionsAtKill.has(token))).toBe(true);

	const perVictim = perWorker(onVictim);
	report(`worker kill: ${victim.name} SIGKILLed ${((killedAt - runStarted) / 1000).toFixed(1)}s into the run; requests by then ${JSON.stringify(requestsAtKill)}`);
	const unlogged = failed.filter((execution) => !victim.started.has(execution.id)).length;
	report(`  ${fresh.length} executions: ${onVictim.length} had started on ${victim.name} by its log (${JSON.stringify(perVictim)}), ${unlogged} more it had taken but not logged yet; ${failed.length} failed, the last ${((Number(endedBy) - killedAt) / 1000).toFixed(0)}s after the kill; the rest "success"`);
	for (const [outcome, times] of outcomes) report(`    ${times} × ${outcome}`);
	report(`  the same input again (${rerun.length} executions, all on ${survivor.name}, all "success"):`);
	for (const line of lines) report(`    ${line}`);
	report(`  unicat: ${count('unicat', /\/auth$/)} logins (POST /auth) in this run`);
	report(`  faircom: ${sessionsAtKill.size} sessions open at the kill; ${leftOpen.length} left open after ${survivor.name} stopped (held by the killed worker)`);
}, 900_000);
