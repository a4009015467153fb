import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { tulipApiRoot } from '../nodes/Tulip/vendor';
import { refusedCredentialRule, withApiRoot } from '@record-links/engine';

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
			...withApiRoot(requestOptions, () => tulipApiRoot(credentials)),
			auth: { username: String(credentials.apiKey ?? '').trim(), password: String(credentials.apiSecret ?? '') },
		};
	}

	test: ICredentialTestRequest = {
		// The API root comes from `authenticate`, by the node's own rule.
		request: {
			url: '/tables',
			method: 'GET',
		},
		rules: [refusedCredentialRule('Tulip refused the API key (HTTP 401): check the API Key and the API Secret')],
	};
}
