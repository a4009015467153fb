import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executeLinkNode, linkNodeDescription, operationSubtitle } from '@record-links/engine';
import { devRevOperations } from './actions';
import { devRev } from './vendor';

export class DevRev implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DevRev',
		name: 'devRev',
		icon: { light: 'file:../../icons/devrev.svg', dark: 'file:../../icons/devrev.dark.svg' },
		description: 'Link, unlink, list and set the links of DevRev objects such as issues, tickets and parts',
		subtitle: operationSubtitle(devRevOperations),
		defaults: { name: 'DevRev' },
		usableAsTool: true,
		...linkNodeDescription(devRev, devRevOperations),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, devRev, devRevOperations);
	}
}
