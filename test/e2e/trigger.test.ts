/**
 * The DevRev Trigger in real n8n, against the sandbox's DevRev webhooks running in this process.
 * Activating a workflow (POST /rest/workflows/:id/activate) registers one webhook at the sandbox, to
 * n8n's production webhook URL, and DevRev's verify handshake makes it active; links made and deleted
 * by the DevRev node in other workflows (run over REST), and a link changed in DevRev's app, start the
 * trigger workflow once per event with the exact item; forged deliveries get a 401 and start nothing,
 * a repeated or replayed one starts nothing twice; the example examples/devrev-trigger-new-dependency.json turns
 * each new dependency into one row; deactivation deletes the webhooks. Assertions read what the
 * sandbox received and holds, and the trigger workflows' executions as n8n stores them.
 *
 * Timing: from n8n 2.41 an activation is published asynchronously, so DevRev's verify (sent as soon as
 * the webhook is created) can find the production webhook not registered yet (404); the sandbox's
 * retry schedule is shortened to [0, 1 s, 5 s] (DevRev: at once, 30 s, 3 min) and the test waits, with
 * a deadline, for the webhook to be active and for n8n to have saved the trigger's static data.
 * Executions: n8n answers a delivery only once the execution it starts is stored
 * (webhook-helpers.js, responseMode onReceived), so once the sandbox's deliveries are settled the
 * executions they started are all listed; the test waits for them to finish, then asserts the exact set.
 */
import type { RunData } from '../../scripts/n8n-rest';
import { nodeOutput, parseStoredRunData, successfulOutput } from '../../scripts/n8n-rest';
import { DEVREV_TRIGGER_EXAMPLE, exampleFiles, readWorkflow, sandboxCredentials, type WorkflowJson } from '../../scripts/examples';
import { packLogProblems } from '../../scripts/n8n-server';
import { vendorInfo } from '../../scripts/vendors';
import { startSandbox, type VendorSandbox } from '../sandbox';
import {
	deliverDevRevEvent,
	type DevRevDelivery,
	devRevDeliveriesSettled,
	type DevRevLink,
	type DevRevObject,
	type DevRevState,
	updateDevRevLink,
} from '../sandbox/devrev';
import { type RunningN8n, startRunningN8n } from './running-n8n';

type Item = Record<string, unknown>;

const devRev = vendorInfo('devrev');
const TRIGGER = 'DevRev Trigger';
const ALL_EVENTS = ['link_created', 'link_updated', 'link_deleted'];
const FINAL_STATUSES = ['success', 'error', 'crashed', 'canceled'];
const DEADLINE_MS = 60_000;

const LINK_EXAMPLE = devRev.linkWorkflowId;
const UNLINK_EXAMPLE = devRev.unlinkWorkflowId;
const SET_LINKS_EXAMPLE = 'exDevRevSetLinks';

/** Every DevRev example: the trigger example, and the link, unlink and Set Links examples that cause events. */
const devRevExamples = exampleFiles(devRev).map(readWorkflow);
const example = readWorkflow(DEVREV_TRIGGER_EXAMPLE);
const credentialName = (example.nodes.find((node) => node.name === TRIGGER)?.credentials as Record<string, string>)[devRev.credentialType];

