/**
 * A webhook trigger node as n8n runs it, with n8n-core's own contexts: activation runs its lifecycle
 * through a HookContext (`checkExists`, then `create` when that answers false), deactivation runs
 * `delete`, and every HTTP request to the node's production URL goes to its `webhook` method through
 * a WebhookContext and is answered as n8n's live webhooks answer it. The node's static data lives on
 * the workflow between calls, as n8n keeps it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookDescription,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { type CredentialStore, INSTANCE_URLS, nodeTypeRegistry, TestCredentialsHelper } from './engine';
import { nodeTypeOf, nodeTypes } from './registry';

export interface TriggerAnswer {
	status: number;
	body: unknown;
	/** Whether the call started an execution. */
	started: boolean;
}

export interface ActiveTrigger {
	/** The node's production webhook URL, as it registered it. */
	url: string;
	/** The items of each execution the trigger started, in order. */
	executions: INodeExecutionData[][];
	/** Every answer the trigger gave, in order. */
	answers: TriggerAnswer[];
	staticData(): IDataObject;
	/** Activates the workflow again, as n8n does when it starts: checkExists, then create if needed. */
	activate(): Promise<void>;
	/** Changes the node's parameters, as an edit of the workflow does (activate again to apply them). */
	setParameters(parameters: INodeParameters): void;
	/** Deactivates the workflow: the node's delete. */
	deactivate(): Promise<void>;
	/** Stops the trigger's HTTP endpoint. */
	close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Listens for the trigger's deliveries, runs the lifecycle's activation and answers the trigger. */
export async function activateTrigger(options: { node: string; parameters: INodeParameters; credentials: CredentialStore }): Promise<ActiveTrigger> {
	const nodeType = nodeTypes[options.node];
	const description = 'nodeVersions' in nodeType ? undefined : nodeType.description;
	const webhookDescription = description?.webhooks?.[0] as IWebhookDescription | undefined;
	if (!description || !webhookDescription || !nodeType.webhookMethods?.default || !nodeType.webhook) {
		throw new Error(`${options.node} is not a webhook trigger`);
	}
	const lifecycle = nodeType.webhookMethods.default;
	const answerWebhook = nodeType.webhook;
	const node: INode = {
		id: 'trigger-under-test',
		name: 'Trigger Under Test',
		type: nodeTypeOf(options.node),
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		webhookId: '6f1c3a52-7d0e-4b8a-9c21-5e4f3d2a1b0c',
		credentials: Object.fromEntries(
			(description.credentials ?? []).map(({ name }) => [name, { id: `${name}-${options.credentials.id}`, name: `${name} test` }]),
		),
	};
	const workflow = new Workflow({
		id: 'trigger-test',
		name: 'Trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypeRegistry,
		staticData: {},
		settings: {},
	});
	const executions: INodeExecutionData[][] = [];
	const answers: TriggerAnswer[] = [];

	const server: Server = createServer((request, response) => {
		void (async () => {
			const rawBody = await readBody(request);
			let body: IDataObject = {};
			try {
				body = JSON.parse(rawBody.toString('utf8') || '{}') as IDataObject;
			} catch {
				// n8n hands the node an empty body when it cannot parse JSON
			}
			let status = 200;
			let sent: unknown;
			const httpResponse = {
				status(code: number) {
					status = code;
					return httpResponse;
				},
				json(value: unknown) {
					sent = value;
					return httpResponse;
				},
			};
			const httpRequest = { body, headers: request.headers, rawBody, query: {}, params: {} };
			const context = new WebhookContext(
				workflow,
				node,
				{ ...additionalData, httpRequest, httpResponse } as unknown as IWorkflowExecuteAdditionalData,
				'webhook',
				webhookData,
				[],
				null,
			);
			let started = false;
			try {
				const result = await answerWebhook.call(context);
				if (result.workflowData) {
					executions.push(result.workflowData[0]);
					started = true;
					sent = { message: 'Workflow was started' };
				} else if (!result.noWebhookResponse) {
					sent = result.webhookResponse ?? { message: 'Webhook call received' };
				}
			} catch (error) {
				status = 500;
				sent = { message: (error as Error).message };
			}
			answers.push({ status, body: sent, started });
			response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(sent ?? {}));
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(options.credentials),
		variables: {},
		...INSTANCE_URLS,
		webhookBaseUrl: base,
	};
	const webhookData: IWebhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: String(webhookDescription.path),
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData as unknown as IWorkflowExecuteAdditionalData,
		webhookId: node.webhookId,
	};
	const hook = (activation: 'activate' | 'init' | 'update') =>
		new HookContext(workflow, node, additionalData as unknown as IWorkflowExecuteAdditionalData, 'webhook', activation, webhookData);

	const activate = async () => {
		const context = hook('activate');
		if (!(await lifecycle.checkExists.call(context))) await lifecycle.create.call(context);
	};
	await activate();
	return {
		url: `${base}/${node.webhookId}/${webhookDescription.path}`,
		executions,
		answers,
		staticData: () => workflow.getStaticData('node', node),
		activate,
		setParameters: (parameters) => {
			node.parameters = parameters;
		},
		deactivate: async () => {
			await lifecycle.delete.call(hook('update'));
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
