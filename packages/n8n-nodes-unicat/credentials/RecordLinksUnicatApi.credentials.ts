import type {
	IHttpRequestMethods,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	IDataObject,
	IHttpRequestHelper,
	IN8nHttpFullResponse,
	INodeProperties,
} from 'n8n-workflow';

import { unicatApiRoot } from '../nodes/Unicat/vendor';
import { bareToken, withApiRoot, withHeaders } from '@record-links/engine';

/** The JWT from an `Authorization` response header (Unicat sends it bare; a `Bearer ` prefix is tolerated). */
function jwtFromHeaders(headers: IN8nHttpFullResponse['headers'] | undefined): string | undefined {
	const value = headers?.authorization ?? headers?.Authorization;
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string') return undefined;
	const jwt = text.trim().replace(/^bearer\s+/i, '');
	return jwt === '' ? undefined : jwt;
}

/**
 * A failed login, shaped like an HTTP client error (`response.status`, `response.data`) so n8n and
 * the node treat it as Unicat's answer: a 401 makes n8n try once more, anything else is reported
 * with Unicat's own message. It never carries the request (and so never the API key).
 */
function loginError(status: number, body: unknown): Error {
	const result = (body as { result?: { code?: unknown; message?: unknown; info?: unknown } } | undefined)?.result;
	const reason = typeof result?.message === 'string' && result.message !== '' ? result.message : `HTTP ${status}`;
	const message = `Logging in to Unicat with the API key failed: ${reason}`;
	return Object.assign(new Error(message), {
		response: {
			status,
			headers: {},
			data: {
				success: false,
				result: { code: typeof result?.code === 'number' ? result.code : status, message, info: result?.info ?? {} },
				data: {},
			},
		},
	});
}

export class RecordLinksUnicatApi implements ICredentialType {
	name = 'recordLinksUnicatApi';

	displayName = 'Unicat API';

	icon: Icon = { light: 'file:../icons/unicat.svg', dark: 'file:../icons/unicat.dark.svg' };

	documentationUrl = 'https://docs.unicat.app/api/reference/p/auth';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://unicat.app',
			placeholder: 'https://unicat.app',
			description: 'The Unicat server; change it only for a private installation',
		},
		{
			displayName: 'Project GID',
			name: 'projectGid',
			type: 'string',
			default: '',
			required: true,
			placeholder: '84a1b5e4-fb5d-4ad6-a497-a3cf7eaf29b1',
			description:
				'The project the API key belongs to. Project settings → API user shows it beside the API key.',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			default: 'apiKey',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'Log in with the project API user\'s key; n8n logs in again when the JWT expires',
				},
				{
					name: 'JSON Web Token',
					value: 'jwt',
					description: 'Use a JWT you already have; no login is made, and an expired JWT fails with 401',
				},
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['apiKey'] } },
			description: 'The API key of the project\'s API user (Project settings → API user)',
		},
		{
			displayName: 'JSON Web Token',
			name: 'jwtToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['jwt'] } },
			description: 'A Unicat JWT for this project (a leading "Bearer " is ignored)',
		},
		{
			// Filled by preAuthentication; n8n empties it (and logs in again) when Unicat answers 401.
			displayName: 'Session JWT',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/**
	 * Logs in with the API key (`POST /api/p/{project}/auth`); Unicat returns the JWT in the
	 * `Authorization` response header. n8n calls this when the stored JWT is empty or rejected.
	 * With a pasted JWT there is nothing to do.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		if (credentials.authMethod === 'jwt') return {};
		const apiRoot = unicatApiRoot(credentials);
		const apiKey = String(credentials.apiKey ?? '').trim();
		if (apiKey === '') throw new Error('The Unicat credential has no API key');
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${apiRoot}/auth`,
				body: { api_key: apiKey },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 30_000,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			// A network failure: keep only its code (the client's error holds the request, and so the key).
			const code = (error as { code?: unknown }).code;
			throw Object.assign(new Error(`Could not reach Unicat to log in${typeof code === 'string' ? ` (${code})` : ''}`), {
				...(typeof code === 'string' ? { code } : {}),
			});
		}
		if (response.statusCode < 200 || response.statusCode >= 300) throw loginError(response.statusCode, response.body);
		const jwt = jwtFromHeaders(response.headers);
		// Treated like a refused login (401): n8n tries once more, then the item fails without a retry.
		if (!jwt) throw loginError(401, { result: { message: 'Unicat answered without a JWT in the Authorization header' } });
		return { sessionToken: jwt };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const jwt = credentials.authMethod === 'jwt' ? bareToken(credentials.jwtToken) : String(credentials.sessionToken ?? '');
		return withHeaders(withApiRoot(requestOptions, () => unicatApiRoot(credentials)), { Authorization: `Bearer ${jwt}` });
	}

	/**
	 * With an API key: a login (`POST …/auth`) with the key as it is now, so a wrong key fails even
	 * while an earlier JWT is still stored (n8n keeps it when the key is edited). With a pasted JWT:
	 * `GET …/init`, Unicat's documented cheap authenticated read for a project.
	 */
	test: ICredentialTestRequest = {
		// The project's API root comes from `authenticate`, by the node's own rule.
		request: {
			url: '={{$credentials.authMethod === "jwt" ? "/init" : "/auth"}}',
			// n8n resolves every field of a test request as an expression, the method too.
			method: '={{$credentials.authMethod === "jwt" ? "GET" : "POST"}}' as IHttpRequestMethods,
			body: '={{$credentials.authMethod === "jwt" ? undefined : { api_key: $credentials.apiKey.trim() } }}',
			json: true,
		},
	};
}
