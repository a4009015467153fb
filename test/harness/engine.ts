/**
 * Runs one of the pack's nodes through n8n's real execution engine (n8n-core's WorkflowExecute),
 * with a credentials helper that applies each credential type's real `authenticate` and
 * `preAuthentication`, the way n8n's own CredentialsHelper does.
 */
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';

import { recordSecret, recordSeen } from './leaks';
import { credentialTypes, nodeNameOf, nodeTypeOf, nodeTypes } from './registry';


let storeCount = 0;

/** Stored credentials by type, as n8n's database would hold them (updated by preAuthentication). */
export class CredentialStore {
	/** Like a database id: each store holds other credentials (n8n keeps state per credential id). */
	readonly id = String(++storeCount);

	private readonly data = new Map<string, ICredentialDataDecryptedObject>();
	/** How often each type's preAuthentication ran (logins). */
	readonly logins = new Map<string, number>();
	/** How often n8n loaded and decrypted each type for a node (in n8n, a database read each time). */
	readonly loads = new Map<string, number>();

	set(type: string, data: ICredentialDataDecryptedObject): void {
		this.data.set(type, { ...data });
	}

	get(type: string): ICredentialDataDecryptedObject {
		const data = this.data.get(type);
		if (!data) throw new Error(`No credentials of type ${type} in the test store`);
		return { ...data };
	}
}

function credentialType(name: string): ICredentialType {
	const type = credentialTypes[name];
	if (!type) throw new Error(`Unknown credential type ${name}`);
	return type;
}

export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly store: CredentialStore) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	/** n8n-core 2.41+ asks this before handing a node its credentials (`restrictToSupportedNodes`). */
	isCredentialUsableByNode(typeName: string, nodeType: string): boolean {
		const type = credentialType(typeName) as ICredentialType & { restrictToSupportedNodes?: boolean; supportedNodes?: string[] };
		return type.restrictToSupportedNodes !== true || (type.supportedNodes ?? []).includes(nodeType);
	}

	/** n8n-core 2.41+ (OAuth helpers): the type's preAuthentication, unconditionally. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = credentialType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return (await type.preAuthentication.call(helpers, credentials)) as unknown as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		return await applyAuthentication(credentialType(typeName), credentials, incoming as IHttpRequestOptions, workflow, node);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = credentialType(typeName);
		const expirable = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		// As n8n: only an empty field (or an expired login) logs in; the stored data has its defaults.
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		this.store.logins.set(typeName, (this.store.logins.get(typeName) ?? 0) + 1);
		if (output[expirable.name] === undefined) return undefined;
		this.store.set(typeName, { ...this.store.get(typeName), ...(output as ICredentialDataDecryptedObject) });
		return Object.assign(credentials, output);
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Not used by the pack');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.store.loads.set(type, (this.store.loads.get(type) ?? 0) + 1);
		// n8n fills in the defaults of fields the stored data lacks (applyDefaultsAndOverwrites).
		const defaults = Object.fromEntries(
			credentialType(type)
				.properties.filter((property) => property.default !== undefined)
				.map((property) => [property.name, property.default]),
		) as ICredentialDataDecryptedObject;
		return { ...defaults, ...this.store.get(type) };
	}

	async updateCredentials(_node: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) {
		this.store.set(type, data);
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialType(type).properties;
	}
}

/** The URLs of the n8n instance the nodes run in, as n8n gives them to a node (nothing listens there). */
export const INSTANCE_URLS = {
	restApiUrl: 'http://localhost:5678/rest',
	instanceBaseUrl: 'http://localhost:5678',
	formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
	webhookBaseUrl: 'http://localhost:5678/webhook',
	webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
	webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
};

/** Resolves `={{…}}` values against `$credentials`, as n8n does for declarative credentials. */
function resolveCredentialValue(
	value: string,
	credentials: ICredentialDataDecryptedObject,
	workflow: Workflow,
	node: INode,
): string {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', {
		$credentials: credentials,
	} as IDataObject, undefined, '');
	return resolved === undefined || resolved === null ? '' : String(resolved);
}

export async function applyAuthentication(
	type: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	workflow: Workflow,
	node: INode,
): Promise<IHttpRequestOptions> {
	const { authenticate } = type;
	if (!authenticate) return requestOptions;
	if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
	if (authenticate.type !== 'generic') return requestOptions;
	const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
	for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
		target[outerKey] ??= {};
		for (const [key, value] of Object.entries(entries as Record<string, string>)) {
			target[outerKey][resolveCredentialValue(key, credentials, workflow, node)] = resolveCredentialValue(
				value,
				credentials,
				workflow,
				node,
			);
		}
	}
	return requestOptions;
}

/** A registered node type: ours by its name, another (the benchmark's HTTP Request) by its full type. */
const registeredType = (type: string) => nodeTypes[type] ?? nodeTypes[nodeNameOf(type)];

export const nodeTypeRegistry: INodeTypes = {
	getByName: (type: string) => registeredType(type),
	getByNameAndVersion: (type: string, version?: number) => NodeHelpers.getVersionedNodeType(registeredType(type), version),
	getKnownTypes: () => ({}),
} as INodeTypes;

