/**
 * The example workflows (`examples/<vendor key>-*.json`), the sandbox credentials beside them, and
 * the workflow pieces the tests and the benchmark build.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './project';
import { VENDORS, type VendorInfo } from './vendors';

export const EXAMPLES_DIR = join(ROOT, 'examples');
const SANDBOX_CREDENTIALS_DIR = join(EXAMPLES_DIR, 'sandbox-credentials');
/** The AI Agent example: every vendor's node as a tool, with a chat model (no vendor prefix). */
export const AGENT_EXAMPLE = join(EXAMPLES_DIR, 'ai-agent-links-records.json');
/**
 * The DevRev Trigger example: it starts on DevRev's link events once activated (published), not from
 * "Execute workflow" like the other examples (test/e2e/trigger.test.ts activates it).
 */
export const DEVREV_TRIGGER_EXAMPLE = join(EXAMPLES_DIR, 'devrev-trigger-new-dependency.json');

/** The vendors this checkout can run end to end: their examples and sandbox credential exist. */
export function presentVendors(): VendorInfo[] {
	return VENDORS.filter((vendor) => existsSync(join(SANDBOX_CREDENTIALS_DIR, `${vendor.key}.json`)) && exampleFiles(vendor).length > 0);
}

/** The example workflow files of a vendor: `examples/<key>-*.json`. */
export function exampleFiles(vendor: VendorInfo): string[] {
	if (!existsSync(EXAMPLES_DIR)) return [];
	return readdirSync(EXAMPLES_DIR)
		.filter((name) => name.startsWith(`${vendor.key}-`) && name.endsWith('.json'))
		.sort()
		.map((name) => join(EXAMPLES_DIR, name));
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; [key: string]: unknown }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export function readWorkflow(file: string): WorkflowJson {
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

/**
 * Whether a workflow starts from a Manual Trigger, so that "Execute workflow" (or the tests' manual
 * run) runs it; a trigger example starts only on its trigger's events, once activated.
 */
export function runsManually(workflow: WorkflowJson): boolean {
	return workflow.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger');
}

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** The sandbox credential of each vendor, pointing at a sandbox listening on `sandboxUrl`. */
export function sandboxCredentials(vendors: VendorInfo[], sandboxUrl: string): CredentialJson[] {
	return vendors.map((vendor) => {
		const template = readFileSync(join(SANDBOX_CREDENTIALS_DIR, `${vendor.key}.json`), 'utf8');
		return JSON.parse(template.split('{{sandboxUrl}}').join(sandboxUrl)) as CredentialJson;
	});
}

/** A short content hash, to tell whether an example changed since it was last imported. */
export function hashOf(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A Webhook trigger node (POST) for the workflows the tests and the benchmark build. */
export function webhookNode(path: string, parameters: Record<string, unknown> = { responseMode: 'lastNode' }) {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, ...parameters, options: {} },
	};
}
