/** The built pack (dist/), as n8n loads it: every node and credential type by name. */
import type { ICredentialType, INodeType } from 'n8n-workflow';

import { DevRevApi } from '../../dist/credentials/DevRevApi.credentials';
import { DevRev } from '../../dist/nodes/DevRev/DevRev.node';

export const nodeTypes: Record<string, INodeType> = {
	devRev: new DevRev(),
};

export const credentialTypes: Record<string, ICredentialType> = {
	devRevApi: new DevRevApi(),
};
