/**
 * Checks one HTTP exchange (a request the nodes sent, the answer the sandbox gave) against the
 * vendors' published contracts in this folder: the OpenAPI excerpts (DevRev, DataGOL) and the
 * contract files written from the vendors' documentation (every vendor). A request or an answer that
 * departs from its contract is a violation; the sandbox collects them and the tests fail on any.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

/** A parameter in the path or the query string. */
interface Parameter {
	name: string;
	in: 'path' | 'query' | 'header';
	required?: boolean;
	schema?: Json;
}

/** One documented answer: its body schema (null: no body), and whether the vendor documents it. */
interface ResponseContract {
	schema?: Json | null;
	status?: 'documented' | 'inferred';
	source?: string;
}

/** One operation of a contract file (vendors without a published OpenAPI document, or additions). */
interface OperationContract {
	id: string;
	method: string;
	/** Path template below the vendor's API root, e.g. `/tableLinks/{tableLinkId}/link`. */
	path: string;
	/** For one-endpoint APIs (FairCom): body fields that select the operation. */
	match?: Json;
	parameters?: Parameter[];
	body?: Json;
	responses: Record<string, ResponseContract>;
	status: 'documented' | 'inferred';
	source: string;
}

interface ContractFile {
	vendor: string;
	/** A regular expression for the part of the sandbox path before the API's own paths. */
	root?: string;
	/** The OpenAPI excerpt whose operations this contract holds. */
	openapi?: string;
	/** Answers the excerpt does not list, by "METHOD /path" and status (each marked inferred). */
	extraResponses?: Record<string, Record<string, ResponseContract>>;
	/** Request bodies documented more precisely elsewhere than in the excerpt, by "METHOD /path". */
	requestBodies?: Record<string, Json>;
	/** The excerpt is generated from Java: a bare `{type: object}` (Java Object) holds any JSON value. */
	javaObjectIsAny?: boolean;
	operations?: OperationContract[];
	/** Schemas the operations share, referenced as `<vendor>#/definitions/<name>`. */
	definitions?: Json;
	facts: Array<{ id: string; fact: string; status: 'documented' | 'inferred'; source: string; quote?: string }>;
}

interface CompiledOperation {
	label: string;
	method: string;
	pattern: RegExp;
	pathNames: string[];
	match?: Json;
	parameters: Parameter[];
	body?: ValidateFunction;
	bodyRequired: boolean;
	responses: Map<string, ValidateFunction | null>;
}

export interface Exchange {
	vendor: string;
	method: string;
	/** The path below the sandbox's vendor prefix. */
	path: string;
	query: URLSearchParams;
	body: unknown;
	rawBody: string;
	status: number;
	responseBody: unknown;
}

const CONTRACTS_DIR = __dirname;
/** The sandbox's vendor names and their contract files. */
export const CONTRACT_FILES: Record<string, string> = {
	devrev: 'devrev.contract.json',
	datagol: 'datagol.contract.json',
	tulip: 'tulip.contract.json',
	unicat: 'unicat.contract.json',
	faircom: 'faircom.contract.json',
};

function readJson<T>(file: string): T {
	return JSON.parse(readFileSync(join(CONTRACTS_DIR, file), 'utf8')) as T;
}

/**
 * OpenAPI's `discriminator` + `oneOf` as plain JSON Schema: the discriminating property must name
 * one of the mapped schemas, and the object must match that schema (JSON Schema's oneOf alone
 * would see several overlapping variants match).
 */
function translateDiscriminators(value: unknown): unknown {
	return loosenVariants(translate(value) as Json);
}

/**
 * A discriminated variant lists only its own fields, with `additionalProperties: false`; the fields
 * of the schema that discriminates (`type`, `message`, …) belong to the same object. As JSON Schema
 * that would refuse every answer, so the variants' `additionalProperties: false` is dropped.
 */
function loosenVariants(document: Json): Json {
	const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
	const variants = new Set<string>();
	const collect = (value: unknown): void => {
		if (Array.isArray(value)) return value.forEach(collect);
		if (!value || typeof value !== 'object') return;
		const { then } = value as { then?: { $ref?: string } };
		if (typeof then?.$ref === 'string' && (value as Json).if) variants.add(then.$ref.split('/').pop()!);
		Object.values(value).forEach(collect);
	};
	collect(document);
	for (const name of variants) {
		if (schemas[name]?.additionalProperties === false) delete schemas[name].additionalProperties;
	}
	return document;
}

