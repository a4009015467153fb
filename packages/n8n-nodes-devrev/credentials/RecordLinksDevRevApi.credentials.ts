import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { devRevApiRoot } from '../nodes/DevRev/vendor';
import { bareToken, refusedCredentialRule, withApiRoot, withHeaders } from '@record-links/engine';

export class RecordLinksDevRevApi implements ICredentialType {
	name = 'recordLinksDevRevApi';

	displayName = 'DevRev API';

	icon: Icon = { light: 'file:../icons/devrev.svg', dark: 'file:../icons/devrev.dark.svg' };

	documentationUrl = 'https://developer.devrev.ai/about/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Personal Access Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A DevRev personal access token (Settings → Account → Personal Access Token). Pasting it with a leading "Bearer " works too.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.devrev.ai',
			placeholder: 'https://api.devrev.ai',
			description: 'The DevRev API address; change it only for a regional or test endpoint',
		},
	];

	// A token pasted as "Bearer …" is sent once, not as "Bearer Bearer …".
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withHeaders(withApiRoot(requestOptions, () => devRevApiRoot(credentials)), {
			Authorization: `Bearer ${bareToken(credentials.token)}`,
		});
	}

	test: ICredentialTestRequest = {
		// The API root comes from `authenticate`, by the node's own rule.
		request: {
			url: '/dev-users.self',
			method: 'GET',
		},
		rules: [refusedCredentialRule('DevRev refused the token (HTTP 401): check the Personal Access Token')],
	};
}
