/**
 * Every vendor's example workflows, run by real n8n (as the editor's "Execute workflow" runs them)
 * with the pack installed as a community package, against the vendor sandbox running in this process.
 */
import { DEVREV_TRIGGER_EXAMPLE, exampleFiles, presentVendors, readWorkflow, runsManually, sandboxCredentials, type WorkflowJson } from '../../scripts/examples';
import { successfulOutput, type WorkflowRun } from '../../scripts/n8n-rest';
import { VENDORS } from '../../scripts/vendors';
import { startSandbox, type VendorSandbox } from '../sandbox';
import { type RunningN8n, startRunningN8n } from './running-n8n';
import { type VendorCase, vendorCases } from './vendors';

const present = presentVendors();
const cases = vendorCases.filter((vendorCase) => present.some((vendor) => vendor.key === vendorCase.key));

let sandbox: VendorSandbox;
let n8n: RunningN8n | undefined;

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

async function execute(id: string): Promise<WorkflowRun> {
	return await n8n!.run(id);
}

beforeAll(async () => {
	sandbox = await startSandbox();
	n8n = await startRunningN8n(
		'e2e',
		sandboxCredentials(present, sandbox.url),
		cases.flatMap((vendorCase) => {
			const vendor = present.find((candidate) => candidate.key === vendorCase.key)!;
			return [
				...exampleFiles(vendor).map(readWorkflow),
				badInputWorkflow(vendorCase, false),
				badInputWorkflow(vendorCase, true),
			];
		}),
	);
}, 300_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.stop();
});

test('every vendor package has examples, a sandbox credential and e2e cases', () => {
	expect(cases.map((vendorCase) => vendorCase.key).sort()).toEqual(VENDORS.map((vendor) => vendor.key).sort());
});

test('every example runs from a Manual Trigger but the DevRev Trigger example (test/e2e/trigger.test.ts activates it); every ID is one n8n keeps static data for', () => {
	const examples = present.flatMap(exampleFiles).map(readWorkflow);
	expect(examples.filter((workflow) => !runsManually(workflow)).map((workflow) => workflow.id)).toEqual([readWorkflow(DEVREV_TRIGGER_EXAMPLE).id]);
	// n8n saves a workflow's static data (where a trigger keeps its webhook's ID) only for an ID of at
	// most 21 characters (isWorkflowIdValid in n8n's utils.js).
	expect(examples.filter((workflow) => workflow.id.length > 21).map((workflow) => workflow.id)).toEqual([]);
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
		const run = await execute(badInputWorkflowId(vendorCase, false));
		expect(run.status).toBe('error');
		expect(run.data.resultData.error?.message).toBe(vendorCase.badInput.message);
		expect(run.data.resultData.runData[vendorCase.nodeName]?.[0]?.error?.message).toBe(
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
