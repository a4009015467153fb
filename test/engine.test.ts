/** The shared link engine's rules, tested directly on its sources. */
import { z } from 'zod';

import {
	groupIntoUnits,
	Pacer,
	RequestFailure,
	retryAfterMs,
	retryDelayMs,
	type FailureFields,
	type LinkOperation,
} from '@record-links/engine';

interface Pair {
	table: string;
	ids: number[];
}

function operation(overrides: Partial<LinkOperation<Pair>> = {}): LinkOperation<Pair> {
	return {
		name: 'link',
		label: 'Link',
		description: 'Link',
		action: 'Link',
		properties: [],
		schema: z.object({ table: z.string(), ids: z.array(z.number()) }),
		idempotent: true,
		buildRequest: () => ({ method: 'POST', path: '/' }),
		toOutput: () => [],
		...overrides,
	};
}

const items = (tables: string[], size = 1) =>
	tables.map((table, index) => ({ index, params: { table, ids: Array.from({ length: size }, (_, i) => i) } }));

describe('grouping items into requests', () => {
	test('without a batch key every item is its own request', () => {
		const units = groupIntoUnits(items(['a', 'a', 'b']), operation(), 100);
		expect(units.map((unit) => unit.items.map((item) => item.index))).toEqual([[0], [1], [2]]);
	});

	test('items sharing a key share a request, up to the batch size, in order of first appearance', () => {
		const units = groupIntoUnits(items(['a', 'b', 'a', 'a', 'b', 'a']), operation({ batchKey: (p) => p.table }), 2);
		expect(units.map((unit) => unit.items.map((item) => item.index))).toEqual([[0, 2], [1, 4], [3, 5]]);
	});

	test('1,000 items for one key in batches of 100 make 10 requests', () => {
		const units = groupIntoUnits(items(Array(1000).fill('t')), operation({ batchKey: (p) => p.table }), 100);
		expect(units).toHaveLength(10);
		expect(units.every((unit) => unit.items.length === 100)).toBe(true);
	});

	test('a batch weight caps the sum of weights per request; an item heavier than the cap travels alone', () => {
		const byWeight = operation({ batchKey: (p) => p.table, batchWeight: (p) => p.ids.length });
		const units = groupIntoUnits(
			[
				{ index: 0, params: { table: 't', ids: [1, 2, 3] } },
				{ index: 1, params: { table: 't', ids: [4, 5] } },
				{ index: 2, params: { table: 't', ids: Array(12).fill(0) } },
				{ index: 3, params: { table: 't', ids: [6] } },
			],
			byWeight,
			5,
		);
		expect(units.map((unit) => unit.items.map((item) => item.index))).toEqual([[0, 1], [2], [3]]);
	});

	test('an item whose batch key is undefined travels alone, between batches of the others', () => {
		const units = groupIntoUnits(
			items(['a', 'solo', 'a', 'solo', 'a']),
			operation({ batchKey: (p) => (p.table === 'solo' ? undefined : p.table) }),
			10,
		);
		expect(units.map((unit) => unit.items.map((item) => item.index))).toEqual([[0, 2, 4], [1], [3]]);
	});

	test('the rate scope of a request comes from its first item', () => {
		const units = groupIntoUnits(items(['x', 'y']), operation({ rateScope: (p) => `table:${p.table}` }), 10);
		expect(units.map((unit) => unit.scope)).toEqual(['table:x', 'table:y']);
	});
});

