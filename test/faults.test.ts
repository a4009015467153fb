/**
 * The fault matrix (issue 7): every node × every fault, driven by the vendor table. Each case links
 * three distinct pairs, injects one fault into the first link call, and checks every item's outcome
 * (retried to success, or a clear error: an error item with Continue On Fail, the node's error
 * without it) and the sandbox's state: idempotent links exist exactly once, a Unicat copy is never
 * made twice (an uncertain failure is reported, not repeated), FairCom's atomic call leaves all or
 * nothing and its session is always ended.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness/engine';
import { refusingUrl, useSandbox } from './harness/use-sandbox';
import { fairComSessions, vendorCases, type VendorCase } from './harness/vendor-cases';
import { vendorModules, type Fault } from './sandbox';

const sandbox = useSandbox();
/** A URL nothing listens on. */
let closedRoot: string;

beforeAll(async () => {
	closedRoot = await refusingUrl();
});

/** Pairs per case: the first request carries the fault, the others show the rest goes on. */
const N = 3;
/** Small retries and one request at a time, so the faulted item is always item 0. */
const BASE_OPTIONS: INodeParameters = { maxRetries: 2, concurrency: 1, timeout: 5000 };
const TIMEOUT_MS = 400;

const HTML_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

type Outcome = 'retried' | 'fails' | 'normal';

interface FaultCase {
	name: string;
	/** The fault injected into the first link call; undefined for a refused connection. */
	fault?: (vendor: VendorCase) => Fault;
	/** Whether the sandbox carried out the faulted request before failing it. */
	processed: boolean;
	/** What the engine must make of it for this vendor. */
	outcome: (vendor: VendorCase) => Outcome;
	/** The faulted item's error message when it fails. */
	message: (vendor: VendorCase) => string | RegExp;
	options?: INodeParameters;
}

/** Retried when the link call is idempotent; otherwise an uncertain failure, never repeated. */
const ifIdempotent = (vendor: VendorCase): Outcome => (vendor.idempotent ? 'retried' : 'fails');
const status = (code: number) => (vendor: VendorCase): Fault => ({
	kind: 'status',
	status: code,
	body: vendor.errorBody(code, `Injected ${code}`),
});
const answered = (code: number) => (vendor: VendorCase) =>
	new RegExp(`^${vendor.displayName} answered ${code}: .*Injected ${code}`);
const dropped = (vendor: VendorCase) => `The connection to ${vendor.displayName} was dropped before it answered`;

