/**
 * The soak (issue 7): for each node, 5,000 items while about 10% of the requests meet a transient
 * fault (429, 503 or a connection reset before any answer, at random). Every item must have exactly
 * one output item, in order, with pairedItem, and the sandbox must hold exactly the requested links:
 * no pair lost, none linked twice. DevRev's and Unicat's Link are not idempotent, but an answer lost
 * to a 503 or a reset is looked up before the link is sent again (Unicat: Return Existing Copy, its
 * default), so every pair is linked once there too.
 * Each vendor prints one summary line; the README's Reliability section quotes them.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { fairComSessions, vendorCases, type VendorCase } from './harness/vendor-cases';

const sandbox = useSandbox();

const ITEMS = 5000;
/** Shares of requests that meet each fault: 4% + 3% + 3% = 10%. */
const SHARES = { rateLimited: 0.04, unavailable: 0.03, reset: 0.03 };

/**
 * A body that counts how often the sandbox sent it (JSON.stringify calls toJSON once per answer):
 * the sandbox counts injected faults by kind only, and 429 and 503 are both "status".
 */
function counted(body: unknown, counter: { sent: number }) {
	return {
		toJSON() {
			counter.sent++;
			return body;
		},
	};
}

/**
 * Rules are tried in order, each with its own probability, so each is conditioned on the ones before
 * not firing: p1, then p2 / (1 − p1), then p3 / (1 − p1 − p2).
 */
function addTransientFaults(vendor: VendorCase) {
	const rateLimited = { sent: 0 };
	const unavailable = { sent: 0 };
	const answer429 = vendor.rateLimited(0);
	const { rateLimited: p1, unavailable: p2, reset: p3 } = SHARES;
	const rule = { vendor: vendor.vendor, path: vendor.linkPath };
	sandbox.addFault({
		...rule,
		probability: p1,
		fault: { kind: 'status', status: answer429.status, headers: answer429.headers, body: counted(answer429.body, rateLimited) },
	});
	sandbox.addFault({
		...rule,
		probability: p2 / (1 - p1),
		fault: { kind: 'status', status: 503, body: counted(vendor.errorBody(503, 'Injected 503'), unavailable) },
	});
	sandbox.addFault({ ...rule, probability: p3 / (1 - p1 - p2), fault: { kind: 'reset-before' } });
	return { rateLimited, unavailable };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

describe('soak: 5,000 items with 10% transient faults', () => {
	test.each(vendorCases.map((vendor) => [vendor.displayName, vendor] as const))(
		'%s',
		async (_name, vendor) => {
			vendor.prepare?.(sandbox, ITEMS);
			vendor.prepareSoak?.(sandbox);
			const injected = addTransientFaults(vendor);
			const items = Array.from({ length: ITEMS }, (_, i) => vendor.item(i));

			const started = Date.now();
			const result = await runNode({
				node: vendor.node,
				// Ten retries: six faults in a row on one request (10⁻⁶) would otherwise fail a soak now and then.
				parameters: vendor.parameters({ ...vendor.soakOptions, maxRetries: 10 }),
				items,
				credentials: vendor.credentials(sandbox.baseUrl(vendor.vendor)),
				continueOnFail: true,
			});
			const elapsed = Date.now() - started;

			const resets = sandbox.injected['reset-before'] ?? 0;
			const faults = injected.rateLimited.sent + injected.unavailable.sent + resets;
			// The counters agree with the sandbox's own count, and the faults really were about 10% (within
			// four standard deviations: DataGOL and FairCom send only about 550 requests).
			expect(injected.rateLimited.sent + injected.unavailable.sent).toBe(sandbox.injected.status ?? 0);
			const requests = sandbox.requestsFor(vendor.vendor, vendor.linkPath).length;
			expect(Math.abs(faults - 0.1 * requests)).toBeLessThan(4 * Math.sqrt(requests * 0.1 * 0.9));

			// One output item per input item, in order, with pairedItem.
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(ITEMS);
			const unpaired = result.items.filter((item, i) => (item.pairedItem as { item?: number } | undefined)?.item !== i);
			expect(unpaired).toEqual([]);

			const failed = result.items.flatMap((item, i) => (item.json.error === undefined ? [] : [i]));
			const counts = vendor.linkCounts(sandbox, ITEMS);
			const linked = counts.filter((count) => count === 1).length;
			const duplicated = counts.filter((count) => count > 1).length;

			// Each output says what happened to its own pair.
			expect(result.items.map((item) => item.json)).toMatchObject(
				result.items.map((_item, i) =>
					failed.includes(i)
						? {
								error: expect.stringMatching(
									/^(Unicat answered 503: Injected 503|The connection to Unicat was dropped before it answered)$/,
								) as unknown,
							}
						: vendor.output(i),
				) as IDataObject[],
			);

			let summary: string;
			if (vendor.idempotent) {
				// Every fault was retried to success: every pair linked exactly once, nothing else linked.
				expect(failed).toEqual([]);
				expect(counts.every((count) => count === 1)).toBe(true);
				expect(vendor.totalLinks(sandbox)).toBe(ITEMS);
				summary = `${ITEMS} linked once, 0 errors`;
			} else {
				// Unicat: a 429 is retried (Unicat did nothing); a 503 or a reset is not, and is reported.
				for (const i of failed) {
					expect(result.items[i].error?.description).toContain('Unicat may have made the linked copy before the request failed');
				}
				expect(failed).toHaveLength(injected.unavailable.sent + resets);
				// Each link call was sent once, plus one repeat per 429.
				expect(vendor.linkRequests(sandbox)).toHaveLength(ITEMS + injected.rateLimited.sent);
				// The reported items have no copy (the sandbox did not act on them); every other has one.
				expect(counts.map((count, i) => (failed.includes(i) ? count === 0 : count === 1)).every(Boolean)).toBe(true);
				expect(vendor.totalLinks(sandbox)).toBe(ITEMS - failed.length);
				summary = `${linked} linked once, ${failed.length} reported "may exist" and not repeated (${injected.unavailable.sent} × 503, ${resets} × reset; their copies: 0)`;
			}
			expect(duplicated).toBe(0);

			let sessions = '';
			if (vendor.vendor === 'faircom') {
				// One session, ended, although faults hit createSession and deleteSession too.
				const { issued, deleted, deleteSessionCalls } = fairComSessions(sandbox);
				expect(issued).toHaveLength(1);
				expect(deleted).toEqual(issued);
				sessions = `; 1 session, deleted (${deleteSessionCalls} deleteSession call${deleteSessionCalls === 1 ? '' : 's'})`;
			}

			console.log(
				`Soak ${vendor.displayName}: ${ITEMS} items, ${requests} requests in ${seconds(elapsed)} s; ` +
					`faults: ${injected.rateLimited.sent} × 429, ${injected.unavailable.sent} × 503, ${resets} × reset ` +
					`(${((faults / requests) * 100).toFixed(1)}%); ${summary}; duplicates: ${duplicated}; lost: 0${sessions}`,
			);
		},
		400_000,
	);
});
