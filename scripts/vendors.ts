/**
 * The vendors of this pack, one row each: the one list that the n8n runtime, the sandbox, the test
 * tables, the end-to-end tests and the benchmark read. Adding a vendor is a package
 * (`packages/n8n-nodes-<key>/` with `nodes/<NodeClass>/` and `credentials/<CredentialClass>.credentials.ts`,
 * its manifest written by `node scripts/workspace.mjs --write`), a sandbox module
 * (`test/sandbox/<key>.ts`) and a row here; the per-vendor test tables are keyed by `key`, so the type
 * checker names each one that still lacks the new vendor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { dataGolSandbox } from '../test/sandbox/datagol';
import { devRevSandbox } from '../test/sandbox/devrev';
import { fairComSandbox } from '../test/sandbox/faircom';
import type { VendorModule } from '../test/sandbox/server';
import { tulipSandbox } from '../test/sandbox/tulip';
import { unicatSandbox } from '../test/sandbox/unicat';
import { ROOT } from './project';

interface VendorRow<Key extends string, Sandbox extends VendorModule<unknown>> {
	/** The sandbox's name for the vendor, the prefix of its example files and sandbox credential. */
	key: Key;
	/** As the node and its examples name the vendor ("DataGOL"). */
	displayName: string;
	/** The node's class: `nodes/<NodeClass>/<NodeClass>.node.ts`; the example workflows' IDs are `ex<NodeClass>Link`/`…Unlink`. */
	nodeClass: string;
	/** The node's `name`; its type in n8n is `<packageName>.<node>`. */
	node: string;
	/** The credential's class: `credentials/<CredentialClass>.credentials.ts`. */
	credentialClass: string;
	/** The credential type's name in n8n. */
	credentialType: string;
	/** The vendor's module in the local sandbox (test/sandbox/). */
	sandbox: Sandbox;
	/** The vendor's trigger node in the same package, if it has one: `nodes/<nodeClass>/<nodeClass>.node.ts`. */
	trigger?: { nodeClass: string; node: string };
}

function vendor<Key extends string, Sandbox extends VendorModule<unknown>>(row: VendorRow<Key, Sandbox>) {
	const packageDir = `packages/n8n-nodes-${row.key}`;
	const packageName = (JSON.parse(readFileSync(join(ROOT, packageDir, 'package.json'), 'utf8')) as { name: string }).name;
	return {
		...row,
		/** The vendor's npm package: its folder in this workspace (relative to the root) and its name. */
		packageDir,
		packageName,
		/** The node's type in n8n, as workflows save it. */
		nodeType: `${packageName}.${row.node}`,
		/** The node's entry in its package.json `n8n.nodes` (relative to the package). */
		nodeFile: `dist/nodes/${row.nodeClass}/${row.nodeClass}.node.js`,
		/** The credential's entry in its package.json `n8n.credentials` (relative to the package). */
		credentialFile: `dist/credentials/${row.credentialClass}.credentials.js`,
		/** The trigger's type in n8n, and its entry in the package's `n8n.nodes`. */
		triggerType: row.trigger ? `${packageName}.${row.trigger.node}` : undefined,
		triggerFile: row.trigger ? `dist/nodes/${row.trigger.nodeClass}/${row.trigger.nodeClass}.node.js` : undefined,
		linkWorkflowId: `ex${row.nodeClass}Link`,
		unlinkWorkflowId: `ex${row.nodeClass}Unlink`,
	};
}

export const VENDORS = [
	vendor({
		key: 'devrev',
		displayName: 'DevRev',
		nodeClass: 'DevRev',
		node: 'devRev',
		credentialClass: 'RecordLinksDevRevApi',
		credentialType: 'recordLinksDevRevApi',
		sandbox: devRevSandbox,
		trigger: { nodeClass: 'DevRevTrigger', node: 'devRevTrigger' },
	}),
	vendor({
		key: 'datagol',
		displayName: 'DataGOL',
		nodeClass: 'DataGol',
		node: 'dataGol',
		credentialClass: 'RecordLinksDataGolApi',
		credentialType: 'recordLinksDataGolApi',
		sandbox: dataGolSandbox,
	}),
	vendor({
		key: 'tulip',
		displayName: 'Tulip',
		nodeClass: 'Tulip',
		node: 'tulip',
		credentialClass: 'RecordLinksTulipApi',
		credentialType: 'recordLinksTulipApi',
		sandbox: tulipSandbox,
	}),
	vendor({
		key: 'unicat',
		displayName: 'Unicat',
		nodeClass: 'Unicat',
		node: 'unicat',
		credentialClass: 'RecordLinksUnicatApi',
		credentialType: 'recordLinksUnicatApi',
		sandbox: unicatSandbox,
	}),
	vendor({
		key: 'faircom',
		displayName: 'FairCom',
		nodeClass: 'FairCom',
		node: 'fairCom',
		credentialClass: 'RecordLinksFairComApi',
		credentialType: 'recordLinksFairComApi',
		sandbox: fairComSandbox,
	}),
] as const;

export type VendorInfo = (typeof VENDORS)[number];
export type VendorKey = VendorInfo['key'];

/** The registry row of a vendor. */
export function vendorInfo(key: VendorKey): VendorInfo {
	return VENDORS.find((row) => row.key === key)!;
}

/** A table keyed by vendor (a test table's rows) as a list in registry order, each with its vendor's key. */
export function byVendor<Row>(rows: Record<VendorKey, Row>): Array<Row & { key: VendorKey }> {
	return VENDORS.map((row) => ({ ...rows[row.key], key: row.key }));
}