/** A workflow that only starts on every DevRev link event (no filter): its trigger's items are the executions' output. */
const everyEvent: WorkflowJson = {
	id: 'e2eDevRevTrigger',
	name: 'DevRev: every link event',
	nodes: [
		{
			id: '6d0f1c54-5b3e-4f7a-9d38-0c7e2a41b9f5',
			name: TRIGGER,
			type: devRev.triggerType!,
			typeVersion: 1,
			position: [0, 0],
			webhookId: 'c2a7e9d1-4f86-4b0c-8e53-71d9a6f2b048',
			parameters: { events: ALL_EVENTS, filters: {}, options: {} },
			credentials: { [devRev.credentialType]: credentialName },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	pinData: {},
};

/** The link example with other items: two is_related_to links, ISS-31 -> TKT-32 and ISS-33 -> TKT-34. */
const relatedLinks: WorkflowJson = (() => {
	const workflow = structuredClone(devRevExamples.find((candidate) => candidate.id === LINK_EXAMPLE)!);
	const items = [31, 33].map((n) => ({ json: { source: `don:core:dvrv-us-1:devo/0:issue/${n}`, target: `don:core:dvrv-us-1:devo/0:ticket/${n + 1}` } }));
	workflow.nodes.find((node) => node.type === 'n8n-nodes-base.code')!.parameters = { jsCode: `return ${JSON.stringify(items)};` };
	return { ...workflow, id: 'e2eDevRevLinkRel', name: 'DevRev: link two more issues to tickets' };
})();

let sandbox: VendorSandbox;
let n8n: RunningN8n | undefined;
/** The DevRev webhook each trigger workflow registered, by workflow ID. */
const webhookIds: Record<string, string> = {};
/** The executions already checked, by workflow ID. */
const checkedRuns: Record<string, Set<string>> = {};

const devRevState = (): DevRevState => sandbox.state.devrev;
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function rest<T>(method: string, path: string, body?: unknown): Promise<T> {
	return await n8n!.rest.request<T>(method, `/rest${path}`, body);
}

/** Polls `probe` until it answers something other than undefined; fails past the deadline. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = DEADLINE_MS): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs / 1000}s waiting for ${what}`);
		await sleep(100);
	}
}

/** n8n's production URL of a workflow's DevRev Trigger (n8n's default base URL: http://localhost:<port>/). */
function productionUrl(workflow: WorkflowJson): string {
	const node = workflow.nodes.find((candidate) => candidate.name === TRIGGER);
	return `http://localhost:${new URL(n8n!.url).port}/webhook/${node?.webhookId as string}/webhook`;
}

/** The webhooks the sandbox holds, as [url, status, event types]. */
const webhooksHeld = () => [...devRevState().webhooks.values()].map((webhook) => [webhook.url, webhook.status, [...webhook.event_types].sort()]);

/** The ID of the webhook the trigger's static data holds, as n8n saved it. */
async function savedWebhookId(workflowId: string): Promise<unknown> {
	const workflow = await rest<{ staticData?: Record<string, { webhookId?: string } | undefined> | null }>('GET', `/workflows/${workflowId}`);
	return workflow.staticData?.[`node:${TRIGGER}`]?.webhookId;
}

/**
 * Publishes the workflow's saved version, as the editor's Publish does; answers once DevRev's webhook
 * for it is active and n8n has saved its ID in the trigger's static data (what each delivery is checked against).
 */
async function activate(workflow: WorkflowJson): Promise<string> {
	const { versionId } = await rest<{ versionId: string }>('GET', `/workflows/${workflow.id}`);
	await rest('POST', `/workflows/${workflow.id}/activate`, { versionId });
	const url = productionUrl(workflow);
	const webhook = await waitFor(`an active DevRev webhook to ${url}`, () =>
		[...devRevState().webhooks.values()].find((candidate) => candidate.url === url && candidate.status === 'active'),
	);
	await waitFor(`n8n to save webhook ${webhook.id} in the trigger's static data`, async () => ((await savedWebhookId(workflow.id)) === webhook.id ? true : undefined));
	webhookIds[workflow.id] = webhook.id;
	return webhook.id;
}

async function deactivate(workflowId: string): Promise<void> {
	await rest('POST', `/workflows/${workflowId}/deactivate`);
}

interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	stoppedAt?: string | null;
}

async function executionsOf(workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const { results } = await rest<{ results: ExecutionSummary[] }>('GET', `/executions?filter=${filter}&limit=100`);
	// The list is one page: the test stays well below it.
	expect(results.length).toBeLessThan(100);
	return results;
}

interface TriggerRun {
	id: string;
	status: string;
	mode: string;
	/** The trigger's output items (JSON). */
	items: Item[];
	data: RunData;
}

/**
 * The executions of a workflow not checked before, once at least `expected` of them exist and every
 * one has finished (waited for with a deadline); call it once the sandbox's deliveries are settled,
 * when every execution they started is stored. Answers them all: the caller asserts the exact set.
 */
async function newRuns(workflowId: string, expected: number): Promise<TriggerRun[]> {
	const checked = (checkedRuns[workflowId] ??= new Set());
	const summaries = await waitFor(`${expected} finished execution(s) of ${workflowId}`, async () => {
		const fresh = (await executionsOf(workflowId)).filter((execution) => !checked.has(execution.id));
		const finished = fresh.every((execution) => FINAL_STATUSES.includes(execution.status) && execution.stoppedAt);
		return fresh.length >= expected && finished ? fresh : undefined;
	});
	const runs: TriggerRun[] = [];
	for (const summary of summaries.sort((a, b) => Number(a.id) - Number(b.id))) {
		const execution = await rest<{ status: string; mode: string; data: unknown }>('GET', `/executions/${summary.id}`);
		const data = parseStoredRunData(execution.data);
		runs.push({ id: summary.id, status: execution.status, mode: execution.mode, items: nodeOutput(data, TRIGGER) ?? [], data });
		checked.add(summary.id);
	}
	return runs;
}

/** The IDs of the executions of a workflow not checked before, once each has finished (expected: none). */
async function startedSince(workflowId: string): Promise<string[]> {
	return (await newRuns(workflowId, 0)).map((run) => run.id);
}

/** The trigger items of runs, one item per run, ordered by event ID (as the expected items are). */
function itemsOf(runs: TriggerRun[]): Item[] {
	for (const run of runs) expect({ id: run.id, status: run.status, mode: run.mode, items: run.items.length }).toEqual({ id: run.id, status: 'success', mode: 'webhook', items: 1 });
	return runs.map((run) => run.items[0]).sort(byEventId);
}

const byEventId = (a: Item, b: Item) => String(a.event_id).localeCompare(String(b.event_id), 'en', { numeric: true });

/** The deliveries since `mark` (an index into the sandbox's deliveries) to a webhook. */
function deliveriesSince(mark: number, webhookId: string): DevRevDelivery[] {
	return devRevState()
		.deliveries.slice(mark)
		.filter((delivery) => delivery.webhookId === webhookId);
}

/** A delivery as [type, attempt, duplicate, forgery, status]. */
const attemptOf = (delivery: DevRevDelivery) => [delivery.type, delivery.attempt, delivery.duplicate, delivery.forgery ?? null, delivery.status ?? delivery.error];

/** A link end as the trigger's item gives it: DevRev's title (issues, tickets) or name becomes display_name. */
const end = ({ id, display_id, type, title, name }: DevRevObject) => ({ id, display_id, type, display_name: title ?? name });

/** A link as the trigger's item gives it. */
function linkSummary(link: Pick<DevRevLink, 'id' | 'display_id' | 'link_type' | 'source' | 'target' | 'created_date'>): Item {
	const { id, display_id, link_type, source, target, created_date } = link;
	return { id, display_id, link_type, source: end(source), target: end(target), created_date };
}

/** The sandbox's link between two objects (display IDs). */
function storedLink(source: string, target: string): DevRevLink {
	const link = [...devRevState().links.values()].find((candidate) => candidate.source.display_id === source && candidate.target.display_id === target);
	if (!link) throw new Error(`No DevRev link ${source} -> ${target} in the sandbox`);
	return structuredClone(link);
}

/** The event a delivery carried, as the sandbox sent it. */
function sentEvent(delivery: DevRevDelivery): Item & { id: string; webhook_id: string; timestamp: string; type: string } {
	return JSON.parse(delivery.body) as Item & { id: string; webhook_id: string; timestamp: string; type: string };
}

/** The trigger item an acknowledged delivery must give: the event's ID, webhook and time from what was sent, the link as expected. */
function expectedItem(delivery: DevRevDelivery, link: Item, oldLink?: Item): Item {
	const sent = sentEvent(delivery);
	return {
		event: delivery.type,
		event_id: delivery.eventId,
		webhook_id: webhookIds[everyEvent.id],
		timestamp: sent.timestamp,
		link,
		...(oldLink ? { old_link: oldLink } : {}),
	};
}

/** The one delivery (a first, genuine attempt) of the event about this link ID. */
function deliveryAbout(deliveries: DevRevDelivery[], type: string, linkId: string): DevRevDelivery {
	const matching = deliveries.filter((delivery) => {
		const payload = sentEvent(delivery)[type] as { link?: { id?: string }; id?: string } | undefined;
		return delivery.type === type && (payload?.link?.id ?? payload?.id) === linkId;
	});
	expect(matching.map(attemptOf)).toEqual([[type, 1, false, null, 200]]);
	return matching[0];
}

async function runExample(workflowId: string): Promise<Item[]> {
	const output = successfulOutput(await n8n!.run(workflowId), 'DevRev');
	await devRevDeliveriesSettled(devRevState());
	return output;
}

beforeAll(async () => {
	sandbox = await startSandbox();
	// DevRev's schedule (at once, after 30 s, after 3 min) shortened: a verify sent before n8n has
	// registered the production webhook is tried again soon, and the tests wait for every attempt.
	devRevState().retryDelaysMs = [0, 1000, 5000];
	n8n = await startRunningN8n('e2e-trigger', sandboxCredentials([devRev], sandbox.url), [...devRevExamples, everyEvent, relatedLinks]);
}, 300_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.stop();
});

