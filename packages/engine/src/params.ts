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

/** How one parameter is read for every item of an execution. */
type ParameterRead =
	| { kind: 'constant'; value: unknown }
	| { kind: 'json'; path: string[] }
	| { kind: 'expression' };

/**
 * Per execution, decided once from each parameter's raw value:
 * - no expression in it: the same for every item, so n8n reads it once (`constant`);
 * - exactly a plain read of the item's own JSON (`={{ $json.a.b }}`) on a primitive property: the
 *   path is read from each item (`json`). n8n would run its whole expression engine per item (a data
 *   proxy, `$now` in the workflow's zone, a fresh sandbox: ~0.15 ms a call) for the same value;
 * - anything else goes through n8n per item (`expression`).
 */
const plans = new WeakMap<object, Map<string, ParameterRead>>();

function planOf(context: IExecuteFunctions, properties: INodeProperties[]): Map<string, ParameterRead> {
	let plan = plans.get(context);
	if (plan) return plan;
	plan = new Map();
	for (const property of properties) plan.set(property.name, planParameter(context, property));
	plans.set(context, plan);
	return plan;
}

function planParameter(context: IExecuteFunctions, property: INodeProperties): ParameterRead {
	const raw: unknown = context.getNodeParameter(property.name, 0, null, { rawExpressions: true });
	if (!holdsExpression(raw)) {
		// Errors (a hidden or invalid value) surface per item, as n8n would give them.
		try {
			return { kind: 'constant', value: deepFreeze(structuredClone(readParameter(context, property, 0))) };
		} catch {
			return { kind: 'expression' };
		}
	}
	if (!PRIMITIVE_TYPES.has(property.type) || property.validateType) return { kind: 'expression' };
	const match = typeof raw === 'string' ? PLAIN_JSON_READ.exec(raw) : null;
	if (!match) return { kind: 'expression' };
	return { kind: 'json', path: [...match[1].matchAll(SEGMENT)].map((segment) => segment[1] ?? segment[2] ?? segment[3] ?? segment[4]) };
}

/** Whether a raw parameter value holds an n8n expression anywhere ("=…" strings). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/** A value shared by every item is a frozen copy, so no item's handling can change another's or the node's. */
function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

function readParameter(context: IExecuteFunctions, property: INodeProperties, itemIndex: number): unknown {
	// A parameter hidden by display options reads as null; zod then sees it as absent.
	return (
		context.getNodeParameter(property.name, itemIndex, null, {
			extractValue: property.type === 'resourceLocator',
		}) ?? undefined
	);
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
	const plan = planOf(context, operation.properties);
	let json: unknown;
	for (const property of operation.properties) {
		const read = plan.get(property.name);
		if (read?.kind === 'constant') {
			raw[property.name] = read.value;
			continue;
		}
		if (read?.kind === 'json') {
			json ??= context.getInputData()[itemIndex]?.json;
			const value = readPath(json, read.path);
			// Primitives only: anything else goes through n8n, which copies objects and arrays.
			if (value === undefined || value === null || PRIMITIVE_TYPES.has(typeof value)) {
				raw[property.name] = value ?? undefined;
				continue;
			}
		}
		try {
			raw[property.name] = readParameter(context, property, itemIndex);
		} catch (error) {
			// An expression that fails for this item is this item's input problem.
			const problem = error instanceof Error ? error.message : String(error);
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
