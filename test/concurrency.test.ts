import type { IDataObject } from 'n8n-workflow';

import { AutoConcurrency } from '@record-links/engine';
import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';

const sandbox = useSandbox();
afterEach(() => {
	sandbox.latencyMs = 0;
});

describe('Auto concurrency learns from answers', () => {
	const fine = { overloaded: false, latencyMs: 20 };

	function auto(start = 8, ceiling = 64) {
		let now = 0;
		const limit = new AutoConcurrency(start, ceiling, () => now);
		return { limit, advance: (ms: number) => (now += ms) };
	}

	test('starts at the vendor default and doubles per round of fine answers', () => {
		const { limit } = auto();
		expect(limit.current).toBe(8);
		for (let n = 0; n < 8; n++) limit.observe(fine);
		expect(limit.current).toBe(16);
	});

	test('halves on a 429, 503 or time-out, once per round trip', () => {
		const { limit, advance } = auto(32);
		limit.observe(fine);
		expect(limit.current).toBe(33);
		limit.observe({ overloaded: true, latencyMs: 5 });
		expect(limit.current).toBe(16);
		// The answers already in flight report the same overload: no second cut within a round trip.
		limit.observe({ overloaded: true, latencyMs: 5 });
		expect(limit.current).toBe(16);
		advance(25);
		limit.observe({ overloaded: true, latencyMs: 5 });
		expect(limit.current).toBe(8);
		advance(25);
		for (let n = 0; n < 10; n++) {
			limit.observe({ overloaded: true, latencyMs: 5 });
			advance(25);
		}
		expect(limit.current).toBe(1);
	});

	test('after an overload it grows by one per round trip, not doubling', () => {
		const { limit } = auto(16);
		limit.observe({ overloaded: true, latencyMs: 20 });
		expect(limit.current).toBe(8);
		// About one round trip's answers (eight in flight) add one.
		for (let n = 0; n < 8; n++) limit.observe(fine);
		expect(limit.current).toBe(8);
		limit.observe(fine);
		expect(limit.current).toBe(9);
	});

	test('never passes the ceiling', () => {
		const { limit } = auto(8, 12);
		for (let n = 0; n < 1000; n++) limit.observe(fine);
		expect(limit.current).toBe(12);
		expect(new AutoConcurrency(8, 1).current).toBe(1);
	});

	test('does not grow while latency does not hold', () => {
		const { limit } = auto();
		limit.observe(fine);
		for (let n = 0; n < 50; n++) limit.observe({ overloaded: false, latencyMs: 200 });
		expect(limit.current).toBe(9);
	});

	test("keeps no more in flight than the vendor's window still allows (X-RateLimit-Remaining)", () => {
		const { limit } = auto(16);
		limit.observe({ ...fine, remaining: 500 });
		expect(limit.current).toBe(17);
		limit.observe({ ...fine, remaining: 3 });
		expect(limit.current).toBe(3);
	});
});

describe('Concurrency in a run against the sandbox', () => {
	const devRev = vendorCase('devrev');
	const items = (count: number) => Array.from({ length: count }, (_, n) => devRev.item(n) as { source: string; target: string });

	async function link(input: IDataObject[], options: IDataObject = {}) {
		return await runNode({
			node: devRev.node,
			parameters: devRev.parameters({ returnExisting: false, ...options }),
			items: input,
			credentials: devRev.credentials(sandbox.baseUrl('devrev')),
		});
	}

	function expectLinkedOnce(input: Array<{ source: string; target: string }>, result: Awaited<ReturnType<typeof link>>) {
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [(item.json.source as IDataObject).id, (item.json.target as IDataObject).id])).toEqual(
			input.map(({ source, target }) => [source, target]),
		);
		expect(result.items.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
		const held = [...sandbox.state.devrev.links.values()].map((held) => `${held.source.id} ${held.target.id}`);
		expect(held.sort()).toEqual(input.map(({ source, target }) => `${source} ${target}`).sort());
	}

	test('a Concurrency the user sets is a hard cap', async () => {
		sandbox.latencyMs = 10;
		const input = items(60);
		const result = await link(input, { concurrency: 3 });
		expectLinkedOnce(input, result);
		expect(sandbox.peakInFlight.get('devrev')).toBe(3);
	});

	test('Auto against a vendor that refuses past 6 requests in flight: every item linked once, none lost', async () => {
		sandbox.latencyMs = 10;
		sandbox.inFlightLimits.set('devrev', 6);
		const input = items(200);
		const result = await link(input);
		expectLinkedOnce(input, result);
		expect(sandbox.requestsFor('devrev', '/links.create').length).toBe(200 + (sandbox.injected.tooManyInFlight ?? 0));
	});

	test("Auto within DevRev's request window: what is left is waited out, every item linked once", async () => {
		sandbox.rateWindows.set('devrev', { limit: 25, windowMs: 1000 });
		const input = items(40);
		const result = await link(input);
		expectLinkedOnce(input, result);
		const answered = sandbox.requestsFor('devrev', '/links.create').length;
		expect(answered).toBe(40 + (sandbox.injected.windowUsedUp ?? 0));
	});

	test("Auto never passes Tulip's documented 10 writes per second: 30 links into one table, no 429, each linked once", async () => {
		sandbox.rateLimits.set('tulip', { perSecond: 10 });
		const tulip = vendorCase('tulip');
		const count = 30;
		const result = await runNode({
			node: tulip.node,
			parameters: tulip.parameters({}),
			items: Array.from({ length: count }, (_, i) => tulip.item(i)),
			credentials: tulip.credentials(sandbox.baseUrl('tulip')),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(count);
		expect(sandbox.injected.rateLimited ?? 0).toBe(0);
		expect(sandbox.requestCount).toBe(count);
		expect(tulip.linkCounts(sandbox, count)).toEqual(Array(count).fill(1));
	});
});
