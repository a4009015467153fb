import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The API root as an expression, the same as the node's `tulipApiRoot`: a pasted URL with or without
 * a trailing slash, `/api/v3` or `/api/v3/w/<workspace>` gives `<instance>/api/v3[/w/<workspace>]`.
 */
const URL_PASTED = '$credentials.instanceUrl.trim().replace(/\\/+$/, "")';
const WORKSPACE_IN_URL = `(${URL_PASTED}.match(/\\/api\\/v3\\/w\\/([^/?#]+)/i) || [])[1]`;
const API_ROOT =
	'={{' +
	`(/^https?:\\/\\//i.test(${URL_PASTED}) ? "" : "https://") + ` +
	`${URL_PASTED}.replace(/\\/api\\/v3(\\/.*)?$/i, "") + "/api/v3" + ` +
	`(String($credentials.workspaceId || "").trim() ? "/w/" + encodeURIComponent(String($credentials.workspaceId).trim()) ` +
	`: (${WORKSPACE_IN_URL} ? "/w/" + ${WORKSPACE_IN_URL} : ""))` +
	'}}';

export class RecordLinksTulipApi implements ICredentialType {
	name = 'recordLinksTulipApi';

	displayName = 'Tulip API';

	icon: Icon = { light: 'file:../icons/tulip.svg', dark: 'file:../icons/tulip.dark.svg' };

	documentationUrl = 'https://support.tulip.co/docs/set-up-a-tulip-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Instance URL',
			name: 'instanceUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://your-instance.tulip.co',
			description: 'Your Tulip instance\'s address; a pasted API URL ending in /api/v3 works too',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'apikey.2_…',
			description: 'The API token\'s key (sent as the Basic auth user name). Needs the tables:write scope to link.',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API token\'s secret (sent as the Basic auth password)',
		},
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			default: '',
			placeholder: 'DEFAULT',
			description:
				'For API keys made at account level: the workspace to use (usually DEFAULT); requests then go to /api/v3/w/{workspace}/…. Leave empty for a workspace-level key.',
		},
	];

	// HTTP Basic: the API key is the user name, the secret the password.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			auth: { username: String(credentials.apiKey ?? '').trim(), password: String(credentials.apiSecret ?? '') },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: API_ROOT,
			url: '/tables',
			method: 'GET',
		},
	};
}