describe('a workflow started by every DevRev link event', () => {
	let createdIds: string[];

	test("activating it registers one webhook at DevRev, to n8n's production URL, made active by the verify handshake; the verify starts nothing", async () => {
		expect(webhooksHeld()).toEqual([]);

		const webhookId = await activate(everyEvent);

		expect(webhooksHeld()).toEqual([[productionUrl(everyEvent), 'active', [...ALL_EVENTS].sort()]]);
		expect(sandbox.requestsFor('devrev', '/webhooks.create')).toHaveLength(1);
		const verifies = deliveriesSince(0, webhookId);
		// Every attempt a verify; the last one echoed the challenge (an earlier one may have found
		// the production webhook not registered yet: n8n answers 404).
		expect(verifies.map((delivery) => delivery.type)).toEqual(verifies.map(() => 'verify'));
		expect(verifies.slice(0, -1).map((delivery) => [delivery.status, delivery.acknowledged])).toEqual(verifies.slice(0, -1).map(() => [404, false]));
		const verified = verifies[verifies.length - 1];
		const { challenge } = (sentEvent(verified).verify as { challenge: string });
		expect([verified.status, JSON.parse(verified.responseBody!), verified.acknowledged]).toEqual([200, { challenge }, true]);
		expect(await startedSince(everyEvent.id)).toEqual([]);
	});

	test("the DevRev node's Link (the link example, run over REST) starts one execution per link, with the link", async () => {
		const mark = devRevState().deliveries.length;

		await runExample(LINK_EXAMPLE);

		const links = ['ISS-1>TKT-2', 'ISS-3>TKT-4', 'ISS-5>TKT-6'].map((pair) => storedLink(...(pair.split('>') as [string, string])));
		const deliveries = deliveriesSince(mark, webhookIds[everyEvent.id]);
		expect(deliveries).toHaveLength(3);
		const expected = links.map((link) => expectedItem(deliveryAbout(deliveries, 'link_created', link.id), linkSummary(link)));
		expect(itemsOf(await newRuns(everyEvent.id, 3))).toEqual(expected.sort(byEventId));
		createdIds = links.map((link) => link.id);
	});

	test("the DevRev node's Unlink (the unlink example) starts one execution per deleted link, with the link's ID only", async () => {
		const mark = devRevState().deliveries.length;

		await runExample(UNLINK_EXAMPLE);

		expect(devRevState().links.size).toBe(0);
		const deliveries = deliveriesSince(mark, webhookIds[everyEvent.id]);
		expect(deliveries).toHaveLength(3);
		const expected = createdIds.map((id) => expectedItem(deliveryAbout(deliveries, 'link_deleted', id), { id }));
		expect(itemsOf(await newRuns(everyEvent.id, 3))).toEqual(expected.sort(byEventId));
	});

	test('forged deliveries (wrong signature, stale) get a 401 on every attempt and start nothing; the genuine one beside them starts one execution', async () => {
		const mark = devRevState().deliveries.length;
		devRevState().forgeNext.push('wrong-signature', 'stale');

		await runExample(LINK_EXAMPLE);

		expect(devRevState().forgeNext).toEqual([]);
		const deliveries = deliveriesSince(mark, webhookIds[everyEvent.id]);
		const forged = deliveries.filter((delivery) => delivery.forgery);
		expect(forged.map(attemptOf).sort()).toEqual(
			[
				['link_created', 1, false, 'stale', 401],
				['link_created', 2, false, 'stale', 401],
				['link_created', 3, false, 'stale', 401],
				['link_created', 1, false, 'wrong-signature', 401],
				['link_created', 2, false, 'wrong-signature', 401],
				['link_created', 3, false, 'wrong-signature', 401],
			].sort(),
		);
		const refusals = Object.fromEntries(forged.map((delivery) => [delivery.forgery, JSON.parse(delivery.responseBody!)]));
		expect(refusals).toEqual({
			'wrong-signature': { message: "The delivery does not carry this webhook's X-DevRev-Signature" },
			stale: { message: "The delivery's timestamp is missing or more than 300 s away" },
		});
		const genuine = deliveries.filter((delivery) => !delivery.forgery);
		expect(genuine.map(attemptOf)).toEqual([['link_created', 1, false, null, 200]]);
		const linkId = (sentEvent(genuine[0]).link_created as { link: { id: string } }).link.id;
		const link = devRevState().links.get(linkId)!;
		expect(itemsOf(await newRuns(everyEvent.id, 1))).toEqual([expectedItem(genuine[0], linkSummary(link))]);
	});

	test('a link changed in DevRev starts one execution with the link before and after', async () => {
		const mark = devRevState().deliveries.length;
		const before = storedLink('ISS-3', 'TKT-4');

		updateDevRevLink(devRevState(), before.id, { target: 'TKT-8' });
		await devRevDeliveriesSettled(devRevState());

		const after = storedLink('ISS-3', 'TKT-8');
		expect(after.id).toBe(before.id);
		const [delivery] = deliveriesSince(mark, webhookIds[everyEvent.id]);
		expect(deliveriesSince(mark, webhookIds[everyEvent.id]).map(attemptOf)).toEqual([['link_updated', 1, false, null, 200]]);
		expect(itemsOf(await newRuns(everyEvent.id, 1))).toEqual([expectedItem(delivery, linkSummary(after), linkSummary(before))]);
	});

	let repeatDeliveries: DevRevDelivery[];
	let repeatRuns: TriggerRun[];

	test('a repeated delivery (DevRev sending the same event again) is acknowledged both times; the first starts one execution', async () => {
		const mark = devRevState().deliveries.length;
		const before = storedLink('ISS-3', 'TKT-8');
		devRevState().forgeNext.push('repeat');

		updateDevRevLink(devRevState(), before.id, { link_type: 'is_dependent_on' });
		await devRevDeliveriesSettled(devRevState());

		repeatDeliveries = deliveriesSince(mark, webhookIds[everyEvent.id]);
		repeatRuns = await newRuns(everyEvent.id, 1);
		expect(repeatDeliveries.map(attemptOf)).toEqual([
			['link_updated', 1, false, 'repeat', 200],
			['link_updated', 1, true, 'repeat', 200],
		]);
		expect(repeatDeliveries[1].eventId).toBe(repeatDeliveries[0].eventId);
		const after = storedLink('ISS-3', 'TKT-8');
		expect(itemsOf(repeatRuns.slice(0, 1))).toEqual([expectedItem(repeatDeliveries[0], linkSummary(after), linkSummary(before))]);
	});

	test('the repeated delivery is answered as a repeat and starts nothing a second time', () => {
		expect(repeatDeliveries[1].responseBody).toBe(JSON.stringify({ received: true, repeated: true }));
		expect(repeatRuns.map((run) => run.id)).toHaveLength(1);
	});

	// Every event delivered so far, those delivered at the same moment included (the link and unlink
	// examples' events: each such call saves its own copy of the static data over the others', and from
	// 2.41 n8n saves none after a call that started an execution, so the trigger remembers them in its
	// process too).
	test('a replay of every earlier event (its body and signature sent again) is acknowledged as a repeat and starts nothing', async () => {
		const earlier = devRevState().deliveries.filter(
			(delivery) =>
				delivery.webhookId === webhookIds[everyEvent.id] && delivery.type !== 'verify' && delivery.status === 200 && !delivery.duplicate && !delivery.forgery,
		);
		expect(new Set(earlier.map((delivery) => delivery.type))).toEqual(new Set(ALL_EVENTS));

		const answers = [];
		for (const delivery of earlier) {
			const response = await fetch(delivery.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-devrev-signature': delivery.signature! },
				body: delivery.body,
			});
			answers.push([response.status, await response.text()]);
		}

		const started = await startedSince(everyEvent.id);
		expect(answers).toEqual(earlier.map(() => [200, JSON.stringify({ received: true, repeated: true })]));
		expect(started).toEqual([]);
	});

	test('a crafted delivery unsigned, or naming a webhook the trigger did not register, gets a 401 on every attempt and starts nothing', async () => {
		const webhookId = webhookIds[everyEvent.id];
		const payload = { id: 'don:core:dvrv-us-1:devo/0:link/99' };

		const [unsigned, unknown] = await Promise.all([
			deliverDevRevEvent(devRevState(), webhookId, 'link_deleted', payload, 'unsigned'),
			deliverDevRevEvent(devRevState(), webhookId, 'link_deleted', payload, 'unknown-webhook'),
		]);

		expect(unsigned.map(attemptOf)).toEqual([1, 2, 3].map((attempt) => ['link_deleted', attempt, false, 'unsigned', 401]));
		expect(unsigned.map((delivery) => delivery.signature)).toEqual([undefined, undefined, undefined]);
		expect(unknown.map(attemptOf)).toEqual([1, 2, 3].map((attempt) => ['link_deleted', attempt, false, 'unknown-webhook', 401]));
		expect(JSON.parse(unknown[0].responseBody!)).toEqual({ message: 'The delivery names a webhook this trigger did not register' });
		expect(await startedSince(everyEvent.id)).toEqual([]);
	});
});

