import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { arrayIn, currentText, isObject, listFromVendor, listProblem, searchItems, textField } from '@record-links/engine';
import { envelope, fairCom } from './vendor';

/**
 * The label pickers: `listLabels` (api admin) with the credential alone. With username and
 * password the picker opens a session of its own and ends it afterwards; with a given authToken the
 * credential adds the token and no session is opened or ended.
 */

interface Label {
	group: string;
	name: string;
	deprecated: boolean;
}

async function readLabels(context: ILoadOptionsFunctions): Promise<Label[]> {
	const body = await listFromVendor(context, fairCom, async ({ send }) => {
		const response = await send((session) => envelope('admin', 'listLabels', {}, session), true);
		return response.body;
	});
	// FairCom does not publish listLabels' answer: the labels are read where they plausibly are.
	const result = isObject(body) ? body.result : undefined;
	const entries = arrayIn(result, 'labels', 'data');
	if (!entries) {
		throw listProblem(
			context,
			'No list of labels found in FairCom\'s listLabels answer',
			'This server answers listLabels in a shape the node cannot read. Switch the field to "By Name" and type the label\'s group and name.',
		);
	}
	return entries.filter(isObject).flatMap((entry): Label[] => {
		const name = textField(entry, 'name');
		if (!name) return [];
		return [{ group: textField(entry, 'group') ?? '', name, deprecated: entry.deprecated === true }];
	});
}

async function searchLabelGroups(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const labels = await readLabels(this);
	const groups = [...new Set(labels.map((label) => label.group).filter((group) => group !== ''))];
	if (groups.length === 0) {
		throw listProblem(
			this,
			'FairCom has no label groups',
			labels.length > 0
				? 'Every label on this server is without a group: leave Group empty.'
				: 'This server has no labels yet. Type the group, or create labels in FairCom first.',
		);
	}
	return { results: searchItems(groups.map((group) => ({ name: group, value: group })), filter) };
}

async function searchLabels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const labels = await readLabels(this);
	// '&group': the Group of the label entry this picker belongs to.
	const group = currentText(this, '&group');
	// A chosen group lists its labels; no group lists the labels without one; a group that is an
	// expression lists them all (the group then comes from the expression when the node runs).
	const shown = group === undefined ? labels : labels.filter((label) => label.group === group);
	if (shown.length === 0) {
		throw listProblem(
			this,
			group ? 'No labels in this group' : 'No labels without a group',
			group
				? `The group "${group}" has no labels. Choose another group, or switch Name to "By Name" and type it.`
				: labels.length > 0
					? 'Every label on this server is in a group: choose the Group first, then the name.'
					: 'This server has no labels yet. Switch Name to "By Name" and type it, or create labels in FairCom first.',
		);
	}
	const results = shown.map(
		(label): INodeListSearchItems => ({
			name: `${label.group ? `${label.group} › ` : ''}${label.name}${label.deprecated ? ' (deprecated)' : ''}`,
			value: label.name,
		}),
	);
	return { results: searchItems(results, filter) };
}

export const fairComMethods = {
	listSearch: { searchLabelGroups, searchLabels },
};
