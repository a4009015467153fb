/**
 * The sandbox's DevRev webhooks, as a receiver sees them (a local HTTP server standing for the
 * DevRev Trigger's URL): webhooks.create answers `unverified` and a signed `verify` follows; echoing
 * its challenge makes the webhook active; links created, updated and deleted are delivered signed,
 * after the API call, retried on DevRev's schedule until acknowledged; the forgeries do what they
 * say; a deleted webhook and a reset sandbox deliver nothing more. The events the sandbox sends are
 * checked against DevRev's spec here (the suite-wide check sees only requests sent to the sandbox).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { contractViolations } from './contracts/check';
import { refusingUrl, useSandbox } from './harness/use-sandbox';
import {
	DEVREV_TOKEN,
	DEVREV_VARIANTS,
	deliverDevRevEvent,
	devRevDeliveriesSettled,
	devRevSandbox,
	devRevSignature,
	type DevRevForgery,
	updateDevRevLink,
} from './sandbox/devrev';

const sandbox = useSandbox();

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;
const LINK_EVENTS = ['link_created', 'link_updated', 'link_deleted'];

interface WebhookEvent {
	id: string;
	webhook_id: string;
	timestamp: string;
	type: string;
	[field: string]: unknown;
}

interface Receipt {
	headers: IncomingHttpHeaders;
	raw: string;
	event: WebhookEvent;
	at: number;
	answer?: { status: number; body?: unknown };
	answeredAt?: number;
}

type Answer = (event: WebhookEvent, receipt: Receipt) => { status: number; body?: unknown; delayMs?: number };

/** What DevRev expects: the challenge echoed to a verify, 200 to anything else. */
const acknowledge: Answer = (event) =>
	event.type === 'verify' ? { status: 200, body: { challenge: (event.verify as { challenge: string }).challenge } } : { status: 200, body: {} };

interface Receiver {
	url: string;
	receipts: Receipt[];
	answer: Answer;
	/** The events received (verify included), of one type when given. */
	events(type?: string): Receipt[];
}

const receivers: Array<{ receiver: Receiver; server: Server }> = [];

async function startReceiver(answer: Answer = acknowledge, path = '/hook'): Promise<Receiver> {
	const receiver: Receiver = {
		url: '',
		receipts: [],
		answer,
		events: (type) => receiver.receipts.filter((receipt) => type === undefined || receipt.event.type === type),
	};
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const receipt: Receipt = { headers: request.headers, raw, event: JSON.parse(raw) as WebhookEvent, at: Date.now() };
			receiver.receipts.push(receipt);
			const { status, body, delayMs = 0 } = receiver.answer(receipt.event, receipt);
			const send = () => {
				if (response.destroyed) return;
				receipt.answer = { status, body };
				receipt.answeredAt = Date.now();
				response.writeHead(status, { 'content-type': 'application/json' });
				response.end(body === undefined ? '' : JSON.stringify(body));
			};
			if (delayMs > 0) setTimeout(send, delayMs).unref();
			else send();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
	receivers.push({ receiver, server });
	return receiver;
}

afterEach(async () => {
	// Every event the sandbox sent that the receiver acknowledged keeps to DevRev's spec (POST /webhooks.event).
	const departures = receivers.flatMap(({ receiver }) =>
		receiver.receipts
			.filter((receipt) => receipt.answer?.status === 200)
			.flatMap((receipt) =>
				contractViolations({
					vendor: 'devrev',
					method: 'POST',
					path: '/webhooks.event',
					query: new URLSearchParams(),
					body: receipt.event,
					rawBody: receipt.raw,
					status: 200,
					responseBody: receipt.answer!.body,
				}),
			),
	);
	for (const { server } of receivers.splice(0)) {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
	expect(departures).toEqual([]);
});

beforeEach(() => {
	sandbox.state.devrev.retryDelaysMs = [0, 20, 40];
});

const state = () => sandbox.state.devrev;
const settled = async () => await devRevDeliveriesSettled(state());
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('waited in vain');
		await sleep(5);
	}
}