export interface RunOptions {
	/** Node name in the registry, e.g. "devRev". */
	node: string;
	parameters: INodeParameters;
	/** Input items' json. */
	items: IDataObject[];
	credentials?: CredentialStore;
	continueOnFail?: boolean;
	typeVersion?: number;
	/** Called with the running execution, e.g. to cancel it. */
	onStart?: (execution: { cancel(): void }) => void;
	/** Full node type name; default the vendor package's `<package>.<node>` (the benchmark runs n8n-nodes-base.httpRequest). */
	type?: string;
	/** Credential types set on the node; default those its description lists. */
	nodeCredentials?: string[];
}

export interface RunResult {
	/** The node's first output. */
	items: INodeExecutionData[];
	/** The execution's error when the node failed. */
	error?: ExecutionError;
	run: IRun;
}

/** How a vendor's test runs an operation: with these Options, Continue On Fail, other credentials. */
export interface OperationRun {
	options?: IDataObject;
	continueOnFail?: boolean;
	store?: CredentialStore;
}

/** Runs `node` with `parameters` (and `options` as its Options when given) over `items`. */
export async function runOperation(
	node: string,
	parameters: INodeParameters,
	items: IDataObject[],
	{ options, continueOnFail = false, store }: OperationRun,
): Promise<RunResult> {
	const withOptions = { ...parameters, ...(options ? { options } : {}) } as INodeParameters;
	return await runNode({ node, parameters: withOptions, items, credentials: store, continueOnFail });
}

let executionCount = 0;

export async function runNode(options: RunOptions): Promise<RunResult> {
	const nodeType: INodeType = nodeTypes[options.node];
	if (!nodeType) throw new Error(`Unknown node ${options.node}`);
	const description = 'nodeVersions' in nodeType ? undefined : nodeType.description;
	const credentialsStore = options.credentials ?? new CredentialStore();
	const credentialNames = description?.credentials?.map((credential) => credential.name) ?? [];
	const node: INode = {
		id: 'node-under-test',
		name: 'Node Under Test',
		type: options.type ?? nodeTypeOf(options.node),
		typeVersion: options.typeVersion ?? (Array.isArray(description?.version) ? Math.max(...description.version) : (description?.version ?? 1)),
		position: [0, 0],
		parameters: options.parameters,
		continueOnFail: options.continueOnFail ?? false,
		credentials: Object.fromEntries(
			(options.nodeCredentials ?? credentialNames).map((name) => [name, { id: `${name}-${credentialsStore.id}`, name: `${name} test` }]),
		),
	};
	const executionId = String(++executionCount);
	const workflowData: IWorkflowBase = {
		id: 'engine-test',
		name: 'Engine test',
		active: false,
		isArchived: false,
		nodes: [node],
		connections: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		settings: {},
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes: nodeTypeRegistry,
		staticData: {},
		settings: {},
	});

	// Not n8n-workflow's createDeferredPromise: 2.41 no longer exports it.
	let finish!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (finish = resolve));
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	hooks.addHandler('workflowExecuteAfter', (run) => finish(run));

	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialsStore),
		hooks,
		variables: {},
		currentNodeExecutionIndex: 0,
		...INSTANCE_URLS,
		executeWorkflow: async () => {
			throw new Error('Not used by the pack');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Not used by the pack');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{ node, data: { main: [options.items.map((json) => ({ json }))] }, source: null },
			],
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	options.onStart?.(execution);
	const run = await finished;
	const nodeRuns = run.data.resultData.runData[node.name];
	const items = nodeRuns?.[0]?.data?.main?.[0] ?? [];
	recordRun(run, credentialsStore, Object.keys(node.credentials ?? {}));
	return { items, error: run.data.resultData.error, run };
}

/** Stops n8n-core's background timers so jest can exit. */
export async function shutdownEngine(): Promise<void> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');
	Container.get(SSHClientsManager as new () => { onShutdown(): void }).onShutdown();
}

/** Feeds the suite-wide secret scan: what this run showed, and the secrets it had. */
function recordRun(run: IRun, store: CredentialStore, types: string[]): void {
	recordSeen('run', run.data);
	for (const type of types) {
		const properties = credentialTypes[type]?.properties ?? [];
		let data: ICredentialDataDecryptedObject;
		try {
			data = store.get(type);
		} catch {
			continue; // this run had no credential of that type
		}
		for (const property of properties) {
			if (property.typeOptions?.password || property.type === 'hidden') recordSecret(data[property.name]);
		}
	}
}

/** Records every log line n8n's logger writes (the node's `this.logger`) for the secret scan. */
function captureLogs(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require('@n8n/backend-common') as { Logger: new () => object };
	const levels = new Set(['error', 'warn', 'info', 'debug']);
	const logger = Container.get(Logger);
	const capturing = new Proxy(logger, {
		get(target, property, receiver) {
			const value: unknown = Reflect.get(target, property, receiver);
			if (typeof property !== 'string' || !levels.has(property) || typeof value !== 'function') return value;
			// A level below N8N_LOG_LEVEL is a frozen no-op (non-configurable, read-only): a Proxy must
			// return it as is, and it logs nothing anyway.
			const own = Reflect.getOwnPropertyDescriptor(target, property);
			if (own && own.configurable === false && own.writable === false) return value;
			return (message: string, meta?: unknown) => {
				recordSeen(`log.${property}`, { message, meta });
				return (value as (message: string, meta?: unknown) => void).call(target, message, meta);
			};
		},
	});
	Container.set(Logger, capturing);
}
captureLogs();
