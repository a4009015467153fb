import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { NodeOperation, Vendor } from './types';

/**
 * What every link node's description has in common, derived from its operations: the Operation
 * field, each operation's fields (a field several operations share is declared once and shown for
 * all of them), the credential, and a regular node's inputs and outputs. The node file keeps the
 * literal fields n8n's lint reads (name, display name, icon, description, usableAsTool) and the
 * subtitle (`operationSubtitle`).
 */
export function linkNodeDescription(
	vendor: Vendor,
	operations: NodeOperation[],
): Pick<INodeTypeDescription, 'group' | 'version' | 'inputs' | 'outputs' | 'credentials' | 'properties'> {
	const options: INodePropertyOptions[] = operations.map((operation) => ({
		name: operation.label,
		value: operation.name,
		description: operation.description,
		action: operation.action,
	}));
	// A plain name: n8n's node-param-default-missing rule reads `operations[0].name` as missing.
	const [{ name: firstOperation }] = operations;
	return {
		group: ['transform'],
		version: 1,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: vendor.credentialType, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: firstOperation,
				options,
			},
			...operationFields(operations),
		],
	};
}

/** Every operation's fields in order, each once, shown for the operations that read it. */
function operationFields(operations: NodeOperation[]): INodeProperties[] {
	const shownFor = new Map<INodeProperties, string[]>();
	for (const operation of operations) {
		for (const property of operation.properties) shownFor.set(property, [...(shownFor.get(property) ?? []), operation.name]);
	}
	return [...shownFor].map(([property, names]) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { operation: names, ...property.displayOptions?.show },
		},
	}));
}

/** The node's subtitle on the canvas: the chosen operation's label. */
export function operationSubtitle(operations: NodeOperation[]): string {
	const last = operations[operations.length - 1];
	const choices = operations
		.slice(0, -1)
		.map((operation) => `$parameter["operation"] === ${JSON.stringify(operation.name)} ? ${JSON.stringify(operation.label)} : `)
		.join('');
	return `={{ ${choices}${JSON.stringify(last.label)} }}`;
}