const faults: FaultCase[] = [
	{
		name: '429 with Retry-After',
		fault: (vendor) => ({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: vendor.errorBody(429, 'Injected 429') }),
		processed: false,
		outcome: () => 'retried',
		message: answered(429),
	},
	{
		name: '429 without Retry-After',
		fault: status(429),
		processed: false,
		outcome: () => 'retried',
		message: answered(429),
	},
	{ name: '500', fault: status(500), processed: false, outcome: () => 'fails', message: answered(500) },
	{ name: '502', fault: status(502), processed: false, outcome: ifIdempotent, message: answered(502) },
	{ name: '503', fault: status(503), processed: false, outcome: ifIdempotent, message: answered(503) },
	{ name: '504', fault: status(504), processed: false, outcome: ifIdempotent, message: answered(504) },
	{
		name: 'connection refused',
		processed: false,
		// Retried (nothing was sent), but every attempt is refused.
		outcome: () => 'fails',
		message: () => /the connection was refused/,
		options: { maxRetries: 1 },
	},
	{
		name: 'connection reset before any response',
		fault: () => ({ kind: 'reset-before' }),
		processed: false,
		outcome: ifIdempotent,
		message: dropped,
	},
	{
		name: 'connection dropped after the request was sent',
		fault: () => ({ kind: 'drop-after' }),
		processed: true,
		outcome: ifIdempotent,
		message: dropped,
	},
	{
		name: 'an answer slower than the Timeout option',
		fault: () => ({ kind: 'delay', ms: TIMEOUT_MS * 3 }),
		processed: true,
		outcome: ifIdempotent,
		message: (vendor) => `${vendor.displayName} did not answer within ${TIMEOUT_MS} ms (Timeout option)`,
		options: { timeout: TIMEOUT_MS },
	},
	{
		name: '200 with malformed JSON',
		fault: () => ({ kind: 'raw', status: 200, contentType: 'application/json', text: '{"result": {"record": "c0ffee00-00' }),
		processed: true,
		outcome: ifIdempotent,
		message: (vendor) => `${vendor.displayName} answered 200 with JSON that is cut short or malformed`,
	},
	{
		name: 'an HTML error page from a proxy (502 text/html)',
		fault: () => ({ kind: 'raw', status: 502, contentType: 'text/html', text: HTML_502 }),
		processed: true,
		outcome: ifIdempotent,
		message: (vendor) => `${vendor.displayName} answered 502: an HTML page instead of an API answer`,
	},
	{
		name: 'an empty 200 body where JSON was expected',
		fault: () => ({ kind: 'raw', status: 200, contentType: 'application/json', text: '' }),
		processed: true,
		// Tulip answers 204 without a body and DataGOL's body is undocumented: for them it is a success.
		outcome: (vendor) => (vendor.emptyAnswerIsNormal ? 'normal' : ifIdempotent(vendor)),
		message: (vendor) => `${vendor.displayName} answered 200 without a body`,
	},
];

interface Row {
	vendor: VendorCase;
	fault: FaultCase;
	continueOnFail: boolean;
	outcome: Outcome;
}

/** Every vendor × fault with Continue On Fail; the failing ones also without it. */
const rows: Row[] = vendorCases.flatMap((vendor) =>
	faults.flatMap((fault) => {
		const outcome = fault.outcome(vendor);
		const modes = outcome === 'fails' ? [true, false] : [true];
		return modes.map((continueOnFail) => ({ vendor, fault, continueOnFail, outcome }));
	}),
);

function describeRow({ vendor, fault, continueOnFail, outcome }: Row) {
	const expected =
		outcome === 'retried' ? 'retried to success' : outcome === 'normal' ? 'a success' : continueOnFail ? 'an error item' : 'a node error';
	return `${vendor.displayName}: ${fault.name} → ${expected}`;
}

function errorOf(item: INodeExecutionData) {
	const error = item.error as (Error & { description?: string | null }) | undefined;
	return { message: item.json.error, description: error?.description ?? '' };
}

