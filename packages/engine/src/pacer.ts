import { sleepWithAbort } from './sleep';

interface ScopeState {
	/** Earliest time the next request of this scope may start. */
	nextSlot: number;
	/** Set by a 429: nobody in the scope sends before this time. */
	pausedUntil: number;
}

/**
 * Spaces requests to a documented rate per scope (e.g. Tulip's 10 writes/s per table) and holds a
 * whole scope back after a 429, so workers wait together instead of each retrying into the limit.
 */
export class Pacer {
	private readonly scopes = new Map<string, ScopeState>();
	private readonly intervalMs: number;

	constructor(ratePerSecond: number | undefined) {
		this.intervalMs = ratePerSecond && ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
	}

	private state(scope: string): ScopeState {
		let state = this.scopes.get(scope);
		if (!state) {
			state = { nextSlot: 0, pausedUntil: 0 };
			this.scopes.set(scope, state);
		}
		return state;
	}

	/** Resolves when a request of this scope may be sent; `signal` (the execution's) ends the wait. */
	async acquire(scope: string, signal?: AbortSignal): Promise<void> {
		const state = this.state(scope);
		for (;;) {
			const now = Date.now();
			if (state.pausedUntil > now) {
				await sleepWithAbort(state.pausedUntil - now, signal);
				continue;
			}
			const slot = Math.max(now, state.nextSlot);
			state.nextSlot = slot + this.intervalMs;
			if (slot <= now) return;
			await sleepWithAbort(slot - now, signal);
			// A 429 that arrived while we waited for our slot holds us back too.
			if (state.pausedUntil <= Date.now()) return;
		}
	}

	/** Holds the scope back for `ms` (a 429's Retry-After). */
	pause(scope: string, ms: number): void {
		const state = this.state(scope);
		const until = Date.now() + ms;
		state.pausedUntil = Math.max(state.pausedUntil, until);
		state.nextSlot = Math.max(state.nextSlot, state.pausedUntil);
	}
}

/**
 * One pacer per vendor, server and rate in this process. n8n runs many executions at once in one
 * process (a queue-mode worker up to its concurrency): they share the vendor's limit instead of each
 * pacing to it alone. Across processes (several workers) each paces on its own; the 429s that
 * follow are waited out (see Transport.send).
 */
const shared = new Map<string, Pacer>();

export function sharedPacer(vendor: string, baseUrl: string, ratePerSecond: number | undefined): Pacer {
	const key = `${vendor}\u0000${baseUrl}\u0000${ratePerSecond ?? 0}`;
	let pacer = shared.get(key);
	if (!pacer) {
		pacer = new Pacer(ratePerSecond);
		shared.set(key, pacer);
	}
	return pacer;
}
