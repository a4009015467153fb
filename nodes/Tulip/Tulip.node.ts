import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeLinkNode } from '../engine';
import { link } from './link';
import { tulipMethods } from './methods';
import { unlink } from './unlink';
import { tulip } from './vendor';

export class Tulip implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tulip',
		name: 'tulip',
		icon: { light: 'file:../../icons/tulip.svg', dark: 'file:../../icons/tulip.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "unlink" ? "Unlink" : "Link" }}',
		description: 'Link and unlink records of Tulip tables through a table link, paced to Tulip\'s rate limit',
		defaults: { name: 'Tulip' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'recordLinksTulipApi', required: true }],
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
						description: 'Link a record of the left table to a record of the right table',
						action: 'Link two records',
					},
					{
						name: 'Unlink',
						value: 'unlink',
						description: 'Remove the link between two records',
						action: 'Unlink two records',
					},
				],
			},
			...link.properties,
			...unlink.properties,
		],
	};

	// The picker of Table Link ID.
	methods = tulipMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, tulip, [link, unlink]);
	}
}
