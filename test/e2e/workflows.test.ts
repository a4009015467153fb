/**
 * Every vendor's example workflows, run by real n8n (`n8n execute --id`) with the pack installed as
 * a community package, against the vendor sandbox running in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { exampleFiles, presentVendors, readWorkflow, sandboxCredentials, type WorkflowJson } from '../../scripts/examples';
import { executeWorkflow, type ExecutionResult, importCredentials, importWorkflows, type N8nOptions, successfulOutput } from '../../scripts/n8n-cli';
import { installPack } from '../../scripts/pack';
import { freePort } from '../../scripts/ports';
import { readPackageJson } from '../../scripts/project';
import { VENDORS } from '../../scripts/vendors';
import { startSandbox, type VendorSandbox } from '../sandbox';
import { type VendorCase, vendorCases } from './vendors';

const present = presentVendors();
const cases = vendorCases.filter((vendorCase) => present.some((vendor) => vendor.key === vendorCase.key));

let sandbox: VendorSandbox;
let userFolder: string;
let n8n: N8nOptions;

/** The link example fed other input items, optionally with Continue On Fail on the vendor node. */
function badInputWorkflow(vendorCase: VendorCase, continueOnFail: boolean): WorkflowJson {
	const vendor = present.find((candidate) => candidate.key === vendorCase.key)!;
	const file = exampleFiles(vendor).find((path) => readWorkflow(path).id === vendorCase.linkWorkflowId);
	if (!file) throw new Error(`No example workflow with id ${vendorCase.linkWorkflowId}`);
	const workflow = readWorkflow(file);
	const input = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.code');
	const vendorNode = workflow.nodes.find((node) => node.name === vendorCase.nodeName);
	if (!input || !vendorNode) throw new Error(`${file} needs a Code node and a "${vendorCase.nodeName}" node`);
	input.parameters = { jsCode: `return ${JSON.stringify(vendorCase.badInput.items.map((json) => ({ json })))};` };
	if (continueOnFail) vendorNode.onError = 'continueRegularOutput';
	return { ...workflow, id: badInputWorkflowId(vendorCase, continueOnFail), name: `${workflow.name} (bad input)` };
}

const badInputWorkflowId = (vendorCase: VendorCase, continueOnFail: boolean) =>
	`${vendorCase.linkWorkflowId}${continueOnFail ? 'Cof' : 'Bad'}`;

async function execute(id: string): Promise<ExecutionResult> {
	return await executeWorkflow(id, n8n);
}

beforeAll(async () => {
	const tarball = process.env.RECORD_LINKS_PACKAGE_TGZ;
	if (!tarball) throw new Error('Run the e2e tests with `npm run test:e2e` (its global setup packs the pack)');
	sandbox = await startSandbox();
	userFolder = mkdtempSync(join(tmpdir(), 'record-links-e2e-'));
	await installPack(userFolder, tarball);
	n8n = { userFolder, brokerPort: await freePort() };
	await importCredentials(sandboxCredentials(present, sandbox.url), n8n);
	await importWorkflows(
		cases.flatMap((vendorCase) => {
			const vendor = present.find((candidate) => candidate.key === vendorCase.key)!;
			return [
				...exampleFiles(vendor).map(readWorkflow),
				badInputWorkflow(vendorCase, false),
				badInputWorkflow(vendorCase, true),
			];
		}),
		n8n,
	);
}, 300_000);

afterAll(async () => {
	await sandbox?.stop();
	if (userFolder) rmSync(userFolder, { recursive: true, force: true });
});

test('every vendor node in the pack has examples, a sandbox credential and e2e cases', () => {
	const nodes = readPackageJson().n8n?.nodes ?? [];
	const inPack = VENDORS.filter((vendor) => nodes.includes(vendor.nodeFile)).map((vendor) => vendor.key);
	expect(cases.map((vendorCase) => vendorCase.key).sort()).toEqual(inPack.sort());
});

describe.each(cases)('$key', (vendorCase) => {
	let linkOutput: Array<Record<string, unknown>>;

	test('the link example links every item', async () => {
		sandbox.reset();
		linkOutput = successfulOutput(await execute(vendorCase.linkWorkflowId), vendorCase.nodeName);
		expect(vendorCase.links(sandbox)).toEqual([...vendorCase.exampleLinks].sort());
		expect(linkOutput).toEqual(vendorCase.exampleLinks.map((key) => vendorCase.linkOutput(sandbox, key)));
	});

	test('the unlink example removes those links', async () => {
		expect(vendorCase.links(sandbox)).toHaveLength(vendorCase.exampleLinks.length);
		const output = successfulOutput(await execute(vendorCase.unlinkWorkflowId), vendorCase.nodeName);
		expect(output).toEqual(vendorCase.unlinkOutput(sandbox, linkOutput));
		expect(vendorCase.links(sandbox)).toEqual([]);
	});

	test('bad input fails the execution with a clear message, before anything is sent', async () => {
		sandbox.reset();
		const result = await execute(badInputWorkflowId(vendorCase, false));
		expect(result.code).not.toBe(0);
		expect(result.run?.data.resultData.error?.message).toBe(vendorCase.badInput.message);
		expect(result.run?.data.resultData.runData[vendorCase.nodeName]?.[0]?.error?.message).toBe(
			vendorCase.badInput.message,
		);
		expect(sandbox.requestsFor(vendorCase.key)).toEqual([]);
		expect(vendorCase.links(sandbox)).toEqual([]);
	});

	test('with Continue On Fail, the bad item becomes an error item and the others are linked', async () => {
		sandbox.reset();
		const output = successfulOutput(await execute(badInputWorkflowId(vendorCase, true)), vendorCase.nodeName);
		const linked = vendorCase.badInput.outcome.filter((outcome): outcome is string => typeof outcome === 'string');
		expect(vendorCase.links(sandbox)).toEqual([...linked].sort());
		expect(output).toEqual(
			vendorCase.badInput.outcome.map((outcome) =>
				typeof outcome === 'string' ? vendorCase.linkOutput(sandbox, outcome) : outcome,
			),
		);
	});
});