function translate(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(translate);
	if (!value || typeof value !== 'object') return value;
	const schema = Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, translate(entry)])) as Json;
	const discriminator = schema.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
	if (discriminator?.propertyName && discriminator.mapping) {
		const { propertyName, mapping } = discriminator;
		delete schema.discriminator;
		delete schema.oneOf;
		const properties = { ...((schema.properties as Json | undefined) ?? {}), [propertyName]: { enum: Object.keys(mapping) } };
		schema.properties = properties;
		schema.required = [...new Set([...((schema.required as string[] | undefined) ?? []), propertyName])];
		schema.allOf = [
			...((schema.allOf as unknown[] | undefined) ?? []),
			...Object.entries(mapping).map(([name, ref]) => ({
				if: { properties: { [propertyName]: { const: name } } },
				then: { $ref: ref },
			})),
		];
	}
	return schema;
}

/** `{type: object}` with nothing else: a Java Object in a generated spec, any JSON value at run time. */
function widenJavaObjects(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(widenJavaObjects);
	if (!value || typeof value !== 'object') return value;
	const keys = Object.keys(value);
	if (keys.length === 1 && (value as Json).type === 'object') return {};
	const widened = Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, widenJavaObjects(entry)])) as Json;
	// "a plain object, or the envelope": with the plain object widened, both branches match an envelope.
	if (Array.isArray(widened.oneOf)) {
		widened.anyOf = widened.oneOf;
		delete widened.oneOf;
	}
	return widened;
}

