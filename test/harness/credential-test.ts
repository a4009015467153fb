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

/** Resolves expressions inside objects and arrays too, as n8n's routing node does for `test.request`. */
function resolveDeep(value: unknown, credentials: ICredentialDataDecryptedObject, workflow: Workflow): unknown {
	if (Array.isArray(value)) return value.map((entry) => resolveDeep(entry, credentials, workflow));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, resolveDeep(entry, credentials, workflow)]));
	}
	return resolve(value, credentials, workflow);
}

/** lodash `get` for the dotted keys of `responseSuccessBody` rules. */
function valueAt(body: unknown, path: string): unknown {
	return path
		.split(/[.[\]]+/)
		.filter(Boolean)
		.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), body);
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
		method: (resolve(test.request.method ?? 'GET', credentials, workflow) as IHttpRequestOptions['method']) ?? 'GET',
		url: `${String(resolve(test.request.baseURL ?? '', credentials, workflow))}${String(resolve(test.request.url ?? '', credentials, workflow))}`,
		body: resolveDeep(test.request.body, credentials, workflow) as IHttpRequestOptions['body'],
		headers: {},
	};
	const authenticated = await applyAuthentication(credentialType, credentials, request, workflow, testNode);
	const headers = { ...(authenticated.headers as Record<string, string>) };
	// `auth` (HTTP Basic) becomes an Authorization header, as n8n's HTTP client (axios) does.
	if (authenticated.auth) {
		const { username = '', password = '' } = authenticated.auth;
		headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
	}
	if (authenticated.body) headers['content-type'] ??= 'application/json';
	const response = await fetch(authenticated.url, {
		method: authenticated.method,
		headers,
		body: authenticated.body ? JSON.stringify(authenticated.body) : undefined,
	});
	// As n8n's credential tester: `responseCode` rules name an error status, any other error status
	// fails; on success a `responseSuccessBody` rule whose key holds its value fails the test.
	if (response.status >= 400) {
		const rule = test.rules?.find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === response.status);
		return { ok: false, status: response.status, message: rule ? String(rule.properties.message) : await response.text() };
	}
	const text = await response.text();
	let body: unknown = text;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON: rules see the text
	}
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && valueAt(body, String(rule.properties.key)) === rule.properties.value) {
			return { ok: false, status: response.status, message: String(rule.properties.message) };
		}
	}
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
	// As n8n's httpRequest: `ignoreHttpStatusErrors` hands any status back instead of throwing.
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		throw Object.assign(new Error(`Request failed with status ${response.status}`), { status: response.status, body });
	}
	if (options.returnFullResponse) {
		return { statusCode: response.status, headers: Object.fromEntries(response.headers), body };
	}
	return body;
}
