/**
 * The DevRev Trigger against the sandbox's DevRev webhooks, run as n8n runs a webhook trigger
 * (test/harness/trigger.ts): activation registers one webhook, the verify handshake is answered and
 * starts nothing, every link event the DevRev node causes starts one execution with its exact item,
 * the filters hold, every refusal (signature, stale, unknown webhook) is a 401 that starts nothing,
 * a repeated event starts nothing twice, re-activation registers nothing twice, and deactivation
 * leaves no webhook at DevRev. Assertions are on what the sandbox received and holds.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CredentialStore, runNode } from './harness/engine';
import { type ActiveTrigger, activateTrigger } from './harness/trigger';
import { useSandbox } from './harness/use-sandbox';
import { DEVREV_TOKEN, deliverDevRevEvent, devRevDeliveriesSettled, type DevRevForgery, updateDevRevLink } from './sandbox/devrev';

const sandbox = useSandbox();

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;
const ALL_EVENTS = ['link_created', 'link_updated', 'link_deleted'];

let trigger: ActiveTrigger | undefined;

function devRevState() {
	return sandbox.state.devrev;
}

function store(): CredentialStore {
	const credentials = new CredentialStore();
	credentials.set('recordLinksDevRevApi', { token: DEVREV_TOKEN, baseUrl: sandbox.baseUrl('devrev') });
	return credentials;
}

async function activate(parameters: INodeParameters = { events: ALL_EVENTS }, credentials = store()): Promise<ActiveTrigger> {
	// DevRev's schedule (at once, after 30 s, after 3 min) shortened: the tests wait for every attempt.
	devRevState().retryDelaysMs = [0, 20, 40];
	trigger = await activateTrigger({ node: 'devRevTrigger', parameters, credentials });
	await devRevDeliveriesSettled(devRevState());
	return trigger;
}

afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

/** The webhooks the sandbox holds, as [url, status, event types]. */
const webhooksHeld = () => [...devRevState().webhooks.values()].map((webhook) => [webhook.url, webhook.status, [...webhook.event_types].sort()]);

async function link(linkType: string, source: string, target: string): Promise<IDataObject> {
	const result = await runNode({ node: 'devRev', parameters: { operation: 'link', linkType, source, target }, items: [{}], credentials: store() });
	expect(result.error).toBeUndefined();
	await devRevDeliveriesSettled(devRevState());
	return result.items[0].json;
}

/** The sandbox's link with these ends, as the DevRev node's output and the trigger's item name it. */
function storedLink(source: string, target: string) {
	const found = [...devRevState().links.values()].find((candidate) => candidate.source.id === source && candidate.target.id === target);
	if (!found) throw new Error(`no link ${source} → ${target}`);
	return found;
}

const end = (id: string) => {
	const [, kind, number] = /:(issue|ticket)\/(\d+)$/.exec(id)!;
	return { id, display_id: `${kind === 'issue' ? 'ISS' : 'TKT'}-${number}`, type: kind, display_name: `${kind} ${number}` };
};