/** The link events recorded as answered (state.deliveries). */
const linkDeliveries = (devRev = state()) => devRev.deliveries.filter((delivery) => delivery.type.startsWith('link_'));

async function api(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
	const response = await fetch(`${sandbox.baseUrl('devrev')}${path}`, {
		method,
		headers: { authorization: `Bearer ${DEVREV_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

interface WebhookAnswer {
	id: string;
	url: string;
	event_types: string[];
	secret: string;
	status: string;
}

async function createWebhook(fields: Record<string, unknown>): Promise<WebhookAnswer> {
	const created = await api('/webhooks.create', fields);
	expect(created.status).toBe(201);
	return created.body.webhook as WebhookAnswer;
}

async function getWebhook(id: string): Promise<WebhookAnswer> {
	const got = await api(`/webhooks.get?id=${encodeURIComponent(id)}`, undefined, 'GET');
	expect(got.status).toBe(200);
	return got.body.webhook as WebhookAnswer;
}

/** A webhook for the link events at the receiver's URL, verified. */
async function activeWebhook(receiver: Receiver, eventTypes = LINK_EVENTS): Promise<WebhookAnswer> {
	const webhook = await createWebhook({ url: receiver.url, event_types: eventTypes });
	await settled();
	expect((await getWebhook(webhook.id)).status).toBe('active');
	return webhook;
}

async function createLink(n: number): Promise<Record<string, unknown>> {
	const created = await api('/links.create', { link_type: 'is_related_to', source: issue(n), target: ticket(n) });
	expect(created.status).toBe(201);
	return created.body.link as Record<string, unknown>;
}

const hmac = (secret: string, raw: string, encoding: 'hex' | 'base64') => createHmac('sha256', secret).update(raw).digest(encoding);

function expectSigned(receipt: Receipt, secret: string, encoding: 'hex' | 'base64' = 'hex'): void {
	expect(receipt.headers['content-type']).toBe('application/json');
	expect(receipt.headers['x-devrev-signature']).toBe(hmac(secret, receipt.raw, encoding));
}

describe('DevRev webhooks: the sandbox defaults are DevRev\'s', () => {
	test('three attempts (at once, after 30 s, after 3 min), 3 s to answer, hex signatures', () => {
		const fresh = devRevSandbox.createState();
		try {
			expect(fresh.retryDelaysMs).toEqual([0, 30_000, 180_000]);
			expect(fresh.deliveryTimeoutMs).toBe(3000);
			expect(fresh.variants.signatureEncoding).toBe('hex');
			expect(DEVREV_VARIANTS.signatureEncoding).toEqual(['hex', 'base64']);
		} finally {
			// A new state calls off the earlier ones' deliveries: give the sandbox a fresh one too.
			sandbox.reset();
		}
	});
});

describe.each(DEVREV_VARIANTS.signatureEncoding)('DevRev webhooks, signatures in %s', (encoding) => {
	beforeEach(() => {
		state().variants.signatureEncoding = encoding;
		state().retryDelaysMs = [0, 20, 40];
	});

	test('create answers unverified with a generated secret; a signed verify follows; its echo makes the webhook active', async () => {
		const receiver = await startReceiver();
		const webhook = await createWebhook({ url: receiver.url, event_types: ['link_created'] });

		expect(webhook).toMatchObject({ url: receiver.url, event_types: ['link_created'], status: 'unverified' });
		expect(webhook.id).toMatch(/^don:integration:dvrv-us-1:devo\/0:webhook\/\d+$/);
		expect(Buffer.from(webhook.secret, 'base64')).toHaveLength(24);
		await settled();

		const [verify] = receiver.events('verify');
		expect(receiver.receipts).toHaveLength(1);
		expect(verify.event).toEqual({
			id: expect.stringMatching(new RegExp(`^${webhook.id}:webhook_event/\\d+$`)) as unknown,
			webhook_id: webhook.id,
			timestamp: expect.any(String) as unknown,
			type: 'verify',
			verify: { challenge: expect.any(String) as unknown },
		});
		expect(Math.abs(Date.parse(verify.event.timestamp) - verify.at)).toBeLessThan(5000);
		expectSigned(verify, webhook.secret, encoding);
		expect(verify.headers['x-devrev-signature']).toBe(devRevSignature(webhook.secret, verify.raw, encoding));
		expect(verify.headers['x-devrev-signature']).not.toBe(hmac(webhook.secret, verify.raw, encoding === 'hex' ? 'base64' : 'hex'));
		expect(await getWebhook(webhook.id)).toMatchObject({ status: 'active', secret: webhook.secret });
	});

	test('a link created through the API is delivered once, as link_created with the link links.create answered, signed', async () => {
		const receiver = await startReceiver();
		const webhook = await activeWebhook(receiver);
		const link = await createLink(1);
		await settled();

		const events = receiver.events('link_created');
		expect(events).toHaveLength(1);
		expect(events[0].event).toEqual({
			id: expect.stringMatching(new RegExp(`^${webhook.id}:webhook_event/\\d+$`)) as unknown,
			webhook_id: webhook.id,
			timestamp: expect.any(String) as unknown,
			type: 'link_created',
			link_created: { link: JSON.parse(JSON.stringify(link)) as unknown },
		});
		expectSigned(events[0], webhook.secret, encoding);
		expect(linkDeliveries()).toEqual([
			expect.objectContaining({ webhookId: webhook.id, eventId: events[0].event.id, attempt: 1, status: 200, acknowledged: true, body: events[0].raw }),
		]);
	});
});

describe('DevRev webhooks: verification', () => {
	test('deliveries start after the API call has answered, never inside it', async () => {
		const receiver = await startReceiver();
		const answer = devRevSandbox.handle(
			{
				vendor: 'devrev',
				method: 'POST',
				path: '/webhooks.create',
				query: new URLSearchParams(),
				headers: { authorization: `Bearer ${DEVREV_TOKEN}` },
				rawBody: JSON.stringify({ url: receiver.url }),
				body: { url: receiver.url },
				receivedAt: Date.now(),
			},
			state(),
		);
		expect(answer).toMatchObject({ status: 201 });
		expect(state().outbox.pending).toBe(1);
		expect(state().deliveries).toEqual([]);
		await settled();
		expect(receiver.events('verify')).toHaveLength(1);
	});

	test('a verify not echoed is sent again on the retry schedule, and the webhook stays unverified and gets no events', async () => {
		const receiver = await startReceiver((event) => ({ status: 200, body: event.type === 'verify' ? { challenge: 'bm90LWl0' } : {} }));
		const webhook = await createWebhook({ url: receiver.url, event_types: ['link_created'], secret: 'c2FuZGJveC1zZWNyZXQtMQ==' });
		expect(webhook.secret).toBe('c2FuZGJveC1zZWNyZXQtMQ==');
		await settled();

		const verifies = receiver.events('verify');
		expect(verifies).toHaveLength(3);
		expect(new Set(verifies.map((receipt) => receipt.raw)).size).toBe(1);
		expect(verifies[1].at - verifies[0].at).toBeGreaterThanOrEqual(18);
		expect(verifies[2].at - verifies[1].at).toBeGreaterThanOrEqual(38);
		expect(state().deliveries.map((delivery) => [delivery.type, delivery.attempt, delivery.acknowledged])).toEqual([
			['verify', 1, false],
			['verify', 2, false],
			['verify', 3, false],
		]);
		expect((await getWebhook(webhook.id)).status).toBe('unverified');

		await createLink(1);
		await settled();
		expect(receiver.events('link_created')).toEqual([]);
	});

	test('an unreachable URL: the verify fails on every attempt, recorded as a network error', async () => {
		const url = await refusingUrl();
		const webhook = await createWebhook({ url });
		await settled();
		expect(state().deliveries).toEqual([1, 2, 3].map((attempt) => expect.objectContaining({ attempt, url, acknowledged: false, error: 'ECONNREFUSED' })));
		expect((await getWebhook(webhook.id)).status).toBe('unverified');
	});

	test('activate sends an unverified webhook\'s verify again; deactivate makes it inactive; activate again needs no new verify', async () => {
		let echo = false;
		const receiver = await startReceiver((event, receipt) => (echo ? acknowledge(event, receipt) : { status: 503 }));
		const webhook = await createWebhook({ url: receiver.url, event_types: ['link_created'] });
		await settled();
		expect(receiver.events('verify')).toHaveLength(3);

		echo = true;
		expect((await api('/webhooks.update', { id: webhook.id, action: 'activate' })).body.webhook).toMatchObject({ status: 'unverified' });
		await settled();
		expect(receiver.events('verify')).toHaveLength(4);
		expect((await getWebhook(webhook.id)).status).toBe('active');

		expect((await api('/webhooks.update', { id: webhook.id, action: 'deactivate' })).body.webhook).toMatchObject({ status: 'inactive' });
		await createLink(1);
		await settled();
		expect(receiver.events('link_created')).toEqual([]);

		expect((await api('/webhooks.update', { id: webhook.id, action: 'activate' })).body.webhook).toMatchObject({ status: 'active' });
		await createLink(2);
		await settled();
		expect(receiver.events('verify')).toHaveLength(4);
		expect(receiver.events('link_created')).toHaveLength(1);
	});

	test('a new URL or secret sends an active webhook back to unverified, with a verify to the new URL signed with the new secret', async () => {
		const first = await startReceiver();
		const second = await startReceiver(acknowledge, '/other');
		const webhook = await activeWebhook(first);

		const moved = await api('/webhooks.update', { id: webhook.id, url: second.url });
		expect(moved.body.webhook).toMatchObject({ status: 'unverified', url: second.url });
		await settled();
		expectSigned(second.events('verify')[0], webhook.secret);
		expect((await getWebhook(webhook.id)).status).toBe('active');

		const rekeyed = await api('/webhooks.update', { id: webhook.id, secret: 'bmV3LXNhbmRib3gtc2VjcmV0' });
		expect(rekeyed.body.webhook).toMatchObject({ status: 'unverified', secret: 'bmV3LXNhbmRib3gtc2VjcmV0' });
		await settled();
		expectSigned(second.events('verify')[1], 'bmV3LXNhbmRib3gtc2VjcmV0');

		const regenerated = await api('/webhooks.update', { id: webhook.id, secret: '' });
		const secret = (regenerated.body.webhook as WebhookAnswer).secret;
		expect(secret).not.toBe('bmV3LXNhbmRib3gtc2VjcmV0');
		expect(Buffer.from(secret, 'base64')).toHaveLength(24);
		await settled();
		expectSigned(second.events('verify')[2], secret);

		await createLink(1);
		await settled();
		expect(first.events('link_created')).toEqual([]);
		expectSigned(second.events('link_created')[0], secret);
	});

	test('event types: only the types asked for are delivered; update adds, removes or sets them', async () => {
		const receiver = await startReceiver();
		const webhook = await activeWebhook(receiver, ['link_deleted']);
		const link = await createLink(1);
		await api('/links.delete', { id: link.id });
		await settled();
		expect(receiver.receipts.map((receipt) => receipt.event.type)).toEqual(['verify', 'link_deleted']);
		expect(receiver.events('link_deleted')[0].event.link_deleted).toEqual({ id: link.id });

		const added = await api('/webhooks.update', { id: webhook.id, event_types: { add: ['link_created', 'link_updated'], remove: ['link_deleted'] } });
		expect(added.body.webhook).toMatchObject({ status: 'active', event_types: ['link_created', 'link_updated'] });
		const set = await api('/webhooks.update', { id: webhook.id, event_types: { set: ['link_updated'] } });
		expect(set.body.webhook).toMatchObject({ event_types: ['link_updated'] });
		const both = await api('/webhooks.update', { id: webhook.id, event_types: { set: ['link_updated'], add: ['link_created'] } });
		expect(both).toMatchObject({ status: 400, body: { type: 'bad_request' } });
	});
});

describe('DevRev webhooks: events', () => {
	test('updateDevRevLink (a change in DevRev\'s app) sends link_updated with the link and the old link', async () => {
		const receiver = await startReceiver();
		const webhook = await activeWebhook(receiver);
		const link = await createLink(1);
		const payload = updateDevRevLink(state(), link.id as string, { link_type: 'serves', target: ticket(9) });
		await settled();

		const [updated] = receiver.events('link_updated');
		expectSigned(updated, webhook.secret);
		expect(updated.event.link_updated).toEqual(JSON.parse(JSON.stringify(payload)));
		expect(payload.old_link).toEqual(JSON.parse(JSON.stringify(link)));
		expect(payload.link).toMatchObject({ id: link.id, link_type: 'serves', target: { id: ticket(9) }, object_version: 2 });
		const listed = await api('/links.list', { object: issue(1) });
		expect(listed.body.links).toEqual([expect.objectContaining({ id: link.id, link_type: 'serves', target: expect.objectContaining({ id: ticket(9) }) as unknown })]);
	});

	test('every active webhook that asked for the type gets the event, each with its own ID and signature', async () => {
		const one = await startReceiver();
		const two = await startReceiver();
		const first = await activeWebhook(one);
		const second = await activeWebhook(two);
		await createLink(1);
		await settled();
		expectSigned(one.events('link_created')[0], first.secret);
		expectSigned(two.events('link_created')[0], second.secret);
		expect(one.events('link_created')[0].event.id).not.toBe(two.events('link_created')[0].event.id);
	});

	test('an answer of 500 gets the retries on the schedule, each the same request: same event ID, body and signature', async () => {
		const receiver = await startReceiver((event, receipt) => (event.type === 'verify' ? acknowledge(event, receipt) : { status: 500, body: { message: 'boom' } }));
		await activeWebhook(receiver);
		await createLink(1);
		await settled();

		const attempts = receiver.events('link_created');
		expect(attempts).toHaveLength(3);
		expect(new Set(attempts.map((receipt) => `${receipt.raw}|${String(receipt.headers['x-devrev-signature'])}`)).size).toBe(1);
		expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(18);
		expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(38);
		expect(linkDeliveries()).toEqual(
			[1, 2, 3].map((attempt) =>
				expect.objectContaining({ attempt, status: 500, responseBody: '{"message":"boom"}', acknowledged: false, eventId: attempts[0].event.id }),
			),
		);
	});

	test('an answer slower than the delivery timeout counts as unacknowledged and is retried', async () => {
		let slow = true;
		const receiver = await startReceiver((event, receipt) => {
			const answer = acknowledge(event, receipt);
			if (event.type === 'verify' || !slow) return answer;
			slow = false;
			return { ...answer, delayMs: 3000 };
		});
		await activeWebhook(receiver);
		state().deliveryTimeoutMs = 500;
		await createLink(1);
		await settled();
		expect(linkDeliveries()).toEqual([
			expect.objectContaining({ attempt: 1, acknowledged: false, error: 'no answer within 500 ms' }),
			expect.objectContaining({ attempt: 2, status: 200, acknowledged: true }),
		]);
	});

	test('events go out concurrently: a slow answer to one does not hold back the next', async () => {
		const receiver = await startReceiver((event, receipt) => ({ ...acknowledge(event, receipt), delayMs: event.type === 'verify' ? 0 : 500 }));
		await activeWebhook(receiver);
		await createLink(1);
		await createLink(2);
		await settled();
		const [first, second] = receiver.events('link_created');
		expect(second.at).toBeLessThan(first.answeredAt!);
	});

	test('a deleted webhook gets nothing more: neither new events nor the retries still pending', async () => {
		const receiver = await startReceiver((event, receipt) => (event.type === 'verify' ? acknowledge(event, receipt) : { status: 500 }));
		state().retryDelaysMs = [0, 400, 400];
		const webhook = await activeWebhook(receiver);
		await createLink(1);
		await waitFor(() => linkDeliveries().length === 1);

		expect(await api('/webhooks.delete', { id: webhook.id })).toEqual({ status: 200, body: {} });
		await createLink(2);
		await settled();
		expect(receiver.events('link_created')).toHaveLength(1);
		expect(linkDeliveries()).toHaveLength(1);
		expect(await api('/webhooks.get', { id: webhook.id })).toMatchObject({ status: 404, body: { type: 'not_found' } });
		expect((await api('/webhooks.list', {})).body).toEqual({ webhooks: [] });
	});

	test('a reset sandbox drops the deliveries still pending', async () => {
		const receiver = await startReceiver((event, receipt) => (event.type === 'verify' ? acknowledge(event, receipt) : { status: 500 }));
		state().retryDelaysMs = [0, 400, 400];
		await activeWebhook(receiver);
		await createLink(1);
		await waitFor(() => linkDeliveries().length === 1);
		const before = state();
		expect(before.outbox.pending).toBe(1);

		sandbox.reset();
		await devRevDeliveriesSettled(before);
		await sleep(900);
		expect(receiver.events('link_created')).toHaveLength(1);
		expect(linkDeliveries(before)).toHaveLength(1);
	});
});

describe('DevRev webhooks: forgeries', () => {
	const FORGERIES: DevRevForgery[] = ['unsigned', 'wrong-signature', 'stale', 'repeat', 'unknown-webhook'];

	test.each(FORGERIES)('%s applies to the next event delivery (not a verify) and is used up', async (forgery) => {
		const receiver = await startReceiver();
		state().forgeNext = [forgery];
		const webhook = await activeWebhook(receiver);
		expectSigned(receiver.events('verify')[0], webhook.secret);
		expect(state().forgeNext).toEqual([forgery]);

		const link = await createLink(1);
		await settled();
		expect(state().forgeNext).toEqual([]);
		const forged = receiver.events('link_created');
		const [first] = forged;
		const signature = first.headers['x-devrev-signature'];
		expect(first.event.link_created).toEqual({ link: JSON.parse(JSON.stringify(link)) });
		switch (forgery) {
			case 'unsigned':
				expect(signature).toBeUndefined();
				break;
			case 'wrong-signature':
				expect(typeof signature).toBe('string');
				expect([hmac(webhook.secret, first.raw, 'hex'), hmac(webhook.secret, first.raw, 'base64')]).not.toContain(signature);
				break;
			case 'stale':
				expectSigned(first, webhook.secret);
				expect(first.at - Date.parse(first.event.timestamp)).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
				break;
			case 'repeat':
				expectSigned(first, webhook.secret);
				expect(forged).toHaveLength(2);
				expect(forged[1].raw).toBe(first.raw);
				expect(forged[1].headers['x-devrev-signature']).toBe(signature);
				expect(linkDeliveries()).toEqual([
					expect.objectContaining({ attempt: 1, duplicate: false, acknowledged: true, forgery: 'repeat' }),
					expect.objectContaining({ attempt: 1, duplicate: true, acknowledged: true, forgery: 'repeat' }),
				]);
				break;
			case 'unknown-webhook': {
				expectSigned(first, webhook.secret);
				const listed = (await api('/webhooks.list', undefined, 'GET')).body.webhooks as WebhookAnswer[];
				expect(listed.map((entry) => entry.id)).toEqual([webhook.id]);
				expect(first.event.webhook_id).not.toBe(webhook.id);
				expect(first.event.webhook_id).toMatch(/^don:integration:dvrv-us-1:devo\/0:webhook\//);
				break;
			}
		}
		if (forgery !== 'repeat') expect(forged).toHaveLength(1);

		await createLink(2);
		await settled();
		const next = receiver.events('link_created').at(-1)!;
		expect(next.event.webhook_id).toBe(webhook.id);
		expectSigned(next, webhook.secret);
		expect(Math.abs(Date.parse(next.event.timestamp) - next.at)).toBeLessThan(5000);
	});

	test('deliverDevRevEvent sends a crafted delivery and answers its records', async () => {
		const receiver = await startReceiver();
		const webhook = await activeWebhook(receiver);
		const records = await deliverDevRevEvent(state(), webhook.id, 'link_deleted', { id: 'don:core:dvrv-us-1:devo/0:link/77' }, 'stale');
		expect(records).toEqual([expect.objectContaining({ webhookId: webhook.id, type: 'link_deleted', attempt: 1, status: 200, acknowledged: true, forgery: 'stale' })]);
		const [received] = receiver.events('link_deleted');
		expect(received.raw).toBe(records[0].body);
		expect(received.headers['x-devrev-signature']).toBe(records[0].signature);
		expect(received.event.link_deleted).toEqual({ id: 'don:core:dvrv-us-1:devo/0:link/77' });
		await expect(deliverDevRevEvent(state(), 'don:integration:dvrv-us-1:devo/0:webhook/404', 'link_deleted', { id: 'x' })).rejects.toThrow(/No webhook/);
	});
});

describe('DevRev webhooks: the API refuses what DevRev refuses', () => {
	test('400 for a bad body, 404 for an unknown webhook, with DevRev\'s error bodies', async () => {
		const receiver = await startReceiver();
		const short = await api('/webhooks.create', { url: receiver.url, secret: 'c2hvcnQ=' });
		const long = await api('/webhooks.create', { url: receiver.url, secret: Buffer.alloc(33, 1).toString('base64') });
		const action = await api('/webhooks.create', { url: receiver.url, event_types: ['link_created'] });
		const id = (action.body.webhook as WebhookAnswer).id;
		const unknownId = await api('/webhooks.update', { id: 'don:integration:dvrv-us-1:devo/0:webhook/404', action: 'activate' });
		const deleteUnknown = await api('/webhooks.delete', { id: 'don:integration:dvrv-us-1:devo/0:webhook/404' });
		const getUnknown = await api('/webhooks.get?id=don%3Aintegration%3Advrv-us-1%3Adevo%2F0%3Awebhook%2F404', undefined, 'GET');

		expect(short).toMatchObject({ status: 400, body: { type: 'bad_request', message: expect.stringMatching(/between 8 and 32 bytes/) as unknown } });
		expect(long).toMatchObject({ status: 400, body: { type: 'bad_request' } });
		for (const answer of [unknownId, deleteUnknown, getUnknown]) expect(answer).toMatchObject({ status: 404, body: { type: 'not_found' } });
		expect(sandbox.contractViolations.filter((violation) => !/request body/.test(violation))).toEqual([]);
		sandbox.contractViolations.length = 0;

		// Bodies that depart from the spec (the contract check reports them; the sandbox refuses them).
		const noUrl = await api('/webhooks.create', { event_types: ['link_created'] });
		const notBase64 = await api('/webhooks.create', { url: receiver.url, secret: 'not base64 at all!' });
		const unknownType = await api('/webhooks.create', { url: receiver.url, event_types: ['link_renamed'] });
		const unknownAction = await api('/webhooks.update', { id, action: 'pause' });
		for (const answer of [noUrl, notBase64, unknownType, unknownAction]) expect(answer).toMatchObject({ status: 400, body: { type: 'bad_request' } });
		expect(sandbox.contractViolations).toHaveLength(4);
		expect(sandbox.contractViolations.every((violation) => /request body/.test(violation))).toBe(true);
		sandbox.contractViolations.length = 0;
		await settled();
	});

	test('the webhook calls keep to DevRev\'s spec, GET and POST alike', async () => {
		const receiver = await startReceiver();
		const webhook = await activeWebhook(receiver);
		expect(await api('/webhooks.get', { id: webhook.id })).toMatchObject({ status: 200, body: { webhook: { id: webhook.id, status: 'active' } } });
		expect((await api('/webhooks.list', undefined, 'GET')).body.webhooks).toEqual([expect.objectContaining({ id: webhook.id, secret: webhook.secret })]);
		expect((await api('/webhooks.list', {})).body.webhooks).toHaveLength(1);
		const unauthorized = await fetch(`${sandbox.baseUrl('devrev')}/webhooks.list`);
		expect(unauthorized.status).toBe(401);
		await unauthorized.text();
		expect(sandbox.contractViolations).toEqual([]);
		expect(sandbox.requestsFor('devrev', /^\/webhooks\./).length).toBeGreaterThanOrEqual(5);
	});
});
