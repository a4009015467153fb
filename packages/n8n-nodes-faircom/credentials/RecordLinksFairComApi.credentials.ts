import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { fairComEndpoint } from '../nodes/FairCom/vendor';
import { withApiRoot } from '@record-links/engine';

function isEnvelope(body: unknown): body is IDataObject {
	return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as IDataObject).action === 'string';
}

export class RecordLinksFairComApi implements ICredentialType {
	name = 'recordLinksFairComApi';

	displayName = 'FairCom API';

	icon: Icon = { light: 'file:../icons/faircom.svg', dark: 'file:../icons/faircom.dark.svg' };

	documentationUrl = 'https://documentation.faircom.com/sessions-and-services-api-actions/createsession';

	properties: INodeProperties[] = [
		{
			displayName: 'Endpoint URL',
			name: 'endpoint',
			type: 'string',
			default: 'https://localhost:8443/api',
			placeholder: 'https://localhost:8443/api',
			required: true,
			description: 'The FairCom JSON action endpoint (HTTPS port 8443 by default)',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'password',
			options: [
				{
					name: 'Username and Password',
					value: 'password',
					description: 'Log in with a FairCom account; the Session field says how long a session is kept',
				},
				{
					name: 'Existing Auth Token',
					value: 'authToken',
					description: 'Use an authToken from an existing (e.g. permanent) session; the node never ends it',
				},
			],
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Session',
			name: 'session',
			type: 'options',
			default: 'reuse',
			displayOptions: { show: { authentication: ['password'] } },
			options: [
				{
					name: 'Reuse',
					value: 'reuse',
					description:
						'One session serves every execution in this n8n process (one call per execution); it stays open on the server until it idles out',
				},
				{
					name: 'One per Execution, Ended Every Time',
					value: 'perExecution',
					description: 'Each execution logs in and ends its session when the node finishes (two more calls per execution)',
				},
			],
		},
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['authToken'] } },
			description: 'The authToken of an existing FairCom session',
		},
		{
			displayName: 'Ignore SSL Issues',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server\'s TLS certificate cannot be verified (FairCom servers often use a self-signed one)',
		},
	];

	/**
	 * FairCom takes its secrets in the JSON body, so this is the one place they enter a request:
	 * the username and password go into a createSession's params; a given authToken goes into every
	 * other envelope that does not carry a session token already.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { body } = requestOptions;
		if (!isEnvelope(body)) return requestOptions;
		const envelope: IDataObject = { ...body };
		if (credentials.authentication === 'authToken') {
			if (envelope.action !== 'createSession' && envelope.authToken === undefined) {
				envelope.authToken = String(credentials.authToken ?? '').trim();
			}
		} else if (envelope.api === 'admin' && envelope.action === 'createSession') {
			envelope.params = {
				...(envelope.params as IDataObject | undefined),
				username: credentials.username,
				password: credentials.password,
			};
		}
		return { ...withApiRoot(requestOptions, () => fairComEndpoint(credentials)), body: envelope };
	}

	/**
	 * Logs in (createSession) or, with a given token, reads its session (alterSession with nothing to
	 * change). FairCom documents neither the code nor the HTTP status of a refused login, and n8n's
	 * test rules can only compare one field with one value, so the rule that decides is the one both
	 * documented answers share: a session's `result.authToken`. A refused login or an unknown token has
	 * none, so the test passes only when FairCom confirms a session. An HTTP error fails it anyway.
	 */
	test: ICredentialTestRequest = {
		// The endpoint comes from `authenticate`, by the node's own rule.
		request: {
			url: '',
			method: 'POST',
			json: true,
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues === true}}',
			body: {
				api: 'admin',
				action: '={{$credentials.authentication === "authToken" ? "alterSession" : "createSession"}}',
				params: {},
			},
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errorCode',
					value: 12031,
					message: 'The auth token does not match any active FairCom session: it is wrong or has expired',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'result.authToken',
					value: undefined,
					message: 'FairCom did not confirm a session: check the username and password (or the auth token), and the endpoint URL',
				},
			},
		],
	};
}
