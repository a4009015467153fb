import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeLinkNode } from '../engine';
import { link } from './link';
import { unlink } from './unlink';
import { devRev } from './vendor';

export class DevRev implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DevRev',
		name: 'devRev',
		icon: { light: 'file:../../icons/devrev.svg', dark: 'file:../../icons/devrev.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "unlink" ? "Unlink" : "Link" }}',
		description: 'Link and unlink DevRev objects such as issues, tickets and parts',
		defaults: { name: 'DevRev' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'recordLinksDevRevApi', required: true }],
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
						description: 'Create a link between two objects',
						action: 'Link two objects',
					},
					{
						name: 'Unlink',
						value: 'unlink',
						description: 'Delete a link, by its ID or by its ends',
						action: 'Unlink two objects',
					},
				],
			},
			...link.properties,
			...unlink.properties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, devRev, [link, unlink]);
	}
}
