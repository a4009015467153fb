import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readEngineSettings } from './options';
import { ItemInputError, readItemParams } from './params';
import { SessionKeeper } from './sessions';
import { sleepWithAbort } from './sleep';
import { openTransport, RequestFailure, retryDelayMs, toRequestFailure } from './transport';
import type { FailureInfo, FollowUp, LinkOperation, Vendor } from './types';

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
function toNodeError(context: IExecuteFunctions, failure: ItemFailure, itemIndex: number, uncertainNote?: string) {
	if (failure instanceof ItemInputError) {
		return new NodeOperationError(context.getNode(), failure.message, {
			itemIndex,
			description: 'Nothing was sent for this item.',
		});
	}
	const { details } = failure;
	const description = [
		details.description,
		failure.uncertain
			? (uncertainNote ??
				'The request may have reached the server before the connection failed, so it was not repeated: check whether the change was made before running this item again.')
			: undefined,
	]
		.filter(Boolean)
		.join(' ');
	return new NodeApiError(
		context.getNode(),
		{ message: failure.message, ...(details.statusCode ? { httpCode: String(details.statusCode) } : {}) },
		{
			message: failure.message,
			description: description || undefined,
			httpCode: details.statusCode ? String(details.statusCode) : undefined,
			itemIndex,
		},
	);
}

/**
 * n8n's error item: `json.error` holds the message and `error` the whole error (its description and
 * HTTP code), which n8n shows and routes to the error output. (n8n rewrites `json` of an item that
 * carries `error` to `{ error: message }`, so nothing else goes there.)
 */
function errorItem(
	context: IExecuteFunctions,
	failure: ItemFailure,
	itemIndex: number,
	uncertainNote?: string,
): INodeExecutionData {
	const error = toNodeError(context, failure, itemIndex, uncertainNote);
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
		if (continueOnFail) results[index] = errorItem(context, failure, index, operation.uncertainNote);
		else failures.set(index, failure);
	};
	const firstFailure = () => {
		let first = Infinity;
		for (const index of failures.keys()) first = Math.min(first, index);
		return toNodeError(context, failures.get(first)!, first, operation.uncertainNote);
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
							const recovered = await operation.recover?.(failureInfo(failure), params, follow);
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

/**
 * Sends one unit's request and reads its output. For an operation that can look its effect up
 * (`findEffect`), a request whose answer was lost is looked up before it is sent again, so it is never
 * made twice; with `lookFirst` the effect is looked for before the first send too (a re-run).
 */
async function sendUnit<Params>(operation: LinkOperation<Params>, params: Params[], unit: UnitContext): Promise<IDataObject[]> {
	const { vendor, sessions, follow, scope, settings, signal } = unit;
	if (operation.findEffect && operation.lookFirst?.(params)) {
		const existing = await operation.findEffect(params, follow);
		if (existing) return existing;
	}
	for (let lookups = 0; ; lookups++) {
		try {
			const response = await sessions.send((token) => operation.buildRequest(params, token), operation.idempotent, scope);
			return await operation.toOutput(response, params, follow);
		} catch (error) {
			const failure = toRequestFailure(vendor, error, settings.timeoutMs);
			if (!operation.findEffect || !failure.uncertain) throw failure;
			// A lookup that fails settles nothing: the first failure (may have been done) stands.
			const found = await operation.findEffect(params, follow).catch(() => {
				throw failure;
			});
			if (found) return found;
			// Not there: the vendor did not act, so the failure is a certain one, and may be sent again.
			failure.uncertain = false;
			const delay = retryDelayMs(failure, lookups, true);
			if (delay === undefined || lookups >= settings.maxRetries) throw failure;
			await sleepWithAbort(delay, signal);
		}
	}
}

function failureInfo(failure: RequestFailure): FailureInfo {
	const { statusCode, vendorCode, body } = failure.details;
	return { message: failure.message, statusCode, vendorCode, body, afterUncertainAttempt: failure.afterUncertainAttempt };
}

function cancelled(): RequestFailure {
	return new RequestFailure('The execution was cancelled before this item was sent', {
		mayHaveReachedServer: false,
		cancelled: true,
	});
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
