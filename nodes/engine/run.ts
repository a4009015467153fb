import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RequestFailure, toRequestFailure } from './failure';
import { readEngineSettings } from './options';
import { ItemInputError, readItemParams } from './params';
import { retryDelayMs } from './retry';
import { SessionKeeper } from './sessions';
import { sleepWithAbort } from './sleep';
import { openTransport } from './transport';
import type { FollowUp, LinkOperation, Vendor } from './types';

/** What the user is told when a request that is not safe to repeat may have been carried out. */
const GENERIC_UNCERTAIN_NOTE =
	'The request may have reached the server before the connection failed, so it was not repeated: check whether the change was made before running this item again.';

interface ValidItem<Params> {
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
	return new NodeApiError(
		context.getNode(),
		{ message: failure.message, ...(httpCode ? { httpCode } : {}) },
		{ message: failure.message, description: failure.description || undefined, httpCode, itemIndex },
	);
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

/** Runs `worker` over `units` with at most `concurrency` in flight; stops pulling when `stop()` says so. */
async function runPool<T>(
	units: T[],
	concurrency: number,
	worker: (unit: T) => Promise<void>,
	stop: () => boolean,
): Promise<void> {
	let next = 0;
	const lanes = Array.from({ length: Math.min(concurrency, units.length) }, async () => {
		while (next < units.length && !stop()) {
			await worker(units[next++]);
		}
	});
	await Promise.all(lanes);
}

/**
 * Runs one link operation over the node's input: validates every item, groups items into
 * requests, sends them with bounded concurrency, pacing and safe retries, and returns exactly one
 * output item per input item, in input order, with pairedItem.
 */
async function runLinkOperation<Params>(
	context: IExecuteFunctions,
	vendor: Vendor,
	operation: LinkOperation<Params>,
): Promise<INodeExecutionData[][]> {
	const inputItems = context.getInputData();
	const continueOnFail = context.continueOnFail();
	const settings = readEngineSettings(context, vendor);
	const results: Array<INodeExecutionData | undefined> = new Array(inputItems.length);
	const failures = new Map<number, ItemFailure>();

	const fail = (index: number, failure: ItemFailure) => {
		if (continueOnFail) results[index] = errorItem(context, failure, index);
		else failures.set(index, failure);
	};
	const firstFailure = () => {
		let first = Infinity;
		for (const index of failures.keys()) first = Math.min(first, index);
		return toNodeError(context, failures.get(first)!, first);
	};

	const valid: Array<ValidItem<Params>> = [];
	for (let index = 0; index < inputItems.length; index++) {
		const read = readItemParams(context, operation, index);
		if (read.ok) {
			valid.push({ index, params: read.params });
			continue;
		}
		fail(index, read.error);
		// Without Continue On Fail, bad input stops the node before anything is sent.
		if (!continueOnFail) throw firstFailure();
	}

	if (valid.length > 0) {
		const signal = context.getExecutionCancelSignal?.();
		const { transport, session } = await openTransport(context, vendor, {
			timeoutMs: settings.timeoutMs,
			maxRetries: settings.maxRetries,
			ratePerSecond: settings.ratePerSecond,
			signal,
		});
		const sessions = new SessionKeeper(context, vendor, transport, session);
		const units = groupIntoUnits(valid, operation, settings.batchSize);

		try {
			await runPool(
				units,
				settings.concurrency,
				async (unit) => {
					const params = unit.items.map((item) => item.params);
					const follow: FollowUp = async (request, idempotent) =>
						await sessions.send(() => request, idempotent, unit.scope);
					const settle = (outputs: IDataObject[]) =>
						unit.items.forEach((item, position) => {
							results[item.index] = { json: outputs[position], pairedItem: { item: item.index } };
						});
					try {
						settle(await sendUnit(operation, params, { vendor, sessions, follow, scope: unit.scope, settings, signal }));
					} catch (error) {
						let failure = toRequestFailure(vendor, error, settings.timeoutMs);
						try {
							const recovered = await operation.recover?.(failure, params, follow);
							if (recovered) return settle(recovered);
						} catch (recoveryError) {
							failure = toRequestFailure(vendor, recoveryError, settings.timeoutMs);
						}
						for (const item of unit.items) fail(item.index, failure);
					}
				},
				() => failures.size > 0 || signal?.aborted === true,
			);
		} finally {
			await sessions.close();
		}
	}

	if (failures.size > 0) throw firstFailure();
	return [results.map((result, index) => result ?? errorItem(context, cancelled(), index))];
}

interface UnitContext {
	vendor: Vendor;
	sessions: SessionKeeper;
	follow: FollowUp;
	scope: string;
	settings: { timeoutMs: number; maxRetries: number };
	signal?: AbortSignal;
}

/** The failure of a request not safe to repeat that may have been carried out, with the note that says so. */
function withUncertainNote<Params>(failure: RequestFailure, operation: LinkOperation<Params>): RequestFailure {
	const note = operation.uncertainNote ?? GENERIC_UNCERTAIN_NOTE;
	return failure.with({ description: [failure.description, note].filter(Boolean).join(' ') });
}

/**
 * Sends one unit's request and reads its output, after the operation's `prepare` step if it has one.
 * For an operation that can look its effect up (`findEffect`), a request whose answer was lost is
 * looked up before it is sent again, so it is never made twice; with `lookFirst` the effect is looked
 * for before the first send too (a re-run).
 */
async function sendUnit<Params>(operation: LinkOperation<Params>, items: Params[], unit: UnitContext): Promise<IDataObject[]> {
	const { vendor, sessions, follow, scope, settings, signal } = unit;
	const params = operation.prepare ? await operation.prepare(items, follow) : items;
	if (operation.findEffect && operation.lookFirst?.(params)) {
		const existing = await operation.findEffect(params, follow);
		if (existing) return existing;
	}
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
			const found = await operation.findEffect(params, follow).catch(() => {
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
		return operation.toOutput(response, params);
	}
}

function cancelled(): RequestFailure {
	return new RequestFailure('The execution was cancelled before this item was sent', { outcome: 'not-sent', cancelled: true });
}

/** A vendor node's `execute`: runs the operation the user chose. */
export async function executeLinkNode(
	context: IExecuteFunctions,
	vendor: Vendor,
	operations: Array<LinkOperation<unknown>>,
): Promise<INodeExecutionData[][]> {
	const name = context.getNodeParameter('operation', 0) as string;
	const operation = operations.find((candidate) => candidate.name === name);
	if (!operation) throw new NodeOperationError(context.getNode(), `Unknown operation "${name}"`);
	return await runLinkOperation(context, vendor, operation);
}
