/**
 * The vendor sandbox in its own process, as a remote API would be: the node under test, the peer
 * and the raw client never share a CPU slice of their event loop with the server. Driven over IPC by
 * `SandboxClient` (sandbox-client.ts).
 */
import { vendorCases } from '../test/harness/vendor-cases';
import { startSandbox } from '../test/sandbox';

export type SandboxCommand =
	| { cmd: 'reset' }
	| { cmd: 'latency'; ms: number }
	| { cmd: 'rateLimit'; vendor: string; perSecond: number }
	/** Refuses with a 429 any request past this many in flight for the vendor. */
	| { cmd: 'inFlightLimit'; vendor: string; max: number }
	| { cmd: 'stats' }
	| { cmd: 'linkCount'; vendor: string }
	/** Record requests (off by default: long runs only need counts). */
	| { cmd: 'recording'; on: boolean }
	/** When the first and the last recorded request arrived (epoch ms). */
	| { cmd: 'requestTimes' }
	| { cmd: 'eval'; vendor: string; fn: string }
	/** Seeds what linking pairs 0…n-1 of test/harness/vendor-cases.ts needs, with the soak's sandbox settings. */
	| { cmd: 'prepareCase'; vendor: string; n: number }
	/** Every link a vendor's sandbox holds (vendor-cases' count). */
	| { cmd: 'totalLinks'; vendor: string };

export interface SandboxReady {
	type: 'ready';
	url: string;
	/** Base URL per vendor module the sandbox has. */
	baseUrls: Record<string, string>;
}

async function main() {
	const sandbox = await startSandbox({ latencyMs: 20 });
	sandbox.setRecording(false);
	const vendors = Object.keys(sandbox.state);
	const baseUrls = Object.fromEntries(vendors.map((vendor) => [vendor, sandbox.baseUrl(vendor as never)]));
	const state = (vendor: string) => (sandbox.state as Record<string, unknown>)[vendor] as Record<string, unknown> | undefined;

	const caseOf = (vendor: string) => {
		const found = vendorCases.find((each) => each.vendor === vendor);
		if (!found) throw new Error(`No vendor case for ${vendor}`);
		return found;
	};

	const handle = (message: SandboxCommand): unknown => {
		switch (message.cmd) {
			case 'reset':
				sandbox.reset();
				return true;
			case 'latency':
				sandbox.latencyMs = message.ms;
				return true;
			case 'rateLimit':
				sandbox.rateLimits.set(message.vendor, { perSecond: message.perSecond });
				return true;
			case 'inFlightLimit':
				sandbox.inFlightLimits.set(message.vendor, message.max);
				return true;
			case 'stats':
				return { requestCount: sandbox.requestCount, injected: { ...sandbox.injected }, peakInFlight: Object.fromEntries(sandbox.peakInFlight) };
			case 'recording':
				sandbox.setRecording(message.on);
				return true;
			case 'requestTimes': {
				const { requests } = sandbox;
				return requests.length ? { first: requests[0].receivedAt, last: requests[requests.length - 1].receivedAt } : undefined;
			}
			case 'linkCount': {
				const links = state(message.vendor)?.links as { size?: number } | undefined;
				return typeof links?.size === 'number' ? links.size : undefined;
			}
			case 'prepareCase': {
				const vendorCase = caseOf(message.vendor);
				vendorCase.prepare?.(sandbox, message.n);
				vendorCase.prepareSoak?.(sandbox);
				return true;
			}
			case 'totalLinks':
				return caseOf(message.vendor).totalLinks(sandbox);
			case 'eval': {
				// A summary of a vendor's state the bench asks for (function text written by the bench itself).
				const summarize = new Function('state', `return (${message.fn})(state);`) as (state: unknown) => unknown;
				return summarize(state(message.vendor));
			}
		}
	};

	process.on('message', (raw) => {
		const { id, message } = raw as { id: number; message: SandboxCommand };
		try {
			process.send!({ id, result: handle(message) });
		} catch (error) {
			process.send!({ id, error: error instanceof Error ? error.message : String(error) });
		}
	});
	process.on('disconnect', () => {
		void sandbox.stop().then(() => process.exit(0));
	});
	process.send!({ type: 'ready', url: sandbox.url, baseUrls } satisfies SandboxReady);
}

void main();
