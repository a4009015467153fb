/**
 * n8n's AI Agent with every node of the pack as a tool, in real n8n: examples/ai-agent-links-records.json
 * run as the editor runs it, its OpenAI Chat Model pointed at the scripted model (test/model), the
 * vendor sandbox running in this process. The model's recorded requests show what it was offered (each
 * tool's name, description and argument schema) and what each tool call answered.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AGENT_EXAMPLE, presentVendors, readWorkflow, sandboxCredentials } from '../../scripts/examples';
import { successfulOutput } from '../../scripts/n8n-rest';
import { type VendorKey, VENDORS } from '../../scripts/vendors';
import { modelCredential } from '../../scripts/sandboxed-n8n';
import { AGENT_EXAMPLE_LINKS, AGENT_EXAMPLE_PLAN, AGENT_EXAMPLE_ROUNDS } from '../model/agent-example';
import { type ChatTool, MODEL_STUB_API_KEY, type ModelStub, startModelStub } from '../model/openai-stub';
import { startSandbox, type VendorSandbox } from '../sandbox';
import { DATAGOL_SERVICE_TOKEN } from '../sandbox/datagol';
import { DEVREV_TOKEN } from '../sandbox/devrev';
import { FAIRCOM_PASSWORD } from '../sandbox/faircom';
import { TULIP_API_KEY, TULIP_API_SECRET } from '../sandbox/tulip';
import { UNICAT_API_KEY, UNICAT_RECORDS } from '../sandbox/unicat';
import { type RunningN8n, startRunningN8n } from './running-n8n';
import { vendorCase, vendorCases } from './vendors';

/** What the model is offered, kept in the repo so that a change to a tool's description or schema shows in review. */
const OFFERED_TOOLS_FILE = join(__dirname, 'agent-tools.json');
const workflow = readWorkflow(AGENT_EXAMPLE);
const AGENT = 'AI Agent';
const TOOLS = Object.keys(AGENT_EXAMPLE_PLAN);

let sandbox: VendorSandbox;
let model: ModelStub;
let n8n: RunningN8n | undefined;

const links = (key: VendorKey) => vendorCase(key).links(sandbox);

/** Every link in the sandbox, by vendor. */
function allLinks(): Record<string, string[]> {
	return Object.fromEntries(vendorCases.map((vendorCase) => [vendorCase.key, vendorCase.links(sandbox)]));
}

/** The secrets of the sandbox credentials, and the session tokens the sandbox handed out. */
function secrets(): string[] {
	return [
		DEVREV_TOKEN,
		DATAGOL_SERVICE_TOKEN,
		TULIP_API_KEY,
		TULIP_API_SECRET,
		UNICAT_API_KEY,
		FAIRCOM_PASSWORD,
		MODEL_STUB_API_KEY,
		...sandbox.state.unicat.jwts.keys(),
		...sandbox.state.faircom.issuedTokens,
	];
}

async function runAgent(): Promise<{ answer: unknown }> {
	const output = successfulOutput(await n8n!.run(workflow.id), AGENT);
	return { answer: output[0]?.output };
}

/** The tool results the agent sent back to the model, by tool name. */
function toolResults(): Record<string, unknown> {
	return Object.fromEntries(
		model.toolResults().map(({ name, content }) => {
			try {
				return [name, JSON.parse(content) as unknown];
			} catch {
				return [name, content];
			}
		}),
	);
}

beforeAll(async () => {
	sandbox = await startSandbox();
	model = await startModelStub();
	n8n = await startRunningN8n('agent', [...sandboxCredentials(presentVendors(), sandbox.url), modelCredential(model.url)], [workflow]);
}, 300_000);

beforeEach(() => {
	sandbox.reset();
	model.reset();
	model.plan = AGENT_EXAMPLE_ROUNDS;
});

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.stop();
	await model?.stop();
});

test('the example hands every node of the pack to the agent as a tool', () => {
	const toolTypes = new Set(workflow.nodes.filter((node) => node.type.endsWith('Tool')).map((node) => node.type));
	expect([...toolTypes].sort()).toEqual(VENDORS.map((vendor) => `${vendor.nodeType}Tool`).sort());
});

test('the agent links exactly the records asked for, reads one back, and gets one readable result per call, without secrets', async () => {
	const { answer } = await runAgent();

	expect(allLinks()).toEqual(AGENT_EXAMPLE_LINKS);

	// The model saw six tool results, one per call, each the tool node's output item(s) as JSON: the five
	// links in one round, then the Get Links call in a second, after the links were made.
	const calls = model.toolResults();
	expect(calls.map((call) => call.name).sort()).toEqual([...TOOLS].sort());
	expect(model.requests).toHaveLength(AGENT_EXAMPLE_ROUNDS.length + 1);
	const byVendor = (key: VendorKey, link: string) => vendorCase(key).linkOutput(sandbox, link);
	expect(toolResults()).toEqual({
		Link_DevRev_objects: [byVendor('devrev', 'ISS-1->TKT-2')],
		Link_DataGOL_order_to_customer: [byVendor('datagol', '1->11')],
		Link_Tulip_order_to_part: [byVendor('tulip', 'ORD-1001->PRT-17')],
		Place_Unicat_product_in_collection: [byVendor('unicat', 'chair->summer')],
		Label_FairCom_orders_as_priority: [
			{ operation: 'link', labels: [{ group: 'status', name: 'priority' }], tableName: 'orders', ids: [1, 7], linked: true },
		],
		Get_DevRev_links_of_an_object: [byVendor('devrev', 'ISS-1->TKT-2')],
	});
	expect(answer).toEqual(expect.stringContaining('Done. The tools answered:'));

	const seenByModel = JSON.stringify(model.requests);
	for (const secret of secrets()) expect({ secret, seen: seenByModel.includes(secret) }).toEqual({ secret, seen: false });
});

