import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
					description: 'Log in once per execution and end the session when the node finishes',
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
			// n8n runs preAuthentication on every credential test, and otherwise only while this field
			// is empty: it never is, so node runs never call it (see preAuthentication).
			displayName: 'Login Check',
			name: 'loginCheck',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: 'not-used-by-runs',
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
		return { ...requestOptions, body: envelope };
	}

	/**
	 * The credential test's strict half. FairCom documents neither the code nor the HTTP status of a
	 * refused login, and n8n's declarative test rules can only compare one field with one value, so
	 * the login is checked here: it passes only on errorCode 0 with a token (a given token: errorCode
	 * 0 from pingSession). The test's own session is ended at once. Nothing is stored (no `loginCheck`
	 * in the output), and node runs never get here (see the Login Check field).
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const call = async (body: IDataObject): Promise<IDataObject> => {
			const answer: unknown = await this.helpers.httpRequest({
				method: 'POST',
				url: String(credentials.endpoint ?? '').trim().replace(/\/+$/, ''),
				body,
				json: true,
				ignoreHttpStatusErrors: true,
				skipSslCertificateValidation: credentials.ignoreSslIssues === true,
				timeout: 30_000,
			});
			return isObject(answer) ? answer : {};
		};
		const refused = (answer: IDataObject, what: string) =>
			new Error(
				`${what}: ${answer.errorCode === undefined ? 'the answer is not a FairCom JSON action response (check the endpoint URL)' : `FairCom error ${String(answer.errorCode)}: ${String(answer.errorMessage ?? '') || 'no message given'}`}`,
			);
		if (credentials.authentication === 'authToken') {
			const answer = await call({ api: 'admin', action: 'pingSession', authToken: String(credentials.authToken ?? '').trim() });
			if (answer.errorCode !== 0) throw refused(answer, 'The auth token does not name an active FairCom session');
			return {};
		}
		const answer = await call({
			api: 'admin',
			action: 'createSession',
			params: { username: credentials.username, password: credentials.password, description: 'n8n credential test' },
		});
		const result = isObject(answer.result) ? answer.result : {};
		const token = result.authToken ?? answer.authToken;
		if (answer.errorCode !== 0 || typeof token !== 'string' || token === '') throw refused(answer, 'FairCom refused the login');
		await call({ api: 'admin', action: 'deleteSession', authToken: token });
		return {};
	}

	/** After the strict login check (preAuthentication): the endpoint answers as FairCom's JSON action API. */
	test: ICredentialTestRequest = {
		request: {
			url: '={{$credentials.endpoint.trim().replace(/\\/+$/, "")}}',
			method: 'POST',
			json: true,
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues === true}}',
			body: { api: 'admin', action: 'pingSession', params: {} },
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
				properties: { key: 'errorCode', value: undefined, message: 'The endpoint did not answer as FairCom\'s JSON action API: check the URL' },
			},
		],
	};
}
