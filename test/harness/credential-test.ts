/**
 * Runs a credential type's `test` request the way n8n's credential tester does: pre-authentication
 * first (for session credentials), then the request with the credential's `authenticate` applied.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { applyAuthentication, nodeTypeRegistry } from './engine';
import { credentialTypes } from './registry';

export interface CredentialTestResult {
	ok: boolean;
	status?: number;
	message?: string;
}

const testNode: INode = {
	id: 'credential-test',
	name: 'Credential Test',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [0, 0],
	parameters: { temp: '' },
};

function resolve(value: unknown, credentials: ICredentialDataDecryptedObject, workflow: Workflow): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getSimpleParameterValue(testNode, value, 'internal', { $credentials: credentials }, undefined, '');
}

export async function testCredential(type: string, data: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
	const credentialType = credentialTypes[type];
	const test = credentialType.test;
	if (!test) throw new Error(`${type} has no test`);
	const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: nodeTypeRegistry });
	const credentials = { ...data };
	try {
		if (typeof credentialType.preAuthentication === 'function') {
			const helpers = {
				helpers: {
					httpRequest: async (options: IHttpRequestOptions) => await send(options),
				},
			};
			Object.assign(credentials, await credentialType.preAuthentication.call(helpers as never, credentials));
		}
	} catch (error) {
		return { ok: false, message: (error as Error).message };
	}
	const request: IHttpRequestOptions = {
		method: test.request.method ?? 'GET',
		url: `${String(resolve(test.request.baseURL ?? '', credentials, workflow))}${String(resolve(test.request.url ?? '', credentials, workflow))}`,
		body: test.request.body as IHttpRequestOptions['body'],
		headers: {},
	};
	const authenticated = await applyAuthentication(credentialType, credentials, request, workflow, testNode);
	const response = await fetch(authenticated.url, {
		method: authenticated.method,
		headers: authenticated.headers as Record<string, string>,
		body: authenticated.body ? JSON.stringify(authenticated.body) : undefined,
	});
	if (response.status >= 400) return { ok: false, status: response.status, message: await response.text() };
	return { ok: true, status: response.status };
}

/** A minimal `helpers.httpRequest` for pre-authentication calls. */
async function send(options: IHttpRequestOptions) {
	const url = new URL(options.url, options.baseURL);
	const response = await fetch(url, {
		method: options.method ?? 'GET',
		headers: { 'content-type': 'application/json', ...(options.headers as Record<string, string>) },
		body: options.body ? JSON.stringify(options.body) : undefined,
	});
	const text = await response.text();
	const body = text ? JSON.parse(text) : undefined;
	if (response.status >= 400) throw Object.assign(new Error(`Request failed with status ${response.status}`), { status: response.status, body });
	if (options.returnFullResponse) {
		return { statusCode: response.status, headers: Object.fromEntries(response.headers), body };
	}
	return body;
}
