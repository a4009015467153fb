import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RequestFailure } from './failure';
import { toRequestFailure } from './vendor-failures';
import { AutoConcurrency, type Concurrency, FixedConcurrency } from './concurrency';
import { autoCeiling, type EngineSettings, readEngineSettings } from './options';
import { ItemInputError, readItemParams } from './params';
import { retryDelayMs } from './retry';
import { SessionKeeper } from './sessions';
import { sleepWithAbort } from './sleep';
import { openTransport } from './transport';
import type { FollowUp, LinkOperation, OperationBase, Vendor, WriteState } from './types';
import { inTurn, writeState } from './write-state';

/**
 * The item loop every operation shares: reads and validates each item, opens the transport and
 * session, and returns what the items gave, in input order with pairedItem; a failed item becomes
 * n8n's error item (Continue On Fail) or stops the node. Writes (Link, Unlink) are here too, since
 * Set Links sends its changes through them.
 */

/** What the user is told when a request that is not safe to repeat may have been carried out. */
const GENERIC_UNCERTAIN_NOTE =
	'The request may have reached the server before the connection failed, so it was not repeated: check whether the change was made before running this item again.';

export interface ValidItem<Params> {
	index: number;
	params: Params;
}

/** Items that travel in one request. */
interface Unit<Params> {
	items: Array<ValidItem<Params>>;
	scope: string;
}

type ItemFailure = ItemInputError | RequestFailure;

/** Groups valid items into requests: one per item, or batches of items sharing a batch key. */
export function groupIntoUnits<Params>(
	items: Array<ValidItem<Params>>,
	operation: LinkOperation<Params>,
	batchSize: number,
): Array<Unit<Params>> {
	const scopeOf = (params: Params) => operation.rateScope?.(params) ?? '';
	const { batchKey } = operation;
	if (!batchKey) return items.map((item) => ({ items: [item], scope: scopeOf(item.params) }));

	const weightOf = (params: Params) => operation.batchWeight?.(params) ?? 1;
	const units: Array<Unit<Params>> = [];
	const open = new Map<string, { unit: Unit<Params>; weight: number }>();
	for (const item of items) {
		const key = batchKey(item.params);
		if (key === undefined) {
			units.push({ items: [item], scope: scopeOf(item.params) });
			continue;
		}
		const weight = weightOf(item.params);
		let current = open.get(key);
		if (!current || (current.weight > 0 && current.weight + weight > batchSize)) {
			current = { unit: { items: [], scope: scopeOf(item.params) }, weight: 0 };
			open.set(key, current);
			units.push(current.unit);
		}
		current.unit.items.push(item);
		current.weight += weight;
	}
	return units;
}

/** The user-facing error for an item, never carrying request headers or credentials. */
function toNodeError(context: IExecuteFunctions, failure: ItemFailure, itemIndex: number) {
	if (failure instanceof ItemInputError) {
		return new NodeOperationError(context.getNode(), failure.message, {
			itemIndex,
			description: 'Nothing was sent for this item.',
		});
	}
	const httpCode = failure.statusCode ? String(failure.statusCode) : undefined;
	const error = new NodeApiError(
		context.getNode(),
		{ message: failure.message, ...(httpCode ? { httpCode } : {}) },
		{ message: failure.message, description: failure.description || undefined, httpCode, itemIndex },
	);
	// What was done before the failure (Set Links), for a workflow to read off the error.
	if (failure.done) Object.assign(error.context, failure.done);
	return error;
}

/**
 * n8n's error item: `json.error` holds the message and `error` the whole error (its description and
 * HTTP code), which n8n shows and routes to the error output. (n8n rewrites `json` of an item that
 * carries `error` to `{ error: message }`, so nothing else goes there.)
 */
function errorItem(context: IExecuteFunctions, failure: ItemFailure, itemIndex: number): INodeExecutionData {
	const error = toNodeError(context, failure, itemIndex);
	return { json: { error: error.message }, error, pairedItem: { item: itemIndex } };
}

/**
 * Runs `worker` over `units` in order, with at most `concurrency.current` in flight (read again as
 * each unit ends: Auto moves it); stops pulling when `stop()` says so.
 */
export async function runPool<T>(
	units: T[],
	concurrency: Concurrency,
	worker: (unit: T) => Promise<void>,
	stop: () => boolean,
): Promise<void> {
	let next = 0;
	let active = 0;
	await new Promise<void>((resolve, reject) => {
		const pull = () => {
			while (next < units.length && active < Math.max(1, concurrency.current) && !stop()) {
				active++;
				worker(units[next++]).then(() => {
					active--;
					pull();
				}, reject);
			}
			if (active === 0) resolve();
		};
		pull();
	});
}

