import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executeLinkNode, linkNodeDescription, operationSubtitle } from '@record-links/engine';
import { tulipMethods } from './methods';
import { tulipOperations } from './actions';
import { tulip } from './vendor';

export class Tulip implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tulip',
		name: 'tulip',
		icon: { light: 'file:../../icons/tulip.svg', dark: 'file:../../icons/tulip.dark.svg' },
		description: 'Link, unlink, list and set the links of Tulip records through a table link, paced to Tulip\'s rate limits',
		subtitle: operationSubtitle(tulipOperations),
		defaults: { name: 'Tulip' },
		usableAsTool: true,
		...linkNodeDescription(tulip, tulipOperations),
	};

	// The picker of Table Link ID.
	methods = tulipMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, tulip, tulipOperations);
	}
}
