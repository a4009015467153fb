import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runGetLinks } from './reads';
import { runSetLinks } from './reconcile';
import { NodeRun, runWrites } from './run';
import type { NodeOperation, Vendor } from './types';

/** A vendor node's `execute`: runs the operation the user chose. */
export async function executeLinkNode(context: IExecuteFunctions, vendor: Vendor, operations: NodeOperation[]): Promise<INodeExecutionData[][]> {
	const name = context.getNodeParameter('operation', 0) as string;
	const operation = operations.find((candidate) => candidate.name === name);
	if (!operation) throw new NodeOperationError(context.getNode(), `Unknown operation "${name}"`);
	const run = new NodeRun(context, vendor, operation);
	if (operation.kind === 'read') await runGetLinks(run, operation);
	else if (operation.kind === 'reconcile') await runSetLinks(run, operation);
	else await runWrites(run, operation);
	return run.finish();
}