test('the model is offered each tool with a name, a description and an argument schema it can fill', async () => {
	await runAgent();
	// The order of `required` varies from run to run; the set is what counts.
	const offered = (model.requests[0].tools ?? []).map(({ function: tool }: ChatTool) => {
		const parameters = tool.parameters as { required?: string[] };
		return { ...tool, parameters: { ...parameters, required: [...(parameters.required ?? [])].sort() } };
	});
	process.stdout.write(`\nTools as the model saw them:\n${JSON.stringify(offered, null, 2)}\n`);
	if (process.env.UPDATE_AGENT_TOOLS === '1') writeFileSync(OFFERED_TOOLS_FILE, `${JSON.stringify(offered, null, '\t')}\n`);

	expect(offered.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
	for (const tool of offered) {
		// Every argument the example fills from the model is required, typed and described.
		const schema = tool.parameters as { properties: Record<string, { type: string; description?: string }>; required: string[] };
		expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(AGENT_EXAMPLE_PLAN[tool.name]).sort());
		expect(schema.required.sort()).toEqual(Object.keys(schema.properties).sort());
		for (const [name, property] of Object.entries(schema.properties)) {
			expect({ tool: tool.name, name, described: (property.description ?? '').length > 10 }).toEqual({ tool: tool.name, name, described: true });
		}
	}
	expect(offered).toEqual(JSON.parse(readFileSync(OFFERED_TOOLS_FILE, 'utf8')));
});

test('bad tool arguments come back to the agent as clear errors, nothing is sent, and the run goes on', async () => {
	model.replies.push(
		{
			toolCalls: [
				{ name: 'Link_DevRev_objects', arguments: { source: ' ', target: 'TKT-2' } },
				{ name: 'Link_DataGOL_order_to_customer', arguments: { orderRowId: -1, customerRowId: 11 } },
				{ name: 'Link_Tulip_order_to_part', arguments: { order: '', part: 'PRT-17' } },
				{ name: 'Place_Unicat_product_in_collection', arguments: { product: 'chair', collection: UNICAT_RECORDS.summer } },
				{ name: 'Label_FairCom_orders_as_priority', arguments: { orderIds: '1, -7' } },
				{ name: 'Get_DevRev_links_of_an_object', arguments: { object: ' ' } },
			],
		},
		{ content: 'None of the links could be made: the IDs were not valid.' },
	);
	const { answer } = await runAgent();

	expect(answer).toBe('None of the links could be made: the IDs were not valid.');
	expect(model.requests).toHaveLength(2);
	const results = toolResults();
	expect(Object.keys(results).sort()).toEqual([...TOOLS].sort());
	// With On Error → Continue on the tool nodes, a failed call is an error item: the agent reads it as the tool's answer.
	expect(results).toEqual({
		Link_DevRev_objects: [{ error: 'Invalid "Source" in item 0: must not be empty' }],
		Link_DataGOL_order_to_customer: [{ error: 'Invalid "Source Record ID" in item 0: must be a non-negative whole number (a row ID)' }],
		Link_Tulip_order_to_part: [{ error: 'Invalid "Left Record" in item 0: must not be empty' }],
		Place_Unicat_product_in_collection: [
			{ error: 'Invalid "Record" in item 0: must be a Unicat GID (a UUID such as f2e64fe0-9ffa-4d9a-8750-d561d6542453)' },
		],
		Label_FairCom_orders_as_priority: [{ error: 'Invalid "Record IDs" › #2 in item 0: -7 is outside 0–2147483647' }],
		Get_DevRev_links_of_an_object: [{ error: 'Invalid "Object" in item 0: must not be empty' }],
	});
	// Nothing reached a vendor (FairCom's session is made before the ids are checked, and ended after).
	for (const { key } of VENDORS.filter((vendor) => vendor.key !== 'faircom')) {
		expect({ key, requests: sandbox.requestsFor(key) }).toEqual({ key, requests: [] });
	}
	expect(allLinks()).toEqual(Object.fromEntries(VENDORS.map((vendor) => [vendor.key, []])));

	const seenByModel = JSON.stringify(model.requests);
	for (const secret of secrets()) expect({ secret, seen: seenByModel.includes(secret) }).toEqual({ secret, seen: false });
});

test("a vendor's refusal comes back to the agent as the vendor's message, and the other calls still link", async () => {
	model.replies.push(
		{
			toolCalls: [
				{ name: 'Link_Tulip_order_to_part', arguments: { order: 'ORD-1001', part: 'PRT-17' } },
				{ name: 'Place_Unicat_product_in_collection', arguments: { product: UNICAT_RECORDS.chair, collection: '00000000-dead-4bad-8000-000000000000' } },
			],
		},
		{ content: 'Linked the Tulip order; the Unicat collection does not exist.' },
	);
	const { answer } = await runAgent();

	expect(answer).toBe('Linked the Tulip order; the Unicat collection does not exist.');
	expect(links('tulip')).toEqual(['ORD-1001->PRT-17']);
	expect(links('unicat')).toEqual([]);
	const results = toolResults();
	expect(results.Link_Tulip_order_to_part).toEqual([vendorCase('tulip').linkOutput(sandbox, 'ORD-1001->PRT-17')]);
	// Unicat's 422 body, as the sandbox sends it, reaches the agent.
	expect(results.Place_Unicat_product_in_collection).toEqual([{ error: "Unicat answered 422: Unprocessable entity - parent record doesn't exist" }]);
});
