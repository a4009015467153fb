import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeLinkNode } from '../engine';
import { link } from './link';
import { dataGolMethods } from './methods';
import { unlink } from './unlink';
import { dataGol } from './vendor';

export class DataGol implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DataGOL',
		name: 'dataGol',
		icon: { light: 'file:../../icons/datagol.svg', dark: 'file:../../icons/datagol.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "unlink" ? "Unlink" : "Link" }}',
		description: 'Link and unlink records of DataGOL tables through a LINK column, many pairs per request',
		defaults: { name: 'DataGOL' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'recordLinksDataGolApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'link',
				options: [
					{
						name: 'Link',
						value: 'link',
						description: 'Link a source record to a destination record through a LINK column',
						action: 'Link two records',
					},
					{
						name: 'Unlink',
						value: 'unlink',
						description: 'Remove the link between a source record and a destination record',
						action: 'Unlink two records',
					},
				],
			},
			...link.properties,
			...unlink.properties,
		],
	};

	// The pickers of Workspace ID, Workbook ID and Link Column ID.
	methods = dataGolMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, dataGol, [link, unlink]);
	}
}
