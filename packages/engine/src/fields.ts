import type { INodeProperties } from 'n8n-workflow';

import { UUID_PATTERN } from './validation';

interface ById {
	placeholder: string;
	/** A typed name (mode "By Name", anything goes) instead of an ID. */
	byName?: boolean;
	/** What "By ID" accepts, as a regular expression's source (n8n adds ^ and $ itself). */
	pattern?: string;
	errorMessage?: string;
}

/**
 * A resource locator's modes: "From List" (a searchable list read by `searchListMethod`), or "By ID"
 * (a pasted ID, or an expression checked per item when the node runs). By ID takes a UUID unless
 * another pattern is given; spaces around it are allowed, as the node trims them. With `byName`
 * the second mode is "By Name", a typed name.
 */
export function pickerModes(searchListMethod: string, listPlaceholder: string, byId: ById): Pick<INodeProperties, 'modes'> {
	const {
		placeholder,
		byName = false,
		pattern = UUID_PATTERN,
		errorMessage = 'Not a UUID (such as 21224153-2f85-4b24-a306-4cfbc7e73f70)',
	} = byId;
	// The modes stand inside `modes` literals: n8n's lint takes any other such object for a parameter.
	const fromList = { searchListMethod, searchable: true };
	if (byName) {
		return {
			modes: [
				{ displayName: 'From List', name: 'list', type: 'list', placeholder: listPlaceholder, typeOptions: fromList },
				{ displayName: 'By Name', name: 'name', type: 'string', placeholder },
			],
		};
	}
	return {
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', placeholder: listPlaceholder, typeOptions: fromList },
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
