/** The built pack (dist/), as n8n loads it: every node and credential type by name. */
import type { ICredentialType, INodeType } from 'n8n-workflow';

import { DataGolApi } from '../../dist/credentials/DataGolApi.credentials';
import { DevRevApi } from '../../dist/credentials/DevRevApi.credentials';
import { FairComApi } from '../../dist/credentials/FairComApi.credentials';
import { TulipApi } from '../../dist/credentials/TulipApi.credentials';
import { UnicatApi } from '../../dist/credentials/UnicatApi.credentials';
import { DataGol } from '../../dist/nodes/DataGol/DataGol.node';
import { DevRev } from '../../dist/nodes/DevRev/DevRev.node';
import { FairCom } from '../../dist/nodes/FairCom/FairCom.node';
import { Tulip } from '../../dist/nodes/Tulip/Tulip.node';
import { Unicat } from '../../dist/nodes/Unicat/Unicat.node';

export const nodeTypes: Record<string, INodeType> = {
	devRev: new DevRev(),
	dataGol: new DataGol(),
	tulip: new Tulip(),
	unicat: new Unicat(),
	fairCom: new FairCom(),
};

export const credentialTypes: Record<string, ICredentialType> = {
	devRevApi: new DevRevApi(),
	dataGolApi: new DataGolApi(),
	tulipApi: new TulipApi(),
	unicatApi: new UnicatApi(),
	fairComApi: new FairComApi(),
};
