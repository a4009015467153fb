import type { INodeProperties } from 'n8n-workflow';

/** A UUID, as n8n checks a resource locator's "By ID" field (it adds ^ and $ itself). */
const UUID_PATTERN = '\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*';

/** A picker's modes: "From List" (searchable), or "By ID" (a pasted UUID, or an expression checked per item when the node runs). */
function pickerModes(searchListMethod: string, listPlaceholder: string, uuidPlaceholder: string): Pick<INodeProperties, 'modes'> {
	return {
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', placeholder: listPlaceholder, typeOptions: { searchListMethod, searchable: true } },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: uuidPlaceholder,
				validation: [{ type: 'regex', properties: { regex: UUID_PATTERN, errorMessage: 'Not a UUID (such as 21224153-2f85-4b24-a306-4cfbc7e73f70)' } }],
			},
		],
	};
}

/** The five pair parameters, shown for one operation (Link and Unlink read the same fields). */
export function pairProperties(operation: 'link' | 'unlink'): INodeProperties[] {
	const displayOptions = { show: { operation: [operation] } };
	const verb = operation === 'link' ? 'link' : 'unlink';
	return [
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			displayOptions,
			description: 'The DataGOL workspace that holds the table',
			...pickerModes('searchWorkspaces', 'Select a workspace...', '03d079b8-ddbf-4752-926a-8700c4be056c'),
		},
		{
			displayName: 'Workbook ID',
			name: 'workbookId',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			displayOptions,
			description: 'The source table (workbook) whose link column is changed; the list shows the chosen workspace\'s tables',
			typeOptions: { loadOptionsDependsOn: ['workspaceId.value'] },
			...pickerModes('searchWorkbooks', 'Select a workbook...', '77b75932-a6f3-405a-aade-fc4bff973858'),
		},
		{
			displayName: 'Link Column ID',
			name: 'linkColumnId',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			displayOptions,
			description:
				'The LINK column of the source table (or the link column of a LookUp column); the list shows the chosen workbook\'s LINK columns',
			typeOptions: { loadOptionsDependsOn: ['workspaceId.value', 'workbookId.value'] },
			...pickerModes('searchLinkColumns', 'Select a link column...', '21224153-2f85-4b24-a306-4cfbc7e73f70'),
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
