import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { arrayIn, isObject, listFromVendor, listProblem, searchItems, textField } from '@record-links/engine';
import { TABLE_LINK_ID, tulip } from './vendor';

const TABLE_LINK_ID_ONLY = new RegExp(`^${TABLE_LINK_ID}$`);

/**
 * The table link picker: `GET /tables` lists the tables with their columns. Tulip documents a
 * column's `dataType` as `{ type }` only; where a linked-record column also names its table link
 * (`dataType.tableLinkID`, not in any public source: test/contracts/tulip.contract.json) it is
 * offered as "Table › Column", so both tables of a link offer it. Where none does, the list says so
 * and points to "By ID".
 */

/** A column's table link ID, where the answer names one: in `dataType`, or on the column itself. */
function tableLinkIdOf(column: IDataObject): string | undefined {
	const fromType = isObject(column.dataType) ? textField(column.dataType, 'tableLinkID', 'tableLinkId') : undefined;
	const id = fromType ?? textField(column, 'tableLinkID', 'tableLinkId');
	// Only what the node would accept: anything else could not be linked through anyway.
	return id && TABLE_LINK_ID_ONLY.test(id) ? id : undefined;
}

async function searchTableLinks(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await listFromVendor(
		this,
		tulip,
		async ({ send }) => (await send({ method: 'GET', path: '/tables' }, true)).body,
		{ refusedHint: 'Listing table links needs the tables:read scope on the API key.' },
	);
	const tables = (arrayIn(body, 'tables', 'data', 'results') ?? []).filter(isObject);
	const seen = new Set<string>();
	const results: INodeListSearchItems[] = [];
	for (const table of tables) {
		const tableName = textField(table, 'label', 'name', 'id') ?? 'Table';
		for (const column of (arrayIn(table.columns ?? table.fields) ?? []).filter(isObject)) {
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
			'Tulip\'s table list names no table links',
			`None of the columns of the ${tables.length} tables this API key can read names a table link ID, so there is nothing to pick from. Switch Table Link ID to "By ID" and enter the ID (Tulip shows it in the table link's settings; it looks like g56RCoZCtzv7borvp).`,
		);
	}
	return { results: searchItems(results, filter) };
}

export const tulipMethods = {
	listSearch: { searchTableLinks },
};
