import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeLinkNode } from '../engine';
import { fairComMethods } from './methods';
import { link, linkOptions, sharedProperties, unlink, unlinkOptions } from './operations';
import { fairCom } from './vendor';

export class FairCom implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FairCom',
		name: 'fairCom',
		icon: { light: 'file:../../icons/faircom.svg', dark: 'file:../../icons/faircom.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "unlink" ? "Unlink Labels From Records" : "Link Labels to Records" }}',
		description: 'Link and unlink FairCom labels to and from table records',
		defaults: { name: 'FairCom' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'recordLinksFairComApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'link',
				options: [
					{
						name: 'Link Labels to Records',
						value: 'link',
						description: 'Link labels to records of a table (linkLabelsToRecords); already linked pairs give a warning',
						action: 'Link labels to records',
					},
					{
						name: 'Unlink Labels From Records',
						value: 'unlink',
						description: 'Remove labels from records of a table (unlinkLabelsFromRecords); pairs not linked are no error',
						action: 'Unlink labels from records',
					},
				],
			},
			...sharedProperties,
			linkOptions,
			unlinkOptions,
		],
	};

	// The pickers of a label's Group and Name.
	methods = fairComMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeLinkNode(this, fairCom, [link, unlink]);
	}
}
