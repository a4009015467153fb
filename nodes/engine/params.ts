import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ZodIssue } from 'zod';

import type { LinkOperation } from './types';

/** A per-item input problem: names the item and the parameter, and nothing was sent for it. */
export class ItemInputError extends Error {
	constructor(
		readonly itemIndex: number,
		readonly field: string,
		problem: string,
	) {
		super(`Invalid ${field} in item ${itemIndex}: ${problem}`);
	}
}

function labelOf(properties: INodeProperties[], path: Array<string | number>): string {
	const names: string[] = [];
	let level: INodeProperties[] | undefined = properties;
	for (const key of path) {
		if (typeof key === 'number') {
			names.push(`#${key + 1}`);
			continue;
		}
		const property: INodeProperties | undefined = level?.find((p) => p.name === key);
		names.push(property ? `"${property.displayName}"` : `"${key}"`);
		level = childProperties(property);
	}
	return names.join(' › ') || 'parameters';
}

function childProperties(property: INodeProperties | undefined): INodeProperties[] | undefined {
	const options = property?.options;
	if (!options) return undefined;
	const children: INodeProperties[] = [];
	for (const option of options) {
		if ('displayName' in option && 'type' in option) children.push(option as INodeProperties);
		else if ('values' in option) children.push(...(option.values as INodeProperties[]));
	}
	return children;
}

function describeIssue(issue: ZodIssue): string {
	if (issue.code === 'invalid_type' && (issue.received === 'undefined' || issue.received === 'null')) {
		return 'is required';
	}
	return issue.message;
}

export type ItemParamsResult<Params> = { ok: true; params: Params } | { ok: false; error: ItemInputError };

/** Reads one item's parameters and validates them with the operation's schema. */
export function readItemParams<Params>(
	context: IExecuteFunctions,
	operation: LinkOperation<Params>,
	itemIndex: number,
): ItemParamsResult<Params> {
	const raw: Record<string, unknown> = {};
	for (const property of operation.properties) {
		let problem: string | undefined;
		try {
			// A parameter hidden by display options reads as null; zod then sees it as absent.
			raw[property.name] =
				context.getNodeParameter(property.name, itemIndex, null, {
					extractValue: property.type === 'resourceLocator',
				}) ?? undefined;
		} catch (error) {
			// An expression that fails for this item is this item's input problem.
			problem = error instanceof Error ? error.message : String(error);
		}
		if (problem !== undefined) {
			return { ok: false, error: new ItemInputError(itemIndex, labelOf(operation.properties, [property.name]), problem) };
		}
	}
	const parsed = operation.schema.safeParse(raw);
	if (parsed.success) return { ok: true, params: parsed.data };
	const issue = parsed.error.issues[0];
	return {
		ok: false,
		error: new ItemInputError(itemIndex, labelOf(operation.properties, issue.path), describeIssue(issue)),
	};
}