/** What an operation's run sends with: the execution's session, settings and cancel signal. */
export interface RunIO {
	vendor: Vendor;
	sessions: SessionKeeper;
	settings: EngineSettings;
	/** Units in flight at once: the user's cap or Auto, learning from every answer of this execution. */
	concurrency: Concurrency;
	/** The vendor's base URL from the credential (Unicat's includes the project). */
	baseUrl: string;
	signal?: AbortSignal;
	/** A follow-up sender for requests of this pacing scope. */
	follow(scope: string): FollowUp;
}

/** One execution of an operation over the node's input. */
export class NodeRun<Params> {
	readonly continueOnFail: boolean;
	readonly settings: EngineSettings;
	readonly concurrency: Concurrency;
	private readonly results: Array<INodeExecutionData[] | undefined>;
	private readonly failures = new Map<number, ItemFailure>();
	private signal?: AbortSignal;

	constructor(
		readonly context: IExecuteFunctions,
		readonly vendor: Vendor,
		readonly operation: OperationBase<Params>,
	) {
		this.continueOnFail = context.continueOnFail();
		this.settings = readEngineSettings(context, vendor);
		this.concurrency =
			this.settings.concurrency === undefined
				? new AutoConcurrency(vendor.defaultConcurrency, autoCeiling(vendor))
				: new FixedConcurrency(this.settings.concurrency);
		this.results = new Array(context.getInputData().length);
	}

	/** Every item's validated params; a bad item fails (and without Continue On Fail stops the node before anything is sent). */
	validItems(): Array<ValidItem<Params>> {
		const valid: Array<ValidItem<Params>> = [];
		const count = this.context.getInputData().length;
		for (let index = 0; index < count; index++) {
			const read = readItemParams(this.context, this.operation, index);
			if (read.ok) {
				valid.push({ index, params: read.params });
				continue;
			}
			this.fail(index, read.error);
			if (!this.continueOnFail) throw this.firstFailure();
		}
		return valid;
	}

	fail(index: number, failure: ItemFailure): void {
		if (this.continueOnFail) this.results[index] = [errorItem(this.context, failure, index)];
		else this.failures.set(index, failure);
	}

	/** The item's outputs (none, one or many), each paired to it. */
	settle(index: number, outputs: IDataObject[]): void {
		this.results[index] = outputs.map((json) => ({ json, pairedItem: { item: index } }));
	}

	/** Whether to stop sending: an item failed without Continue On Fail, or the execution was cancelled. */
	get stopped(): boolean {
		return this.failures.size > 0 || this.signal?.aborted === true;
	}

	private firstFailure() {
		const first = Math.min(...this.failures.keys());
		return toNodeError(this.context, this.failures.get(first)!, first);
	}

	/** Opens the transport and the vendor's session, runs `work` with them, and ends the session. */
	async withTransport(work: (io: RunIO) => Promise<void>): Promise<void> {
		const { context, vendor, settings } = this;
		this.signal = context.getExecutionCancelSignal?.();
		const { transport, session, baseUrl } = await openTransport(context, vendor, {
			timeoutMs: settings.timeoutMs,
			maxRetries: settings.maxRetries,
			ratePerSecond: settings.ratePerSecond,
			readRatePerSecond: settings.readRatePerSecond,
			signal: this.signal,
			onAnswer: (answer) => this.concurrency.observe(answer),
		});
		const sessions = new SessionKeeper(context, vendor, transport, session);
		const signal = this.signal;
		try {
			await work({
				vendor,
				sessions,
				settings,
				concurrency: this.concurrency,
				baseUrl,
				signal,
				follow: (scope) => async (request, idempotent) => await sessions.send(() => request, idempotent, scope),
			});
		} finally {
			await sessions.close();
		}
	}

	/** The node's output: every item's outputs in input order, or the first failure when not continuing on fail. */
	finish(): INodeExecutionData[][] {
		if (this.failures.size > 0) throw this.firstFailure();
		return [this.results.flatMap((result, index) => result ?? [errorItem(this.context, cancelled(), index)])];
	}
}

/** The failure of a request not safe to repeat that may have been carried out, with the note that says so. */
function withUncertainNote<Params>(failure: RequestFailure, operation: LinkOperation<Params>): RequestFailure {
	const note = operation.uncertainNote ?? GENERIC_UNCERTAIN_NOTE;
	return failure.with({ description: [failure.description, note].filter(Boolean).join(' ') });
}