describe('the example: when a DevRev issue gets a new dependency, add it to a list', () => {
	test("activating it registers a second webhook, for Link Created only, at its own production URL", async () => {
		await activate(example);

		expect(webhooksHeld()).toEqual([
			[productionUrl(everyEvent), 'active', [...ALL_EVENTS].sort()],
			[productionUrl(example), 'active', ['link_created']],
		]);
		expect(await startedSince(example.id)).toEqual([]);
	});

	test('new dependencies (made by the Set Links example) each become one row; the every-event workflow sees them too', async () => {
		const mark = devRevState().deliveries.length;

		await runExample(SET_LINKS_EXAMPLE);

		const links = ['ISS-1>ISS-2', 'ISS-1>ISS-3', 'ISS-4>ISS-5'].map((pair) => storedLink(...(pair.split('>') as [string, string])));
		expect(links.map((link) => link.link_type)).toEqual(['is_dependent_on', 'is_dependent_on', 'is_dependent_on']);
		const deliveries = deliveriesSince(mark, webhookIds[example.id]);
		expect(deliveries).toHaveLength(3);
		const runs = await newRuns(example.id, 3);
		const rows = runs.map((run) => {
			expect([run.status, run.mode]).toEqual(['success', 'webhook']);
			return { trigger: run.items, rows: nodeOutput(run.data, 'Dependency row') };
		});
		const expected = links.map((link) => {
			const delivery = deliveryAbout(deliveries, 'link_created', link.id);
			const { timestamp } = sentEvent(delivery);
			return {
				trigger: [{ event: 'link_created', event_id: delivery.eventId, webhook_id: webhookIds[example.id], timestamp, link: linkSummary(link) }],
				rows: [
					{
						issue: link.source.display_id,
						issue_title: link.source.title,
						depends_on: link.target.display_id,
						depends_on_title: link.target.title,
						link_id: link.id,
						linked_at: link.created_date,
					},
				],
			};
		});
		const byLinkId = (a: { rows?: Item[] }, b: { rows?: Item[] }) => String(a.rows?.[0]?.link_id).localeCompare(String(b.rows?.[0]?.link_id), 'en', { numeric: true });
		expect(rows.sort(byLinkId)).toEqual(expected.sort(byLinkId));

		const everyEventDeliveries = deliveriesSince(mark, webhookIds[everyEvent.id]);
		expect(itemsOf(await newRuns(everyEvent.id, 3))).toEqual(
			links.map((link) => expectedItem(deliveryAbout(everyEventDeliveries, 'link_created', link.id), linkSummary(link))).sort(byEventId),
		);
	});

	test('links of another type (is_related_to, made by the DevRev node) are received and start nothing', async () => {
		const mark = devRevState().deliveries.length;

		await runExample(relatedLinks.id);

		const links = ['ISS-31>TKT-32', 'ISS-33>TKT-34'].map((pair) => storedLink(...(pair.split('>') as [string, string])));
		const deliveries = deliveriesSince(mark, webhookIds[example.id]);
		expect(links.map((link) => deliveryAbout(deliveries, 'link_created', link.id))).toHaveLength(2);
		expect(deliveries.map((delivery) => JSON.parse(delivery.responseBody!))).toEqual([{ received: true }, { received: true }]);
		expect(await startedSince(example.id)).toEqual([]);
		const everyEventDeliveries = deliveriesSince(mark, webhookIds[everyEvent.id]);
		expect(itemsOf(await newRuns(everyEvent.id, 2))).toEqual(
			links.map((link) => expectedItem(deliveryAbout(everyEventDeliveries, 'link_created', link.id), linkSummary(link))).sort(byEventId),
		);
	});
});

describe('deactivation', () => {
	test('deactivating both workflows (POST /rest/workflows/:id/deactivate) deletes their webhooks at DevRev: none is left, and events reach nothing', async () => {
		await deactivate(everyEvent.id);
		await deactivate(example.id);

		await waitFor('DevRev to hold no webhook', () => (devRevState().webhooks.size === 0 ? true : undefined));
		expect(webhooksHeld()).toEqual([]);
		expect(sandbox.requestsFor('devrev', '/webhooks.delete')).toHaveLength(2);

		const mark = devRevState().deliveries.length;
		updateDevRevLink(devRevState(), storedLink('ISS-31', 'TKT-32').id, { link_type: 'is_dependent_on' });
		await devRevDeliveriesSettled(devRevState());
		expect(devRevState().deliveries.slice(mark)).toEqual([]);
		expect(await startedSince(everyEvent.id)).toEqual([]);
		expect(await startedSince(example.id)).toEqual([]);
	});

	test("n8n's log has no warning or error about the packages", () => {
		expect(packLogProblems(n8n!.logFile)).toEqual([]);
	});
});
