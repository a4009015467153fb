import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executeLinkNode, linkNodeDescription, operationSubtitle } from '@record-links/engine';
import { dataGolMethods } from './methods';
import { dataGolOperations } from './actions';
import { dataGol } from './vendor';

export class DataGol implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DataGOL',
		name: 'dataGol',
		icon: { light: 'file:../../icons/datagol.svg', dark: 'file:../../icons/datagol.dark.svg' },
		description: 'Link, unlink, list and set the links of DataGOL records through a LINK column, many pairs per request',
		subtitle: operationSubtitle(dataGolOperations),
		defaults: { name: 'DataGOL' },
		usableAsTool: true,
		...linkNodeDescription(dataGol, dataGolOperations),
	};

	// The pickers of Workspace ID, Workbook ID and Link Column ID.
	methods = dataGolMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, dataGol, dataGolOperations);
	}
}
