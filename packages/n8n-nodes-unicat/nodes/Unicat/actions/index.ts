// The router: Unicat's operations, in the order the node lists them (one file each; Unicat has no Set Links).
import type { IExecuteFunctions } from 'n8n-workflow';

import { getLinks } from './getLinks.operation';
import { link, linkPlan, linkWith } from './link.operation';
import { unlink } from './unlink.operation';

export const unicatOperations = [link, unlink, getLinks];

/** The operations for one execution: Link knows the execution's server and items (see `linkPlan`). */
export async function unicatOperationsFor(context: IExecuteFunctions): Promise<typeof unicatOperations> {
	if (context.getNodeParameter('operation', 0) !== 'link') return unicatOperations;
	const planned = linkWith(await linkPlan(context));
	return unicatOperations.map((operation) => (operation === link ? planned : operation));
}
