import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executeLinkNode, linkNodeDescription, operationSubtitle } from '@record-links/engine';
import { unicatOperations } from './actions';
import { unicat } from './vendor';

export class Unicat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Unicat',
		name: 'unicat',
		icon: { light: 'file:../../icons/unicat.svg', dark: 'file:../../icons/unicat.dark.svg' },
		description: 'Create linked copies of Unicat records, or make a linked copy independent',
		subtitle: operationSubtitle(unicatOperations),
		defaults: { name: 'Unicat' },
		usableAsTool: true,
		...linkNodeDescription(unicat, unicatOperations),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, unicat, unicatOperations);
	}
}