describe('activation', () => {
	test('registers one webhook for the chosen events at its URL; the verify is answered with its challenge and starts nothing', async () => {
		const active = await activate({ events: ['link_created', 'link_deleted'] });

		expect(webhooksHeld()).toEqual([[active.url, 'active', ['link_created', 'link_deleted']]]);
		const verify = devRevState().deliveries.filter((delivery) => delivery.type === 'verify');
		expect(verify.map((delivery) => [delivery.status, delivery.acknowledged])).toEqual([[200, true]]);
		expect(active.executions).toEqual([]);
		expect(active.staticData().webhookId).toBe([...devRevState().webhooks.keys()][0]);
		// The secret is DevRev's format: base64 of 8 to 32 bytes.
		const [{ secret }] = devRevState().webhooks.values();
		expect(Buffer.from(secret, 'base64').length).toBe(24);
	});

	test('activating again keeps the webhook: nothing is registered twice', async () => {
		const active = await activate();
		await active.activate();
		await active.activate();

		expect(webhooksHeld()).toEqual([[active.url, 'active', [...ALL_EVENTS].sort()]]);
		expect(sandbox.requestsFor('devrev', '/webhooks.create')).toHaveLength(1);
	});

	test('a webhook found at its URL is adopted when the node lost its ID, and a leftover one is deleted', async () => {
		const active = await activate();
		const [kept] = devRevState().webhooks.keys();
		// A leftover at the same URL (an activation whose delete never ran), registered by hand.
		const leftover = await fetch(`${sandbox.baseUrl('devrev')}/webhooks.create`, {
			method: 'POST',
			headers: { authorization: `Bearer ${DEVREV_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ url: active.url, event_types: ['link_created'] }),
		});
		expect(leftover.status).toBe(201);
		delete active.staticData().webhookId;

		await active.activate();
		await devRevDeliveriesSettled(devRevState());

		expect([...devRevState().webhooks.keys()]).toEqual([kept]);
		expect(active.staticData().webhookId).toBe(kept);
		expect(sandbox.requestsFor('devrev', '/webhooks.create')).toHaveLength(2);
	});

	test('after the events are changed, activation replaces the webhook instead of adding one beside it', async () => {
		const active = await activate({ events: ['link_created'] });
		const [first] = devRevState().webhooks.keys();

		active.setParameters({ events: ALL_EVENTS });
		await active.activate();
		await devRevDeliveriesSettled(devRevState());

		expect(devRevState().webhooks.has(first)).toBe(false);
		expect(webhooksHeld()).toEqual([[active.url, 'active', [...ALL_EVENTS].sort()]]);
	});

	test('deactivation deletes the webhook at DevRev, and events then reach nothing', async () => {
		const active = await activate();
		await active.deactivate();

		expect(webhooksHeld()).toEqual([]);
		expect(active.staticData().webhookId).toBeUndefined();
		await link('is_related_to', issue(1), ticket(1));
		expect(devRevState().deliveries.filter((delivery) => delivery.type !== 'verify')).toEqual([]);
		expect(active.executions).toEqual([]);
	});
});

describe('events', () => {
	test('a link made by the DevRev node starts one execution with the link', async () => {
		const active = await activate();

		await link('is_dependent_on', issue(1), ticket(2));

		const stored = storedLink(issue(1), ticket(2));
		const [delivery] = devRevState().deliveries.filter((each) => each.type === 'link_created');
		expect(active.executions).toHaveLength(1);
		expect(active.executions[0].map((item) => item.json)).toEqual([
			{
				event: 'link_created',
				event_id: delivery.eventId,
				webhook_id: active.staticData().webhookId,
				timestamp: JSON.parse(delivery.body).timestamp,
				link: {
					id: stored.id,
					display_id: stored.display_id,
					link_type: 'is_dependent_on',
					source: end(issue(1)),
					target: end(ticket(2)),
					created_date: stored.created_date,
				},
			},
		]);
		expect(delivery.status).toBe(200);
	});

	test('a changed link gives the link before and after; a deleted one its ID only', async () => {
		const active = await activate();
		await link('is_related_to', issue(1), ticket(1));
		const { id } = storedLink(issue(1), ticket(1));

		updateDevRevLink(devRevState(), id, { target: ticket(3) });
		await devRevDeliveriesSettled(devRevState());
		const unlinked = await runNode({ node: 'devRev', parameters: { operation: 'unlink', unlinkBy: 'id', linkId: id }, items: [{}], credentials: store() });
		expect(unlinked.error).toBeUndefined();
		await devRevDeliveriesSettled(devRevState());

		const items = active.executions.map((execution) => execution.map((item) => item.json));
		expect(items.map(([item]) => item.event)).toEqual(['link_created', 'link_updated', 'link_deleted']);
		const [, [updated], [deleted]] = items;
		expect(updated.link).toMatchObject({ id, source: end(issue(1)), target: end(ticket(3)) });
		expect(updated.old_link).toMatchObject({ id, source: end(issue(1)), target: end(ticket(1)) });
		expect(deleted).toEqual({
			event: 'link_deleted',
			event_id: expect.any(String),
			webhook_id: active.staticData().webhookId,
			timestamp: expect.any(String),
			link: { id },
		});
	});

	test('filters: only links of the chosen types with the object at the chosen end start it; a deletion always does', async () => {
		const active = await activate({
			events: ALL_EVENTS,
			filters: { linkTypes: ['is_dependent_on'], object: 'ISS-1', objectRole: 'source' },
		});

		await link('is_dependent_on', issue(1), ticket(1)); // passes
		await link('is_related_to', issue(1), ticket(2)); // another type
		await link('is_dependent_on', issue(2), ticket(3)); // another object
		await link('is_dependent_on', ticket(4), issue(1)); // the object as the target
		const { id } = storedLink(issue(1), ticket(2));
		await runNode({ node: 'devRev', parameters: { operation: 'unlink', unlinkBy: 'id', linkId: id }, items: [{}], credentials: store() });
		await devRevDeliveriesSettled(devRevState());

		expect(active.executions.map(([item]) => [item.json.event, (item.json.link as IDataObject).id])).toEqual([
			['link_created', storedLink(issue(1), ticket(1)).id],
			['link_deleted', id],
		]);
		// Every delivery was acknowledged: a filtered-out event is received, not refused.
		expect(devRevState().deliveries.filter((delivery) => delivery.type !== 'verify').map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200]);
	});

	test('only the chosen events start it', async () => {
		const active = await activate({ events: ['link_deleted'] });
		await link('is_related_to', issue(1), ticket(1));

		expect(devRevState().deliveries.filter((delivery) => delivery.type === 'link_created')).toEqual([]);
		expect(active.executions).toEqual([]);
	});

	test.each(['hex', 'base64'] as const)('a signature in %s is accepted', async (encoding) => {
		devRevState().variants.signatureEncoding = encoding;
		const active = await activate();
		await link('is_related_to', issue(1), ticket(1));

		expect(active.executions).toHaveLength(1);
	});
});

describe('refusals', () => {
	test.each<[DevRevForgery, string]>([
		['unsigned', "The delivery does not carry this webhook's X-DevRev-Signature"],
		['wrong-signature', "The delivery does not carry this webhook's X-DevRev-Signature"],
		['stale', "The delivery's timestamp is missing or more than 300 s away"],
		['unknown-webhook', 'The delivery names a webhook this trigger did not register'],
	])('%s: 401 and nothing starts (each retry refused the same way)', async (forgery, message) => {
		const active = await activate();
		devRevState().forgeNext.push(forgery);

		await link('is_related_to', issue(1), ticket(1));

		const attempts = devRevState().deliveries.filter((delivery) => delivery.type === 'link_created');
		expect(attempts.map((delivery) => [delivery.forgery, delivery.status])).toEqual([
			[forgery, 401],
			[forgery, 401],
			[forgery, 401],
		]);
		expect(active.answers.filter((answer) => answer.status === 401).map((answer) => answer.body)).toEqual([{ message }, { message }, { message }]);
		expect(active.executions).toEqual([]);
	});

	test('a repeated event (a retry, or a replay) is acknowledged and starts nothing a second time', async () => {
		const active = await activate();
		devRevState().forgeNext.push('repeat');

		await link('is_related_to', issue(1), ticket(1));

		const attempts = devRevState().deliveries.filter((delivery) => delivery.type === 'link_created');
		expect(attempts.map((delivery) => [delivery.duplicate, delivery.status])).toEqual([
			[false, 200],
			[true, 200],
		]);
		expect(new Set(attempts.map((delivery) => delivery.eventId)).size).toBe(1);
		expect(active.executions).toHaveLength(1);
	});

	test('a replay of a delivered event, sent again later, starts nothing', async () => {
		const active = await activate();
		await link('is_related_to', issue(1), ticket(1));
		const [first] = devRevState().deliveries.filter((delivery) => delivery.type === 'link_created');

		const replayed = await fetch(active.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-devrev-signature': first.signature! },
			body: first.body,
		});

		expect(replayed.status).toBe(200);
		expect(active.executions).toHaveLength(1);
	});

	test('a crafted Link Deleted delivery with a wrong signature is refused', async () => {
		const active = await activate();
		const [webhookId] = devRevState().webhooks.keys();

		const deliveries = await deliverDevRevEvent(devRevState(), webhookId, 'link_deleted', { id: 'don:core:dvrv-us-1:devo/0:link/99' }, 'wrong-signature');

		expect(deliveries.map((delivery) => delivery.status)).toEqual([401, 401, 401]);
		expect(active.executions).toEqual([]);
	});
});
