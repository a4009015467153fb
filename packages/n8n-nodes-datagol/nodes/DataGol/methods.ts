import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { arrayIn, currentText, type FollowUp, isObject, isUuid, listFromVendor, listProblem, searchItems, textField } from '@record-links/engine';
import { dataGol } from './vendor';

/**
 * The pickers, on the endpoints DataGOL's own n8n node uses (test/contracts/datagol.contract.json):
 * workspaces from `GET …/workspaces`, a workspace's workbooks from `GET …/workspaces/{ws}/tables`, and
 * link columns from the workbook's schema `GET …/workspaces/{ws}/tables/{tableId}`, read defensively:
 * when no column list can be found the user is told to enter the ID instead.
 */

interface Named {
	id: string;
	name: string;
}

const API = '/noCo/api/v2/workspaces';
const REFUSED_HINT =
	'Check that the token is valid and that "Send Token As" matches it (service-account tokens go in x-auth-token, user JWTs in Bearer).';

/** Entries with an id, named by the first name field they have. */
async function readNamed(send: FollowUp, path: string, ...nameFields: string[]): Promise<Named[]> {
	const response = await send({ method: 'GET', path }, true);
	const entries = arrayIn(response.body, 'data', 'content', 'items') ?? [];
	return entries.flatMap((entry): Named[] => {
		const id = isObject(entry) ? textField(entry, 'id') : undefined;
		return id ? [{ id, name: textField(entry, ...nameFields) ?? id }] : [];
	});
}

/** Workspaces read to name tables linked from another workspace (one request each). */
const MAX_WORKSPACES_NAMED = 20;

const readWorkspaces = async (send: FollowUp) => await readNamed(send, API, 'name');
const readWorkbooks = async (send: FollowUp, workspaceId: string) =>
	await readNamed(send, `${API}/${encodeURIComponent(workspaceId)}/tables`, 'title', 'name', 'tableName');

const currentValue = (context: ILoadOptionsFunctions, name: string) => currentText(context, name) ?? '';

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function searchWorkspaces(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const workspaces = await listFromVendor(this, dataGol, async ({ send }) => await readWorkspaces(send), { refusedHint: REFUSED_HINT });
	return { results: searchItems(workspaces.map(({ id, name }) => ({ name, value: id })), filter) };
}

async function searchWorkbooks(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const workspaceId = currentValue(this, 'workspaceId');
	if (!isUuid(workspaceId)) {
		throw listProblem(
			this,
			'Choose the workspace first',
			'The workbooks are listed per workspace. With an expression in Workspace ID, switch Workbook ID to "By ID" and enter the workbook\'s UUID or an expression.',
		);
	}
	const workbooks = await listFromVendor(this, dataGol, async ({ send }) => await readWorkbooks(send, workspaceId), {
		refusedHint: REFUSED_HINT,
	});
	return { results: searchItems(workbooks.map(({ id, name }) => ({ name, value: id })), filter) };
}

/** Column type words that mean a LINK column (DataGOL's `uiDataType`, NocoDB's `uidt`). */
const LINK_TYPES = new Set(['LINK', 'LINKS', 'LINKTOANOTHERRECORD', 'LINK_TO_ANOTHER_RECORD']);

function isLinkColumn(column: IDataObject): boolean {
	const type = textField(column, 'uiDataType', 'uidt', 'dataType', 'type', 'columnType');
	return type !== undefined && LINK_TYPES.has(type.toUpperCase().replace(/[\s-]/g, ''));
}

function columnTitle(column: IDataObject): string | undefined {
	return textField(column.uiMetadata, 'title') ?? textField(column, 'title', 'displayName', 'label', 'name', 'columnName');
}

function columnsOf(schema: unknown): unknown[] | undefined {
	return arrayIn(schema, 'columns', ['data', 'columns'], ['table', 'columns'], ['schema', 'columns'], ['data', 'table', 'columns'], 'fields', ['data', 'fields']);
}

const linkedTableOf = (column: IDataObject) => textField(column.colOptions, 'associateTableId', 'associatedTableId', 'fk_related_model_id');

function linkedTableIds(schema: unknown): string[] {
	return (columnsOf(schema) ?? []).filter(isObject).filter(isLinkColumn).flatMap((column) => linkedTableOf(column) ?? []);
}

async function searchLinkColumns(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const workspaceId = currentValue(this, 'workspaceId');
	const workbookId = currentValue(this, 'workbookId');
	if (!isUuid(workspaceId) || !isUuid(workbookId)) {
		throw listProblem(
			this,
			'Choose the workspace and the workbook first',
			'The link columns are read from the chosen workbook. With an expression there, switch Link Column ID to "By ID" and enter the column\'s UUID or an expression.',
		);
	}
	const { schema, workbooks } = await listFromVendor(
		this,
		dataGol,
		async ({ send }) => {
			const path = `${API}/${encodeURIComponent(workspaceId)}/tables/${encodeURIComponent(workbookId)}`;
			const response = await send({ method: 'GET', path }, true);
			// Only to name the linked tables (without them the columns are still listed): the workspace's
			// own tables, and every workspace's when a link points elsewhere.
			const known = await readWorkbooks(send, workspaceId).catch(() => [] as Named[]);
			if (linkedTableIds(response.body).some((id) => !known.some((table) => sameId(table.id, id)))) {
				const others = (await readWorkspaces(send).catch(() => [] as Named[])).filter((workspace) => !sameId(workspace.id, workspaceId));
				for (const workspace of others.slice(0, MAX_WORKSPACES_NAMED)) {
					known.push(...(await readWorkbooks(send, workspace.id).catch(() => [] as Named[])));
				}
			}
			return { schema: response.body, workbooks: known };
		},
		{ refusedHint: REFUSED_HINT },
	);
	const columns = columnsOf(schema);
	const tableName =
		textField(schema, 'title', 'name', 'tableName') ?? workbooks.find((workbook) => sameId(workbook.id, workbookId))?.name ?? workbookId;
	if (!columns) {
		throw listProblem(
			this,
			'No column list found in DataGOL\'s table schema',
			`The answer for workbook "${tableName}" has no list of columns this node can read. Switch Link Column ID to "By ID" and enter the LINK column's UUID (DataGOL shows it in the column's settings).`,
		);
	}
	const tableNames = new Map(workbooks.map((workbook) => [workbook.id.toLowerCase(), workbook.name]));
	const links = columns.filter(isObject).filter(isLinkColumn);
	if (links.length === 0) {
		throw listProblem(
			this,
			'This workbook has no LINK columns',
			`The workbook "${tableName}" has no LINK column. Add one in DataGOL, or choose another workbook. A LookUp column uses the LINK column it looks through.`,
		);
	}
	const results = links.flatMap((column): INodeListSearchItems[] => {
		const id = textField(column, 'id', 'columnId', 'fk_column_id');
		if (!id) return [];
		const linkedId = linkedTableOf(column);
		const linked = linkedId ? tableNames.get(linkedId.toLowerCase()) : undefined;
		const title = columnTitle(column) ?? id;
		return [{ name: linked ? `${title} → ${linked}` : title, value: id }];
	});
	return { results: searchItems(results, filter) };
}

export const dataGolMethods = {
	listSearch: { searchWorkspaces, searchWorkbooks, searchLinkColumns },
};
