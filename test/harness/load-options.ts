/**
 * Calls a node's pickers (`methods.listSearch` / `methods.loadOptions`) the way n8n's editor backend
 * does (packages/cli DynamicNodeParametersService): a one-node workflow ("Temp-Node") holding the
 * parameters the editor sends, and n8n-core's real LoadOptionsContext, whose request helpers apply
 * the credential type's real `authenticate`/`preAuthentication` through the harness's credentials
 * helper. What a picker returns or throws is recorded for the suite-wide secret scan.
 */
import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ILoadOptionsFunctions,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { type CredentialStore, INSTANCE_URLS, nodeTypeRegistry, TestCredentialsHelper } from './engine';
import { recordSecret, recordSeen } from './leaks';
import { credentialTypes, nodeTypeOf, nodeTypes } from './registry';


export interface PickerCall {
	/** Node name in the registry, e.g. "dataGol". */
	node: string;
	/** The node's current parameters, as the editor sends them (resource locators as `{ __rl, mode, value }`). */
	parameters: INodeParameters;
	credentials: CredentialStore;
	/** The parameter the picker belongs to, e.g. "parameters.labels.label[0].name"; default "parameters.<method>". */
	path?: string;
	typeVersion?: number;
}

function contextFor(call: PickerCall, method: string): ILoadOptionsFunctions {
	const nodeType: INodeType = nodeTypes[call.node];
	if (!nodeType) throw new Error(`Unknown node ${call.node}`);
	const description = 'nodeVersions' in nodeType ? undefined : nodeType.description;
	const node: INode = {
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: nodeTypeOf(call.node),
		typeVersion:
			call.typeVersion ?? (Array.isArray(description?.version) ? Math.max(...description.version) : (description?.version ?? 1)),
		position: [0, 0],
		parameters: structuredClone(call.parameters),
		credentials: Object.fromEntries(
			(description?.credentials ?? []).map((credential) => [credential.name, { id: `${credential.name}-${call.credentials.id}`, name: `${credential.name} test` }]),
		),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypeRegistry });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(call.credentials),
		currentNodeParameters: structuredClone(call.parameters),
		variables: {},
		...INSTANCE_URLS,
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, workflow.nodes['Temp-Node'], additionalData, call.path ?? `parameters.${method}`);
}

/** Records what the picker showed (results or error) and the secrets it had, for the secret scan. */
function record(call: PickerCall, method: string, shown: unknown): void {
	recordSeen(`picker ${call.node}.${method}`, shown);
	for (const [type, properties] of Object.entries(credentialTypes).map(([name, type]) => [name, type.properties] as const)) {
		let data: ICredentialDataDecryptedObject;
		try {
			data = call.credentials.get(type);
		} catch {
			continue;
		}
		for (const property of properties) {
			if (property.typeOptions?.password || property.type === 'hidden') recordSecret(data[property.name]);
		}
	}
}

async function recorded<T>(call: PickerCall, method: string, run: () => Promise<T>): Promise<T> {
	try {
		const result = await run();
		record(call, method, result);
		return result;
	} catch (error) {
		record(call, method, error);
		throw error;
	}
}

/** A resource locator's list: `methods.listSearch[method](filter)`. */
export async function listSearch(method: string, filter: string | undefined, call: PickerCall): Promise<INodeListSearchResult> {
	const search = nodeTypes[call.node]?.methods?.listSearch?.[method];
	if (!search) throw new Error(`${call.node} has no listSearch method ${method}`);
	const context = contextFor(call, method);
	return await recorded(call, method, async () => await search.call(context, filter));
}

/** An options list: `methods.loadOptions[method]()`. */
export async function loadOptions(method: string, call: PickerCall): Promise<INodePropertyOptions[]> {
	const load = nodeTypes[call.node]?.methods?.loadOptions?.[method];
	if (!load) throw new Error(`${call.node} has no loadOptions method ${method}`);
	const context = contextFor(call, method);
	return await recorded(call, method, async () => await load.call(context));
}
