import type { RunIO } from './run';
import type { WriteState } from './types';

/**
 * What write hooks remember (`WriteState`): per node execution (keyed by the execution's RunIO, so it
 * goes with it) and per vendor server for as long as this n8n process runs (like the shared pacers), and
 * the turns of requests that must go one after another within an execution.
 */

const executions = new WeakMap<object, Map<string, Map<string, unknown>>>();
const shared = new Map<string, Map<string, unknown>>();
const turns = new WeakMap<object, Map<string, Promise<void>>>();

/** The value under `key`, made and kept by `create` the first time (a Map, a WeakMap or a hook's memory). */
export function getOrCreate<K, V>(map: { get(key: K): unknown; set(key: K, value: V): unknown }, key: K, create: () => V): V {
	let value = map.get(key) as V | undefined;
	if (value === undefined) {
		value = create();
		map.set(key, value);
	}
	return value;
}

/** The state of one operation's hooks in the execution `io`, shared with others on the same server. */
export function writeState(io: RunIO, operation: string): WriteState {
	const perOperation = getOrCreate(executions, io, () => new Map<string, Map<string, unknown>>());
	return {
		execution: getOrCreate(perOperation, operation, () => new Map<string, unknown>()),
		shared: getOrCreate(shared, `${io.vendor.credentialType}\u0000${io.baseUrl}`, () => new Map<string, unknown>()),
	};
}

/**
 * Runs `work` once every earlier work of `run` with the same key has settled (either way); without a
 * key at once. The queue is joined before anything is awaited, so turns follow the calls' order.
 */
export async function inTurn<T>(run: object, key: string | undefined, work: () => Promise<T>): Promise<T> {
	if (key === undefined) return await work();
	const queue = getOrCreate(turns, run, () => new Map<string, Promise<void>>());
	const previous = queue.get(key) ?? Promise.resolve();
	const mine = previous.then(work);
	queue.set(
		key,
		mine.then(
			() => undefined,
			() => undefined,
		),
	);
	return await mine;
}
