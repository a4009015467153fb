/**
 * Set Labels of Records: reads the records' labels of the Label Groups with getLabelsLinkedToRecordIds
 * (as Get Labels of Records), then sends only the changes, grouped by label, through Unlink
 * (unlinkLabelsFromRecords) and Link (linkLabelsToRecords), removals first: each a POST to the one
 * JSON action endpoint, all of them idempotent.
 */
import { z } from 'zod';

import type { LinkChange, LinkRead, SetLinksOperation } from '@record-links/engine';
import { optionsCollection, reconcileOptionFields } from '@record-links/engine';
import { fairCom } from '../vendor';
import type { LabelParams } from './fields';
import { groupsSchema, idsSchema, labelArray, labelList, labelsRead, linkField, nameText, ONE_PAGE, optionalName, readRequest } from './fields';
import { link } from './link.operation';
import { unlink } from './unlink.operation';

const setLinksSchema = z
	.object({
		labels: z.preprocess(labelList, labelArray(0)),
		tableName: nameText(),
		ids: idsSchema,
		databaseName: optionalName(),
		ownerName: optionalName(),
		verifyLinks: z.boolean({ invalid_type_error: 'must be true or false' }).default(true),
		groups: groupsSchema.refine((groups) => groups.length > 0, 'must name at least one label group: only labels of these groups are changed'),
	})
	.superRefine((params, context) => {
		const groups = new Set(params.groups);
		params.labels.forEach((label, index) => {
			if (label.group && groups.has(label.group)) return;
			const which = label.group ? `is of group "${label.group}"` : 'has no group';
			context.addIssue({
				code: 'custom',
				path: ['labels', index],
				message: `"${label.name}" ${which}, which is not one of the Label Groups (${params.groups.join(', ')}): only labels of those groups can be set`,
			});
		});
	});

type SetLinksParams = z.infer<typeof setLinksSchema>;

const KEY_SEPARATOR = '\u0000';

/** A (record, label) pair as Set Links keys it. */
const pairKey = (id: number, group: string, name: string) => [String(id), group, name].join(KEY_SEPARATOR);

function splitKey(key: string): { id: number; group: string; name: string } {
	const [id, group, ...name] = key.split(KEY_SEPARATOR);
	return { id: Number(id), group, name: name.join(KEY_SEPARATOR) };
}

/** Pairs grouped by label, in the order the labels first appear: `{ group, name, ids, keys }`. */
function byLabel(keys: string[]): Array<{ group: string; name: string; ids: number[]; keys: string[] }> {
	const labels = new Map<string, { group: string; name: string; ids: number[]; keys: string[] }>();
	for (const key of keys) {
		const { id, group, name } = splitKey(key);
		const labelKey = JSON.stringify([group, name]);
		let label = labels.get(labelKey);
		if (!label) {
			label = { group, name, ids: [], keys: [] };
			labels.set(labelKey, label);
		}
		label.ids.push(id);
		label.keys.push(key);
	}
	return [...labels.values()];
}

const setLinksRead: LinkRead<SetLinksParams> = {
	pageSize: ONE_PAGE,
	request: (params, _page, token) => readRequest(params, token),
	page(response, params) {
		// The scope: labels of the Label Groups; a label of any other group (or none) is never read, so never removed.
		const groups = new Set(params.groups);
		const links = labelsRead(response.body, params.ids)
			.filter((label) => label.group !== '' && groups.has(label.group))
			.flatMap((label) => label.ids.map((id) => ({ id, group: label.group, name: label.name })));
		return { links };
	},
};

/** The Link or Unlink params that change one label on some of the item's records. */
function labelChanges(params: SetLinksParams, keys: string[]): Array<LinkChange<LabelParams>> {
	return byLabel(keys).map((label) => ({
		keys: label.keys,
		params: {
			labels: [{ group: label.group, name: label.name }],
			tableName: params.tableName,
			ids: label.ids,
			databaseName: params.databaseName,
			ownerName: params.ownerName,
			verifyLinks: params.verifyLinks,
			options: {},
		},
	}));
}

export const setLinks: SetLinksOperation<SetLinksParams, LabelParams, LabelParams> = {
	kind: 'reconcile',
	name: 'setLinks',
	label: 'Set Labels of Records',
	description: 'Make the records\' labels of some groups equal to a list: link what is missing, unlink what is extra',
	action: 'Set the labels of records',
	properties: [
		linkField('labels'),
		linkField('tableName'),
		linkField('ids'),
		linkField('databaseName'),
		linkField('ownerName'),
		linkField('verifyLinks'),
		{
			displayName: 'Label Groups',
			name: 'groups',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'status, colour',
			description:
				'The groups whose labels are set (comma-separated, or an array from an expression): every record gets exactly the Labels of these groups, and labels of other groups stay as they are. Each of the Labels must be of one of these groups.',
		},
		optionsCollection(fairCom, { batching: true, extra: reconcileOptionFields }),
	],
	schema: setLinksSchema,
	read: setLinksRead,
	keyOf: (link) => pairKey(Number(link.id), String(link.group), String(link.name)),
	wanted: (params) => params.ids.flatMap((id) => params.labels.map((label) => pairKey(id, label.group ?? '', label.name))),
	wantedField: 'labels',
	additions: labelChanges,
	removals: (params, links) => labelChanges(params, links.map((entry) => entry.key)),
	link,
	unlink,
	describe: (keys) => byLabel(keys).map(({ group, name, ids }) => ({ group, name, ids })),
	identity: (params) => ({
		tableName: params.tableName,
		ids: params.ids,
		groups: params.groups,
		...(params.databaseName ? { databaseName: params.databaseName } : {}),
		...(params.ownerName ? { ownerName: params.ownerName } : {}),
	}),
};
