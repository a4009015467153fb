import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import type { FollowUp } from '../engine';
import { listFromVendor, listProblem, searchItems, textField } from '../engine';
import { isUuid } from '../engine/validation';
import { dataGol } from './vendor';

/**
 * The pickers: workspaces and workbooks from `GET …/workspaces/search?type=TABLE` (a flat list of
 * workbooks, each with its workspace), link columns from the table schema
 * `GET …/workspaces/{ws}/tables/{tableId}`, whose shape DataGOL does not document: it is read
 * defensively, and when no column list can be found the user is told to enter the ID instead.
 */

interface Workbook {
	id: string;
	name: string;
	workspaceId: string;
	workspaceName: string;
}

const SEARCH_PATH = '/noCo/api/v2/workspaces/search';
const REFUSED_HINT = 'Check that the token is valid and that "Send Token As" matches it (service-account tokens usually go in x-auth-token).';

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first array found at one of these keys (or the body itself when it is an array). */
function arrayIn(body: unknown, ...paths: string[][]): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	for (const path of paths) {
		let value: unknown = body;
		for (const key of path) value = isObject(value) ? value[key] : undefined;
		if (Array.isArray(value)) return value;
	}
	return undefined;
}

async function readWorkbooks(send: FollowUp): Promise<Workbook[]> {
	const response = await send({ method: 'GET', path: SEARCH_PATH, qs: { type: 'TABLE' } }, true);
	const entries = arrayIn(response.body, ['data'], ['content'], ['items'], ['results']) ?? [];
	return entries.flatMap((entry): Workbook[] => {
		if (!isObject(entry) || entry.isFolder === true) return [];
		if (typeof entry.type === 'string' && entry.type.toUpperCase() !== 'TABLE') return [];
		const id = textField(entry, 'id', 'tableId');
		const workspaceId = textField(entry, 'workspaceId');
		if (!id || !workspaceId) return [];
		return [
			{
				id,
				name: textField(entry, 'name', 'title', 'tableName') ?? id,
				workspaceId,
				workspaceName: textField(entry, 'workspaceName') ?? workspaceId,
			},
		];
	});
}

/** A parameter's current value as plain text (a resource locator's value, a plain old string). */
function currentValue(context: ILoadOptionsFunctions, name: string): string {
	let value: unknown;
	try {
		value = context.getCurrentNodeParameter(name, { extractValue: true });
	} catch {
		return '';
	}
	if (isObject(value) && 'value' in value) value = value.value;
	return typeof value === 'string' ? value.trim() : '';
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function searchWorkspaces(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const workbooks = await listFromVendor(this, dataGol, async ({ send }) => await readWorkbooks(send), {
		refusedHint: REFUSED_HINT,
	});
	const workspaces = new Map<string, INodeListSearchItems>();
	for (const workbook of workbooks) {
		const key = workbook.workspaceId.toLowerCase();
		if (!workspaces.has(key)) workspaces.set(key, { name: workbook.workspaceName, value: workbook.workspaceId });
	}
	return { results: searchItems([...workspaces.values()], filter) };
}

async function searchWorkbooks(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const workbooks = await listFromVendor(this, dataGol, async ({ send }) => await readWorkbooks(send), {
		refusedHint: REFUSED_HINT,
	});
	const workspaceId = currentValue(this, 'workspaceId');
	// Without a workspace (or with one an expression gives only when the node runs), every
	// workbook is offered, named with its workspace.
	const chosen = isUuid(workspaceId) ? workbooks.filter((workbook) => sameId(workbook.workspaceId, workspaceId)) : workbooks;
	const named = isUuid(workspaceId);
	return {
		results: searchItems(
			chosen.map((workbook) => ({
				name: named ? workbook.name : `${workbook.workspaceName} › ${workbook.name}`,
				value: workbook.id,
			})),
			filter,
		),
	};
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
			const path = `/noCo/api/v2/workspaces/${encodeURIComponent(workspaceId)}/tables/${encodeURIComponent(workbookId)}`;
			const response = await send({ method: 'GET', path }, true);
			// Only to name the linked tables: without it the columns are still listed.
			const known = await readWorkbooks(send).catch(() => [] as Workbook[]);
			return { schema: response.body, workbooks: known };
		},
		{ refusedHint: REFUSED_HINT },
	);
	const columns = arrayIn(
		schema,
		['columns'],
		['data', 'columns'],
		['table', 'columns'],
		['schema', 'columns'],
		['data', 'table', 'columns'],
		['fields'],
		['data', 'fields'],
	);
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
		const linkedId = textField(column.colOptions, 'associateTableId', 'fk_related_model_id');
		const linked = linkedId ? tableNames.get(linkedId.toLowerCase()) : undefined;
		const title = columnTitle(column) ?? id;
		return [{ name: linked ? `${title} → ${linked}` : title, value: id }];
	});
	return { results: searchItems(results, filter) };
}

export const dataGolMethods = {
	listSearch: { searchWorkspaces, searchWorkbooks, searchLinkColumns },
};
