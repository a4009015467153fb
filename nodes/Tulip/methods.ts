import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { listFromVendor, listProblem, searchItems, textField } from '../engine';
import { tulip } from './vendor';

/**
 * The table link picker: `GET /tables` lists the tables with their columns, and a linked-record
 * column carries its table link's ID in `dataType.tableLinkID`. Each such column is offered as
 * "Table › Column", so both tables of a link offer it (the same ID).
 */

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayAt(value: unknown, ...keys: string[]): unknown[] {
	if (Array.isArray(value)) return value;
	for (const key of keys) {
		const entry = isObject(value) ? value[key] : undefined;
		if (Array.isArray(entry)) return entry;
	}
	return [];
}

/** A column's table link ID: in `dataType` (as Tulip documents), or on the column itself. */
function tableLinkIdOf(column: IDataObject): string | undefined {
	const fromType = isObject(column.dataType) ? textField(column.dataType, 'tableLinkID', 'tableLinkId') : undefined;
	const id = fromType ?? textField(column, 'tableLinkID', 'tableLinkId');
	// Only what the node would accept: anything else could not be linked through anyway.
	return id && /^[a-zA-Z0-9_]+$/.test(id) ? id : undefined;
}

async function searchTableLinks(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await listFromVendor(
		this,
		tulip,
		async ({ send }) => (await send({ method: 'GET', path: '/tables' }, true)).body,
		{ refusedHint: 'Listing table links needs the tables:read scope on the API key.' },
	);
	const tables = arrayAt(body, 'tables', 'data', 'results').filter(isObject);
	const seen = new Set<string>();
	const results: INodeListSearchItems[] = [];
	for (const table of tables) {
		const tableName = textField(table, 'label', 'name', 'id') ?? 'Table';
		for (const column of arrayAt(table.columns ?? table.fields).filter(isObject)) {
			const id = tableLinkIdOf(column);
			if (!id) continue;
			const name = `${tableName} › ${textField(column, 'label', 'name', 'id') ?? id}`;
			if (seen.has(`${name}\n${id}`)) continue;
			seen.add(`${name}\n${id}`);
			results.push({ name, value: id, description: `Table link ${id}` });
		}
	}
	if (results.length === 0) {
		throw listProblem(
			this,
			'No table links found',
			`None of the ${tables.length} tables this API key can read has a linked-record column. Create the link in Tulip, or switch Table Link ID to "By ID" and enter it.`,
		);
	}
	return { results: searchItems(results, filter) };
}

export const tulipMethods = {
	listSearch: { searchTableLinks },
};
