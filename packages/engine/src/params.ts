import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ZodIssue } from 'zod';

import type { OperationBase } from './types';

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

/** A parameter as an error names it: its display name in quotes. */
export function fieldLabel(properties: INodeProperties[], name: string): string {
	return labelOf(properties, [name]);
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

/** `={{ $json.a.b }}` or `={{ $json["a b"] }}`: a plain read of the item's own JSON, nothing else. */
const PLAIN_JSON_READ = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:'[^'\\]*'|"[^"\\]*"|\d+)\s*\])+)\s*\}\}$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[\s*(?:'([^'\\]*)'|"([^"\\]*)"|(\d+))\s*\]/g;
const PRIMITIVE_TYPES = new Set(['string', 'number', 'boolean']);

/**
 * Per execution: the properties whose value is a plain `$json` read, with the path to read. n8n
 * evaluates such an expression with its whole expression engine (a data proxy, `$now` in the
 * workflow's zone, a fresh sandbox context: ~0.15 ms per call); reading the path gives the same value.
 */
const plainReads = new WeakMap<object, Map<string, string[]>>();

function plainReadsOf(context: IExecuteFunctions, properties: INodeProperties[]): Map<string, string[]> {
	let reads = plainReads.get(context);
	if (reads) return reads;
	reads = new Map();
	for (const property of properties) {
		if (!PRIMITIVE_TYPES.has(property.type) || property.validateType) continue;
		const value: unknown = context.getNodeParameter(property.name, 0, null, { rawExpressions: true });
		const match = typeof value === 'string' ? PLAIN_JSON_READ.exec(value) : null;
		if (!match) continue;
		const path = [...match[1].matchAll(SEGMENT)].map((segment) => segment[1] ?? segment[2] ?? segment[3] ?? segment[4]);
		reads.set(property.name, path);
	}
	plainReads.set(context, reads);
	return reads;
}

function readPath(json: unknown, path: string[]): unknown {
	let value = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/** Reads one item's parameters and validates them with the operation's schema. */
export function readItemParams<Params>(
	context: IExecuteFunctions,
	operation: OperationBase<Params>,
	itemIndex: number,
): ItemParamsResult<Params> {
	const raw: Record<string, unknown> = {};
	const reads = plainReadsOf(context, operation.properties);
	const json = reads.size ? context.getInputData()[itemIndex]?.json : undefined;
	for (const property of operation.properties) {
		let problem: string | undefined;
		const path = reads.get(property.name);
		if (path) {
			const value = readPath(json, path);
			// Primitives only: anything else goes through n8n, which copies objects and arrays.
			if (value === undefined || value === null || PRIMITIVE_TYPES.has(typeof value)) {
				raw[property.name] = value ?? undefined;
				continue;
			}
		}
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
