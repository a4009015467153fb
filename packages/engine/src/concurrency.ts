/**
 * How many items (or batches) of one execution are sent at once: the user's Concurrency as a fixed
 * cap, or Auto, which finds the vendor's pace from its answers.
 */

/** One answer as the limit learns from it. */
export interface AnswerSignal {
	/** 429, 503 or a time-out: the vendor is taking more than it can. */
	overloaded: boolean;
	latencyMs: number;
	/** Requests the vendor still allows in its window (DevRev's `X-RateLimit-Remaining`), when it says. */
	remaining?: number;
}

export interface Concurrency {
	/** Units that may be in flight now. */
	readonly current: number;
	observe(answer: AnswerSignal): void;
}

/** The user's Concurrency: a hard cap that answers do not move. */
export class FixedConcurrency implements Concurrency {
	constructor(readonly current: number) {}

	observe(): void {}
}

/**
 * Latency "holds" while an answer takes at most four times the fastest one seen, plus 20 ms. The
 * time measured includes this process's own queue of answers to handle, which grows with the number
 * in flight; a vendor that is struggling slows down far more than that.
 */
const LATENCY_FACTOR = 4;
const LATENCY_SLACK_MS = 20;

/**
 * Auto: starts at the vendor's default and grows while answers come back fine and no slower: by one
 * per answer at first (doubling every round trip), by one per round trip after the first sign of
 * pressure. A 429, 503 or time-out halves it, once per round trip (the answers already in flight
 * report the same overload); it never passes the vendor's ceiling. Rates the vendor documents
 * (Tulip's writes per second) are kept by the pacer whatever this allows.
 */
export class AutoConcurrency implements Concurrency {
	private limit: number;
	private growingFast = true;
	private fastestMs = Number.POSITIVE_INFINITY;
	private lastCutAt = Number.NEGATIVE_INFINITY;

	constructor(
		start: number,
		readonly ceiling: number,
		private readonly now: () => number = Date.now,
	) {
		this.limit = Math.max(1, Math.min(start, ceiling));
	}

	get current(): number {
		return Math.floor(this.limit);
	}

	observe({ overloaded, latencyMs, remaining }: AnswerSignal): void {
		if (overloaded) {
			const now = this.now();
			const roundTrip = Number.isFinite(this.fastestMs) ? this.fastestMs : 0;
			if (now - this.lastCutAt > roundTrip) {
				this.limit = Math.max(1, Math.floor(this.limit / 2));
				this.lastCutAt = now;
			}
			this.growingFast = false;
			return;
		}
		if (remaining !== undefined && remaining < this.limit) {
			// The vendor's window is nearly used up: no more in flight than it still allows.
			this.limit = Math.max(1, remaining);
			this.growingFast = false;
			return;
		}
		this.fastestMs = Math.min(this.fastestMs, latencyMs);
		if (latencyMs > LATENCY_FACTOR * this.fastestMs + LATENCY_SLACK_MS) {
			this.growingFast = false;
			return;
		}
		this.limit = Math.min(this.ceiling, this.limit + (this.growingFast ? 1 : 1 / this.limit));
	}
}
