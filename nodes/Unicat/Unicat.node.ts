import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeLinkNode } from '../engine';
import { link } from './link';
import { unlink } from './unlink';
import { unicat } from './vendor';

export class Unicat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Unicat',
		name: 'unicat',
		icon: { light: 'file:../../icons/unicat.svg', dark: 'file:../../icons/unicat.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "unlink" ? "Unlink" : "Link" }}',
		description: 'Create linked copies of Unicat records, or make a linked copy independent',
		defaults: { name: 'Unicat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'recordLinksUnicatApi', required: true }],
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
						description:
							'Create a linked copy of a record under a parent; every run makes a new copy',
						action: 'Create a linked copy of a record',
					},
					{
						name: 'Unlink',
						value: 'unlink',
						description:
							'Make a linked copy independent (its canonical becomes itself). Not an undo of Link: the copy stays.',
						action: 'Make a linked copy independent',
					},
				],
			},
			...link.properties,
			...unlink.properties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, unicat, [link, unlink]);
	}
}
