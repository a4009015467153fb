import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { RequestFailure } from './failure';
import { toRequestFailure } from './vendor-failures';
import { fieldLabel, ItemInputError, itemOption } from './params';
import { readContext, readLinks } from './reads';
import { type NodeRun, runPool, type RunIO, sendWrites, type ValidItem } from './run';
import type { LinkChange, LinkOperation, SetLinksOperation } from './types';

/**
 * Set Links: for each record, read the links in scope, diff them against the wanted set, and send
 * only the differences through the vendor's Unlink and Link operations (so their batching across
 * items, pacing, retries and recovery apply). Removals go first, so a column that holds one link
 * can take its new one. Nothing is reported added or removed that the vendor did not confirm.
 */

/** Set Links' own options. */
export const reconcileOptionFields: INodeProperties[] = [
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only read and output what would be added and removed, without changing anything',
	},
	{
		displayName: 'Allow Removing All',
		name: 'allowRemovingAll',
		type: 'boolean',
		default: false,
		description:
			'Whether an empty set of linked records removes every link in scope. Off: an empty set is an error for that item, so a missing value never wipes a record\'s links.',
	},
];

/** One record's diff and how far its writes got. */
interface Plan<Params> {
	index: number;
	params: Params;
	toAdd: string[];
	toRemove: Array<{ key: string; link: IDataObject }>;
	unchanged: string[];
	added: Set<string>;
	removed: Set<string>;
	failure?: RequestFailure;
}

/** Diffs the links read against the wanted keys. */
function planFor<Params>(operation: SetLinksOperation<Params, unknown, unknown>, index: number, params: Params, links: IDataObject[]): Plan<Params> {
	const wanted = [...new Set(operation.wanted(params))];
	const current = new Map<string, IDataObject[]>();
	for (const link of links) {
		const key = operation.keyOf(link, params);
		current.set(key, [...(current.get(key) ?? []), link]);
	}
	const wantedSet = new Set(wanted);
	return {
		index,
		params,
		toAdd: wanted.filter((key) => !current.has(key)),
		// Every link of an unwanted key goes, a duplicate of it too.
		toRemove: [...current].filter(([key]) => !wantedSet.has(key)).flatMap(([key, found]) => found.map((link) => ({ key, link }))),
		unchanged: wanted.filter((key) => current.has(key)),
		added: new Set(),
		removed: new Set(),
	};
}

/** The keys to remove, once each, in the order they were read. */
const keysToRemove = (plan: Plan<unknown>) => [...new Set(plan.toRemove.map((entry) => entry.key))];

/**
 * The keys confirmed added and removed, in the plan's order: writes run side by side and are
 * confirmed in whatever order the vendor answers, but the output must not depend on that.
 */
function confirmed(plan: Plan<unknown>): { added: string[]; removed: string[] } {
	return {
		added: plan.toAdd.filter((key) => plan.added.has(key)),
		removed: keysToRemove(plan).filter((key) => plan.removed.has(key)),
	};
}

function output<Params>(operation: SetLinksOperation<Params, unknown, unknown>, plan: Plan<Params>, dryRun: boolean): IDataObject {
	const { params } = plan;
	const done = dryRun ? { added: plan.toAdd, removed: keysToRemove(plan) } : confirmed(plan);
	return {
		...operation.identity(params),
		added: operation.describe(done.added, params),
		removed: operation.describe(done.removed, params),
		unchanged: operation.describe(plan.unchanged, params),
		...(dryRun ? { dryRun: true } : {}),
	};
}

/** The item's failure, saying what its earlier writes did (and carrying it on the error). */
function partialFailure<Params>(operation: SetLinksOperation<Params, unknown, unknown>, plan: Plan<Params>, failure: RequestFailure): RequestFailure {
	const done = confirmed(plan);
	const added = operation.describe(done.added, plan.params);
	const removed = operation.describe(done.removed, plan.params);
	const list = (values: unknown[]) => values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
	const note =
		added.length || removed.length
			? `Before the failure ${[added.length ? `added ${list(added)}` : '', removed.length ? `removed ${list(removed)}` : ''].filter(Boolean).join(' and ')}; nothing else was confirmed.`
			: 'No change of this record was confirmed before the failure.';
	return failure.with({ description: [failure.description, note].filter(Boolean).join(' '), done: { added, removed } });
}

/** Sends one phase's changes (all removals, or all additions) and books each confirmed one on its plan. */
async function sendChanges<Params, ChangeParams>(
	run: NodeRun<Params>,
	write: LinkOperation<ChangeParams>,
	plans: Array<Plan<Params>>,
	changesOf: (plan: Plan<Params>) => Array<LinkChange<ChangeParams>>,
	booked: (plan: Plan<Params>) => Set<string>,
	io: RunIO,
): Promise<void> {
	const changes: Array<{ plan: Plan<Params>; keys: string[] }> = [];
	const items: Array<ValidItem<ChangeParams>> = [];
	for (const plan of plans) {
		if (plan.failure) continue;
		for (const change of changesOf(plan)) {
			items.push({ index: changes.length, params: change.params });
			changes.push({ plan, keys: change.keys });
		}
	}
	await sendWrites(write, items, io, {
		done: (index) => changes[index].keys.forEach((key) => booked(changes[index].plan).add(key)),
		failed: (index, failure) => (changes[index].plan.failure ??= failure),
		stop: () => run.stopped || (!run.continueOnFail && plans.some((plan) => plan.failure)),
	});
}

export async function runSetLinks<Params>(run: NodeRun<Params>, operation: SetLinksOperation<Params, unknown, unknown>): Promise<void> {
	const valid = run.validItems();
	if (valid.length === 0) return;
	await run.withTransport(async (io) => {
		const reads = readContext(io);
		const plans: Array<Plan<Params>> = [];
		const option = (index: number, name: string) => itemOption(run.context, operation.properties, index, name) === true;
		await runPool(
			valid,
			io.concurrency,
			async ({ index, params: given }) => {
				let plan: Plan<Params>;
				try {
					const { params, links } = await readLinks(operation.read, given, reads);
					plan = planFor(operation, index, params, links);
				} catch (error) {
					return run.fail(index, toRequestFailure(io.vendor, error, io.settings.timeoutMs));
				}
				const wantsNone = plan.toAdd.length + plan.unchanged.length === 0;
				if (wantsNone && plan.toRemove.length > 0 && !option(index, 'allowRemovingAll')) {
					const problem = `is empty, which would remove all ${plan.toRemove.length} links in scope; turn on Options › Allow Removing All to do that`;
					return run.fail(index, new ItemInputError(index, fieldLabel(operation.properties, operation.wantedField), problem));
				}
				if (option(index, 'dryRun')) return run.settle(index, [output(operation, plan, true)]);
				plans.push(plan);
			},
			() => run.stopped,
		);
		plans.sort((a, b) => a.index - b.index);
		await sendChanges(run, operation.unlink, plans, (plan) => operation.removals(plan.params, plan.toRemove), (plan) => plan.removed, io);
		await sendChanges(run, operation.link, plans, (plan) => operation.additions(plan.params, plan.toAdd), (plan) => plan.added, io);
		for (const plan of plans) {
			if (plan.failure) run.fail(plan.index, partialFailure(operation, plan, plan.failure));
			else run.settle(plan.index, [output(operation, plan, false)]);
		}
	});
}