function pointer(...segments: string[]): string {
	return `#/${segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function pathPattern(template: string): { pattern: RegExp; names: string[] } {
	const names: string[] = [];
	const source = template
		.split(/(\{[^}]+\})/)
		.map((part) => {
			const name = /^\{([^}]+)\}$/.exec(part)?.[1];
			if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
			names.push(name);
			return '([^/]+)';
		})
		.join('');
	return { pattern: new RegExp(`^${source}$`), names };
}

class ContractChecker {
	private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
	private readonly operations = new Map<string, CompiledOperation[]>();
	private readonly roots = new Map<string, RegExp>();

	constructor() {
		addFormats(this.ajv);
		// OpenAPI formats that constrain nothing beyond the type (DevRev's object ids, free text).
		for (const format of ['id', 'text', 'int32', 'int64', 'float', 'double']) {
			if (!this.ajv.formats[format]) this.ajv.addFormat(format, () => true);
		}
		for (const [vendor, file] of Object.entries(CONTRACT_FILES)) this.load(vendor, readJson<ContractFile>(file));
	}

	private compile(schema: Json | null | undefined, documentId?: string): ValidateFunction | null {
		if (schema === null || schema === undefined) return null;
		if (documentId && typeof schema.$ref === 'string' && schema.$ref.startsWith('#')) {
			return this.ajv.compile({ $ref: `${documentId}${schema.$ref}` });
		}
		return this.ajv.compile(schema);
	}

	private load(vendor: string, contract: ContractFile): void {
		this.roots.set(vendor, new RegExp(`^${contract.root ?? ''}`));
		this.ajv.addSchema({ $id: vendor, definitions: contract.definitions ?? {} });
		const compiled: CompiledOperation[] = [];
		if (contract.openapi) {
			let document = translateDiscriminators(readJson<Json>(contract.openapi)) as Json;
			if (contract.javaObjectIsAny) document = widenJavaObjects(document) as Json;
			const documentId = contract.openapi;
			this.ajv.addSchema({ ...document, $id: documentId });
			const components = (document.components ?? {}) as { responses?: Record<string, Json>; parameters?: Record<string, Json> };
			const resolve = <T>(entry: unknown, kind: 'responses' | 'parameters'): T => {
				const ref = (entry as { $ref?: string }).$ref;
				return (ref ? components[kind]?.[ref.split('/').pop()!] : entry) as T;
			};
			for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
				for (const [method, definition] of Object.entries(item)) {
					if (method === 'parameters') continue;
					const operation = definition as Json;
					const label = `${method.toUpperCase()} ${path}`;
					const parameters = [...((item.parameters as unknown[]) ?? []), ...((operation.parameters as unknown[]) ?? [])].map((entry) =>
						resolve<Parameter>(entry, 'parameters'),
					);
					const requestBody = operation.requestBody as { content?: Record<string, { schema?: Json }>; required?: boolean } | undefined;
					const bodyPointer = requestBody?.content?.['application/json']
						? pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema')
						: undefined;
					const responses = new Map<string, ValidateFunction | null>();
					for (const [status, entry] of Object.entries((operation.responses ?? {}) as Record<string, unknown>)) {
						// The answer's schema, compiled where it stands in the document so that its $refs resolve.
						const ref = (entry as { $ref?: string }).$ref;
						const at = ref ? ['components', 'responses', ref.split('/').pop()!] : ['paths', path, method, 'responses', status];
						const response = resolve<{ content?: Record<string, { schema?: Json }> }>(entry, 'responses');
						const mediaType = response.content ? Object.keys(response.content).find((type) => /json|\*\/\*/.test(type)) : undefined;
						responses.set(
							status,
							mediaType && response.content![mediaType].schema
								? this.ajv.compile({ $ref: `${documentId}${pointer(...at, 'content', mediaType, 'schema')}` })
								: null,
						);
					}
					for (const [status, extra] of Object.entries(contract.extraResponses?.[label] ?? {})) {
						responses.set(status, this.compile(extra.schema, documentId));
					}
					const { pattern, names } = pathPattern(path);
					compiled.push({
						label,
						method: method.toUpperCase(),
						pattern,
						pathNames: names,
						parameters,
						body: contract.requestBodies?.[label]
							? this.ajv.compile(contract.requestBodies[label])
							: bodyPointer
								? this.ajv.compile({ $ref: `${documentId}${bodyPointer}` })
								: undefined,
						bodyRequired: requestBody?.required === true,
						responses,
					});
				}
			}
		}
		for (const operation of contract.operations ?? []) {
			const { pattern, names } = pathPattern(operation.path);
			compiled.push({
				label: `${operation.method} ${operation.path}${operation.match ? ` ${JSON.stringify(operation.match)}` : ''}`,
				method: operation.method,
				pattern,
				pathNames: names,
				match: operation.match,
				parameters: operation.parameters ?? [],
				body: operation.body ? this.ajv.compile(operation.body) : undefined,
				bodyRequired: operation.body !== undefined,
				responses: new Map(Object.entries(operation.responses).map(([status, response]) => [status, this.compile(response.schema)])),
			});
		}
		this.operations.set(vendor, compiled);
	}

	private errors(validate: ValidateFunction): string {
		return (validate.errors ?? []).map((error) => `${error.instancePath ? `${error.instancePath} ` : ''}${error.message ?? 'is invalid'}`).join(', ');
	}

	/** The violations of one exchange (empty when it keeps to the contract). */
	check(exchange: Exchange): string[] {
		const operations = this.operations.get(exchange.vendor);
		if (!operations) return [`${exchange.vendor}: no contract`];
		const path = exchange.path.replace(this.roots.get(exchange.vendor)!, '') || '/';
		const label = `${exchange.vendor} ${exchange.method} ${path}`;
		const candidates = operations.filter((operation) => operation.method === exchange.method && operation.pattern.test(path));
		const operation = candidates.find((candidate) => matchesBody(candidate.match, exchange.body)) ?? undefined;
		if (!operation) return [`${label}: no such operation in the vendor's contract`];
		const violations: string[] = [];
		const values = operation.pattern.exec(path)!.slice(1);
		for (const parameter of operation.parameters) {
			if (parameter.in === 'header') continue;
			const raw =
				parameter.in === 'path'
					? decodeURIComponent(values[operation.pathNames.indexOf(parameter.name)] ?? '')
					: (exchange.query.get(parameter.name) ?? undefined);
			if (raw === undefined) {
				if (parameter.required) violations.push(`${label}: required ${parameter.in} parameter "${parameter.name}" missing`);
				continue;
			}
			const schema = parameter.schema ?? {};
			const value = schema.type === 'integer' || schema.type === 'number' ? Number(raw) : schema.type === 'boolean' ? raw === 'true' : raw;
			if (schema.type === 'array' || schema.$ref) continue;
			const validate = this.ajv.compile(schema);
			if (!validate(value)) violations.push(`${label}: ${parameter.in} parameter "${parameter.name}" ${this.errors(validate)}`);
		}
		if (operation.body) {
			if (exchange.rawBody === '') {
				if (operation.bodyRequired) violations.push(`${label}: request body missing`);
			} else if (!operation.body(exchange.body)) {
				violations.push(`${label}: request body ${this.errors(operation.body)}`);
			}
		}
		const status = String(exchange.status);
		if (!operation.responses.has(status)) {
			violations.push(`${label}: answer ${status} is not in the contract (${[...operation.responses.keys()].join(', ')})`);
		} else {
			const validate = operation.responses.get(status);
			if (validate === null) {
				if (exchange.responseBody !== undefined && status === '204') violations.push(`${label}: answer 204 carries a body`);
			} else if (validate && !validate(exchange.responseBody)) {
				violations.push(`${label}: answer ${status} ${this.errors(validate)}`);
			}
		}
		return violations;
	}
}

function matchesBody(match: Json | undefined, body: unknown): boolean {
	if (!match) return true;
	if (!body || typeof body !== 'object') return false;
	return Object.entries(match).every(([key, value]) => (body as Json)[key] === value);
}

let checker: ContractChecker | undefined;

/** The violations of one exchange against the vendor's contract. */
export function contractViolations(exchange: Exchange): string[] {
	checker ??= new ContractChecker();
	return checker.check(exchange);
}
