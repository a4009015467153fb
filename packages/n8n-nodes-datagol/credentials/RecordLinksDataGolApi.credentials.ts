import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { dataGolApiRoot } from '../nodes/DataGol/vendor';
import { bareToken, refusedCredentialRule, withApiRoot, withHeaders } from '@record-links/engine';

export class RecordLinksDataGolApi implements ICredentialType {
	name = 'recordLinksDataGolApi';

	displayName = 'DataGOL API';

	icon: Icon = { light: 'file:../icons/datagol.svg', dark: 'file:../icons/datagol.dark.svg' };

	documentationUrl = 'https://docs.datagol.ai/docs/Reference%20guides/workbook-api-reference';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://be.datagol.ai',
			placeholder: 'https://be.datagol.ai',
			description: 'The DataGOL API address; change it for a self-hosted DataGOL',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A service-account token (Account → Team → Service Accounts), or a user JWT with "Send Token As" set to Bearer. Pasting it with a leading "Bearer " works too.',
		},
		{
			displayName: 'Send Token As',
			name: 'authHeader',
			type: 'options',
			default: 'xAuthToken',
			options: [
				{
					name: 'X-Auth-Token: <token>',
					value: 'xAuthToken',
					description: 'For service-account tokens, as DataGOL\'s API guide and DataGOL\'s own n8n node send them',
				},
				{
					name: 'Authorization: Bearer <token>',
					value: 'bearer',
					description: 'For a user JWT, as DataGOL\'s API reference shows',
				},
			],
			description: 'Which header carries the token',
		},
	];

	// One header, named by the choice above (x-auth-token unless Bearer was chosen); a token pasted as "Bearer …" is sent once.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const token = bareToken(credentials.token);
		return withHeaders(
			withApiRoot(requestOptions, () => dataGolApiRoot(credentials)),
			credentials.authHeader === 'bearer' ? { Authorization: `Bearer ${token}` } : { 'x-auth-token': token },
		);
	}

	test: ICredentialTestRequest = {
		// The API root comes from `authenticate`, by the node's own rule.
		request: {
			url: '/noCo/api/v2/workspaces',
			method: 'GET',
		},
		rules: [refusedCredentialRule('DataGOL refused the token (HTTP 401): check the Token and the Base URL')],
	};
}