describe('retry rules', () => {
	const failure = (fields: Partial<FailureFields>) => new RequestFailure('x', { outcome: 'unknown', ...fields });

	test.each([
		['429 with Retry-After, idempotent', { statusCode: 429, retryAfterMs: 2000 }, true, 2000],
		['429 with Retry-After, not idempotent (the vendor did nothing)', { statusCode: 429, retryAfterMs: 2000 }, false, 2000],
		['503 with Retry-After, idempotent', { statusCode: 503, retryAfterMs: 1000 }, true, 1000],
		['503, not idempotent (may have been done)', { statusCode: 503 }, false, undefined],
		['500 is not retried', { statusCode: 500 }, true, undefined],
		['400 is not retried', { statusCode: 400 }, true, undefined],
		['401 is not retried', { statusCode: 401 }, true, undefined],
		['a vendor-reported failure is not retried', { vendorCode: 1234 }, true, undefined],
		['a dropped connection, not idempotent', { networkCode: 'ECONNRESET' }, false, undefined],
		['cancelled', { cancelled: true }, true, undefined],
	])('%s', (_name, details, idempotent, expected) => {
		expect(retryDelayMs(failure(details), 0, idempotent)).toBe(expected);
	});

	test('a refused connection is retried even for a non-idempotent request, with growing capped backoff', () => {
		const refused = failure({ networkCode: 'ECONNREFUSED', outcome: 'not-sent' });
		const delays = [0, 1, 2, 3, 10].map((attempt) => retryDelayMs(refused, attempt, false)!);
		expect(delays[0]).toBeGreaterThanOrEqual(250);
		expect(delays[0]).toBeLessThanOrEqual(500);
		expect(delays[3]).toBeGreaterThanOrEqual(2000);
		expect(delays[4]).toBeLessThanOrEqual(30_000);
	});

	test('Retry-After is read as seconds or as an HTTP date, and a body retry_after as seconds', () => {
		expect(retryAfterMs({ 'retry-after': '3' }, undefined)).toBe(3000);
		const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
		expect(retryAfterMs({ 'retry-after': inTwoSeconds }, undefined)).toBeGreaterThan(500);
		expect(retryAfterMs({}, { retry_after: 1.5 })).toBe(1500);
		expect(retryAfterMs({}, {})).toBeUndefined();
	});
});

describe('a failure', () => {
	test('is immutable: a changed view of it is a new failure, and the first one stands as it was', () => {
		const lost = new RequestFailure('DevRev answered 503: busy', { outcome: 'unknown', statusCode: 503, description: 'first' });
		const noted = lost.with({ description: 'first, then a note' });
		const settled = lost.with({ outcome: 'not-sent', message: 'settled' });

		expect([lost.message, lost.outcome, lost.statusCode, lost.description]).toEqual(['DevRev answered 503: busy', 'unknown', 503, 'first']);
		expect([noted.message, noted.outcome, noted.statusCode, noted.description]).toEqual(['DevRev answered 503: busy', 'unknown', 503, 'first, then a note']);
		expect([settled.message, settled.outcome, settled.statusCode]).toEqual(['settled', 'not-sent', 503]);
		expect(Object.isFrozen(lost)).toBe(true);
	});
});

describe('pacing', () => {
	// On jest's clock (Date.now and timers): the times are the pacer's own, whatever else the machine runs.
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/** When each acquire (all started at once) went through, in ms from the start. */
	async function acquiredAt(pacer: Pacer, scopes: string[]): Promise<number[]> {
		const started = Date.now();
		const times: number[] = [];
		const all = Promise.all(
			scopes.map(async (scope, i) => {
				await pacer.acquire(scope);
				times[i] = Date.now() - started;
			}),
		);
		await jest.advanceTimersByTimeAsync(10_000);
		await all;
		return times;
	}

	test('spaces requests of one scope to the rate, and scopes do not wait for each other', async () => {
		// 5 requests of scope a at 20/s: one every 50 ms; scope b at once.
		expect(await acquiredAt(new Pacer(20), ['a', 'a', 'a', 'a', 'a', 'b'])).toEqual([0, 50, 100, 150, 200, 0]);
	});

	test('a pause (after a 429) holds the whole scope back', async () => {
		const pacer = new Pacer(undefined);
		pacer.pause('a', 300);
		expect(await acquiredAt(pacer, ['a', 'a', 'b'])).toEqual([300, 300, 0]);
	});
});

