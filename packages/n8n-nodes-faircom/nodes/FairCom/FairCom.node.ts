import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executeLinkNode, linkNodeDescription, operationSubtitle } from '@record-links/engine';
import { fairComMethods } from './methods';
import { fairComOperations } from './actions';
import { fairCom } from './vendor';

export class FairCom implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FairCom',
		name: 'fairCom',
		icon: { light: 'file:../../icons/faircom.svg', dark: 'file:../../icons/faircom.dark.svg' },
		description: 'Link, unlink, list and set FairCom labels of table records',
		subtitle: operationSubtitle(fairComOperations),
		defaults: { name: 'FairCom' },
		usableAsTool: true,
		...linkNodeDescription(fairCom, fairComOperations),
	};

	// The pickers of a label's Group and Name.
	methods = fairComMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, fairCom, fairComOperations);
	}
}
