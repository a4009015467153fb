/** The built packages (each one's dist/), as n8n loads them: every node and credential type of the registry by name. */
import { join } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { ROOT } from '../../scripts/project';
import { VENDORS } from '../../scripts/vendors';

/** An instance of the class `name` that the built file `file` of the package in `packageDir` exports. */
function load<T>(packageDir: string, file: string, name: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(join(ROOT, packageDir, file)) as Record<string, new () => T>;
	return new exported[name]();
}

export const nodeTypes: Record<string, INodeType> = Object.fromEntries(
	VENDORS.flatMap((vendor) => [
		[vendor.node, load<INodeType>(vendor.packageDir, vendor.nodeFile, vendor.nodeClass)],
		...(vendor.trigger && vendor.triggerFile
			? [[vendor.trigger.node, load<INodeType>(vendor.packageDir, vendor.triggerFile, vendor.trigger.nodeClass)]]
			: []),
	]),
);

export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	VENDORS.map((vendor) => [vendor.credentialType, load<ICredentialType>(vendor.packageDir, vendor.credentialFile, vendor.credentialClass)]),
);

/** A node type as workflows save it (`<package>.<name>`), from the node's name. */
export function nodeTypeOf(node: string): string {
	const vendor = VENDORS.find((row) => row.node === node || row.trigger?.node === node);
	return vendor ? `${vendor.packageName}.${node}` : node;
}

/** The node's name in a node type (`@record-links/n8n-nodes-devrev.devRev` → `devRev`). */
export function nodeNameOf(type: string): string {
	return type.slice(type.lastIndexOf('.') + 1);
}
