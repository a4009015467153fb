/** The built pack (dist/), as n8n loads it: every node and credential type of the registry by name. */
import { join } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { ROOT } from '../../scripts/project';
import { VENDORS } from '../../scripts/vendors';

/** An instance of the class `name` that the built file `file` exports. */
function load<T>(file: string, name: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(join(ROOT, file)) as Record<string, new () => T>;
	return new exported[name]();
}

export const nodeTypes: Record<string, INodeType> = Object.fromEntries(
	VENDORS.map((vendor) => [vendor.node, load<INodeType>(vendor.nodeFile, vendor.nodeClass)]),
);

export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	VENDORS.map((vendor) => [vendor.credentialType, load<ICredentialType>(vendor.credentialFile, vendor.credentialClass)]),
);