describe('fault matrix: every node × every fault', () => {
	test.each(rows.map((row) => [describeRow(row), row] as const))('%s', async (_name, { vendor, fault, continueOnFail, outcome }) => {
		vendor.prepare?.(sandbox, N);
		const injected = fault.fault?.(vendor);
		if (injected) {
			sandbox.addFault({ vendor: vendor.vendor, path: vendor.linkPath, after: vendor.faultAfter, times: 1, fault: injected });
		}
		const baseUrl = injected ? sandbox.baseUrl(vendor.vendor) : `${closedRoot}${vendorModules[vendor.vendor].prefix}`;
		const items = Array.from({ length: N }, (_, i) => vendor.item(i));

		const started = Date.now();
		const result = await runNode({
			node: vendor.node,
			parameters: vendor.parameters({ ...BASE_OPTIONS, ...fault.options }),
			items,
			credentials: vendor.credentials(baseUrl),
			continueOnFail,
		});
		const elapsed = Date.now() - started;

		// The fault was injected once, into a link call.
		if (injected) expect(sandbox.injected[injected.kind]).toBe(1);
		/** Link calls needed without any fault. */
		const calls = vendor.oneRequest ? 1 : N;
		/** The items the fault hits: the whole request for a batch or an atomic call, item 0 otherwise. */
		const hit = vendor.oneRequest ? [0, 1, 2] : [0];
		const counts = vendor.linkCounts(sandbox, N);

		if (outcome !== 'fails') {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(N);
			result.items.forEach((item, i) => {
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json.error).toBeUndefined();
				expect(item.json).toMatchObject(vendor.output(i));
			});
			// Linked exactly once each, and nothing else.
			expect(counts).toEqual([1, 1, 1]);
			expect(vendor.totalLinks(sandbox)).toBe(N);
			// A retried fault costs one more call, a normal answer none; a call found done by a lookup none.
			const repeated = outcome === 'retried' && !(vendor.looksUpBeforeRepeating && fault.processed);
			expect(vendor.linkRequests(sandbox)).toHaveLength(repeated ? calls + 1 : calls);
			if (fault.name === '429 with Retry-After') {
				const [first, second] = vendor.linkRequests(sandbox);
				expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
			}
		} else {
			const uncertain = !vendor.idempotent && fault.name !== 'connection refused';
			const message = fault.message(vendor);
			const expectError = (error: { message: unknown; description: unknown }) => {
				if (typeof message === 'string') expect(error.message).toBe(message);
				else expect(error.message).toMatch(message);
				// An uncertain failure says the link may exist; a certain one does not.
				if (uncertain) expect(error.description).toContain('Unicat may have made the linked copy before the request failed');
				else expect(String(error.description ?? '')).not.toMatch(/may have/);
			};
			if (continueOnFail) {
				expect(result.error).toBeUndefined();
				expect(result.items).toHaveLength(N);
				const failed = fault.name === 'connection refused' ? [0, 1, 2] : hit;
				result.items.forEach((item, i) => {
					expect(item.pairedItem).toEqual({ item: i });
					if (failed.includes(i)) {
						expect(typeof item.json.error).toBe('string');
						expectError(errorOf(item));
					} else {
						expect(item.json.error).toBeUndefined();
						expect(item.json).toMatchObject(vendor.output(i));
					}
				});
				// The faulted items: linked once if the vendor acted on the request (the node said it may
				// have), not at all if it did not; never twice. The other items: once each.
				expect(counts).toEqual([0, 1, 2].map((i) => (failed.includes(i) ? (fault.processed ? 1 : 0) : 1)));
				// Not repeated: one call per request (none reached a closed port).
				expect(vendor.linkRequests(sandbox)).toHaveLength(fault.name === 'connection refused' ? 0 : calls);
			} else {
				expect(result.items).toEqual([]);
				expectError({ message: result.error?.message, description: result.error?.description });
				// The node stops at the first failure: nothing after item 0's request was sent.
				expect(counts).toEqual([0, 1, 2].map((i) => (hit.includes(i) && fault.processed ? 1 : 0)));
				expect(vendor.linkRequests(sandbox)).toHaveLength(fault.name === 'connection refused' ? 0 : 1);
			}
			expect(vendor.totalLinks(sandbox)).toBe(counts.reduce((sum, count) => sum + count, 0));
		}
		// A refused connection is retried (at least one backoff wait) before it fails.
		if (fault.name === 'connection refused') expect(elapsed).toBeGreaterThanOrEqual(250);

		if (vendor.vendor === 'faircom') {
			// The session is always ended: one deleteSession for the one session (none when none opened).
			const sessions = fairComSessions(sandbox);
			expect(sessions.issued).toHaveLength(fault.name === 'connection refused' ? 0 : 1);
			expect(sessions.deleted).toEqual(sessions.issued);
			expect(sessions.deleteSessionCalls).toBe(sessions.issued.length);
			expect(sandbox.state.faircom.sessions.has(sessions.issued[0])).toBe(false);
		}
		if (fault.name === 'an answer slower than the Timeout option') {
			// Let the slow answer finish before the next case resets the sandbox.
			await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + TIMEOUT_MS * 3 - Date.now())));
		}
	});
});
