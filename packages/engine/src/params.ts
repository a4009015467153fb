import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { ZodNever, ZodObject, type ZodIssue, type ZodTypeAny } from 'zod';

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
 * - exactly a plain read of the item's own JSON (`={{ $json.a.b }}`) on a text, number or boolean
 *   property: the path is read from each item (`json`). n8n would run its whole expression engine
 *   per item (a data proxy, `$now` in the workflow's zone, a fresh sandbox: ~0.15 ms a call) for the
 *   same value;
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

/** A copy of JSON-like data, or undefined for anything else (left to n8n). */
function plainCopy(value: unknown): unknown {
	try {
		return structuredClone(value);
	} catch {
		return undefined;
	}
}

function readPath(json: unknown, path: string[]): unknown {
	let value = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * One option of the item's Options collection: read once for the execution when the collection
 * holds no expression, else through n8n for this item.
 */
export function itemOption(context: IExecuteFunctions, properties: INodeProperties[], itemIndex: number, name: string): unknown {
	const read = planOf(context, properties).get('options');
	if (read?.kind === 'constant') return (read.value as Record<string, unknown> | undefined)?.[name];
	return context.getNodeParameter(`options.${name}`, itemIndex, undefined);
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
	const fieldwise = fieldwiseOf(context, operation, plan);
	for (const property of operation.properties) {
		if (fieldwise && property.name in fieldwise.constants) continue;
		const read = plan.get(property.name);
		if (read?.kind === 'constant') {
			raw[property.name] = read.value;
			continue;
		}
		if (read?.kind === 'json') {
			json ??= context.getInputData()[itemIndex]?.json;
			const value = readPath(json, read.path);
			if (value === undefined || value === null || PRIMITIVE_TYPES.has(typeof value)) {
				raw[property.name] = value ?? undefined;
				continue;
			}
			// An array or object (Set Links' wanted list) is the item's own: the item keeps its copy.
			const copy = plainCopy(value);
			if (copy !== undefined) {
				raw[property.name] = copy;
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
	const parsed = fieldwise ? parseFieldwise(fieldwise, raw) : operation.schema.safeParse(raw);
	if (parsed.success) return { ok: true, params: parsed.data as Params };
	const issue = parsed.error.issues[0];
	return {
		ok: false,
		error: new ItemInputError(itemIndex, labelOf(operation.properties, issue.path), describeIssue(issue)),
	};
}

/** An operation schema that is a plain object, with its constant fields parsed once. */
interface Fieldwise {
	constants: Record<string, unknown>;
	/** The fields read per item, in the schema's order. */
	perItem: Array<[string, ZodTypeAny]>;
}

const fieldwiseParses = new WeakMap<object, Fieldwise | null>();

/**
 * A plain object schema (no refinement across fields, unknown keys stripped) checks each field on
 * its own, so the fields that are the same for every item are parsed once per execution; a constant
 * that fails, or any other schema, is parsed whole for each item (each gets its own error).
 */
function fieldwiseOf<Params>(
	context: IExecuteFunctions,
	operation: OperationBase<Params>,
	plan: Map<string, ParameterRead>,
): Fieldwise | undefined {
	let fieldwise = fieldwiseParses.get(context);
	if (fieldwise !== undefined) return fieldwise ?? undefined;
	fieldwise = null;
	const { schema } = operation;
	if (schema instanceof ZodObject && schema._def.unknownKeys === 'strip' && schema._def.catchall instanceof ZodNever) {
		const shape = schema.shape as Record<string, ZodTypeAny>;
		const constants: Record<string, unknown> = {};
		let valid = true;
		for (const [name, read] of plan) {
			if (read.kind !== 'constant' || !(name in shape)) continue;
			const parsed = shape[name].safeParse(read.value);
			if (!parsed.success) valid = false;
			else constants[name] = deepFreeze(parsed.data);
		}
		if (valid) fieldwise = { constants, perItem: Object.entries(shape).filter(([name]) => !(name in constants)) };
	}
	fieldwiseParses.set(context, fieldwise);
	return fieldwise ?? undefined;
}

function parseFieldwise(
	{ constants, perItem }: Fieldwise,
	raw: Record<string, unknown>,
): { success: true; data: unknown } | { success: false; error: { issues: ZodIssue[] } } {
	const data: Record<string, unknown> = { ...constants };
	for (const [name, field] of perItem) {
		const parsed = field.safeParse(raw[name]);
		if (!parsed.success) {
			const issues = parsed.error.issues.map((issue) => ({ ...issue, path: [name, ...issue.path] }));
			return { success: false, error: { issues } };
		}
		if (parsed.data !== undefined) data[name] = parsed.data;
	}
	return { success: true, data };
}