/**
 * Sends one unit's request and reads its output, after the operation's `prepare` step if it has one.
 * An operation that can look its effect up looks before the first send (`findExisting`: a re-run,
 * or an item repeating an earlier one) and, afresh, after a lost answer before sending again
 * (`findEffect`), so it never makes the effect twice; `afterSend` tells it what a send made.
 */
async function sendUnit<Params>(
	operation: LinkOperation<Params>,
	items: Params[],
	io: RunIO,
	scope: string,
	state: WriteState,
): Promise<IDataObject[]> {
	const { vendor, sessions, settings, signal } = io;
	const follow = io.follow(scope);
	const params = operation.prepare ? await operation.prepare(items, follow) : items;
	const existing = await operation.findExisting?.(params, follow, state);
	if (existing) return existing;
	for (let lookups = 0; ; lookups++) {
		let response;
		try {
			response = await sessions.send((token) => operation.buildRequest(params, token), operation.idempotent, scope);
		} catch (error) {
			const failure = toRequestFailure(vendor, error, settings.timeoutMs);
			if (operation.idempotent || failure.outcome !== 'unknown') throw failure;
			const uncertain = withUncertainNote(failure, operation);
			if (!operation.findEffect) throw uncertain;
			// A lookup that fails settles nothing: the first failure (may have been done) stands.
			const found = await operation.findEffect(params, follow, state).catch(() => {
				throw uncertain;
			});
			if (found) return found;
			// Not there: the vendor did not act, so the failure is a certain one, and may be sent again.
			const certain = failure.with({ outcome: 'not-sent' });
			const delay = retryDelayMs(certain, lookups, true);
			if (delay === undefined || lookups >= settings.maxRetries) throw certain;
			await sleepWithAbort(delay, signal);
			continue;
		}
		const outputs = operation.toOutput(response, params);
		try {
			await operation.afterSend?.(outputs, params, follow, state);
		} catch {
			// Only memory was at stake: the send succeeded.
		}
		return outputs;
	}
}

/**
 * Sends writes: groups the items into requests (batches where the operation has a batch key) and
 * sends them with bounded concurrency, pacing, safe retries and the operation's recovery. Each item
 * ends in `done` with its output, or in `failed`.
 */
export async function sendWrites<Params>(
	operation: LinkOperation<Params>,
	items: Array<ValidItem<Params>>,
	io: RunIO,
	handlers: { done(index: number, output: IDataObject): void; failed(index: number, failure: RequestFailure): void; stop(): boolean },
): Promise<void> {
	const { vendor, settings } = io;
	const state = writeState(io, operation.name);
	operation.planRun?.(items.map((item) => item.params), state);
	await runPool(
		groupIntoUnits(items, operation, settings.batchSize),
		io.concurrency,
		async (unit) => {
			const params = unit.items.map((item) => item.params);
			const settle = (outputs: IDataObject[]) => unit.items.forEach((item, position) => handlers.done(item.index, outputs[position]));
			try {
				// Units whose sequence key is equal take turns, so a later one's look sees what an earlier made.
				const send = async () => await sendUnit(operation, params, io, unit.scope, state);
				settle(await inTurn(io, operation.sequenceKey?.(params), send));
			} catch (error) {
				let failure = toRequestFailure(vendor, error, settings.timeoutMs);
				try {
					const recovered = await operation.recover?.(failure, params, io.follow(unit.scope));
					if (recovered) return settle(recovered);
				} catch (recoveryError) {
					failure = toRequestFailure(vendor, recoveryError, settings.timeoutMs);
				}
				for (const item of unit.items) handlers.failed(item.index, failure);
			}
		},
		handlers.stop,
	);
}

/** Link or Unlink: exactly one output item per input item. */
export async function runWrites<Params>(run: NodeRun<Params>, operation: LinkOperation<Params>): Promise<void> {
	const valid = run.validItems();
	if (valid.length === 0) return;
	await run.withTransport(async (io) => {
		await sendWrites(operation, valid, io, {
			done: (index, output) => run.settle(index, [output]),
			failed: (index, failure) => run.fail(index, failure),
			stop: () => run.stopped,
		});
	});
}

function cancelled(): RequestFailure {
	return new RequestFailure('The execution was cancelled before this item was sent', { outcome: 'not-sent', cancelled: true });
}
