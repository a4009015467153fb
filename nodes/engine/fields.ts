import type { INodeProperties } from 'n8n-workflow';

import { UUID_PATTERN } from './validation';

interface ById {
	placeholder: string;
	/** What "By ID" accepts, as a regular expression's source (n8n adds ^ and $ itself). */
	pattern?: string;
	errorMessage?: string;
}

/**
 * A resource locator's modes: "From List" (a searchable list read by `searchListMethod`), or "By ID"
 * (a pasted ID, or an expression checked per item when the node runs). By ID takes a UUID unless
 * another pattern is given; spaces around it are allowed, as the node trims them.
 */
export function pickerModes(searchListMethod: string, listPlaceholder: string, byId: ById): Pick<INodeProperties, 'modes'> {
	const {
		placeholder,
		pattern = UUID_PATTERN,
		errorMessage = 'Not a UUID (such as 21224153-2f85-4b24-a306-4cfbc7e73f70)',
	} = byId;
	return {
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', placeholder: listPlaceholder, typeOptions: { searchListMethod, searchable: true } },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder,
				validation: [{ type: 'regex', properties: { regex: `\\s*${pattern}\\s*`, errorMessage } }],
			},
		],
	};
}
