/** The built pack (dist/), as n8n loads it: every node and credential type by name. */
import type { ICredentialType, INodeType } from 'n8n-workflow';

import { RecordLinksDataGolApi } from '../../dist/credentials/RecordLinksDataGolApi.credentials';
import { RecordLinksDevRevApi } from '../../dist/credentials/RecordLinksDevRevApi.credentials';
import { RecordLinksFairComApi } from '../../dist/credentials/RecordLinksFairComApi.credentials';
import { RecordLinksTulipApi } from '../../dist/credentials/RecordLinksTulipApi.credentials';
import { RecordLinksUnicatApi } from '../../dist/credentials/RecordLinksUnicatApi.credentials';
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
	recordLinksDevRevApi: new RecordLinksDevRevApi(),
	recordLinksDataGolApi: new RecordLinksDataGolApi(),
	recordLinksTulipApi: new RecordLinksTulipApi(),
	recordLinksUnicatApi: new RecordLinksUnicatApi(),
	recordLinksFairComApi: new RecordLinksFairComApi(),
};
