import type { INodeProperties } from 'n8n-workflow';

/** The five pair parameters, shown for one operation (Link and Unlink read the same fields). */
export function pairProperties(operation: 'link' | 'unlink'): INodeProperties[] {
	const displayOptions = { show: { operation: [operation] } };
	const verb = operation === 'link' ? 'link' : 'unlink';
	return [
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '03d079b8-ddbf-4752-926a-8700c4be056c',
			displayOptions,
			description: 'UUID of the DataGOL workspace that holds the table',
		},
		{
			displayName: 'Workbook ID',
			name: 'workbookId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '77b75932-a6f3-405a-aade-fc4bff973858',
			displayOptions,
			description: 'UUID of the source table (workbook) whose link column is changed',
		},
		{
			displayName: 'Link Column ID',
			name: 'linkColumnId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '21224153-2f85-4b24-a306-4cfbc7e73f70',
			displayOptions,
			description: 'UUID of the LINK column in the source table (or the link column of a LookUp column)',
		},
		{
			displayName: 'Source Record ID',
			name: 'sourceRecordId',
			type: 'number',
			required: true,
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			displayOptions,
			description: `Row ID of the record in the source table to ${verb}`,
		},
		{
			displayName: 'Destination Record ID',
			name: 'destinationRecordId',
			type: 'number',
			required: true,
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			displayOptions,
			description: `Row ID of the record in the linked (destination) table to ${verb}`,
		},
	];
}
