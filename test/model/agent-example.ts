/**
 * The tool calls a model would make for the request in examples/ai-agent-links-records.json: the
 * scripted model's plan for `npm start`, and what the agent end-to-end test expects the sandbox to
 * hold afterwards. Keys are the tool names n8n gives the example's tool nodes (the node name with
 * every run of other characters than letters, digits, `_` and `-` made `_`).
 */
import type { VendorKey } from '../../scripts/vendors';
import { UNICAT_RECORDS } from '../sandbox/unicat';
import type { PlanRound } from './openai-stub';

/** The links asked for, then a read of one record's links, once those are made. */
export const AGENT_EXAMPLE_ROUNDS: PlanRound[] = [
	{
		Link_DevRev_objects: { source: 'don:core:dvrv-us-1:devo/0:issue/1', target: 'don:core:dvrv-us-1:devo/0:ticket/2' },
		Link_DataGOL_order_to_customer: { orderRowId: 1, customerRowId: 11 },
		Link_Tulip_order_to_part: { order: 'ORD-1001', part: 'PRT-17' },
		Place_Unicat_product_in_collection: { product: UNICAT_RECORDS.chair, collection: UNICAT_RECORDS.summer },
		Label_FairCom_orders_as_priority: { orderIds: '1, 7' },
	},
	{ Get_DevRev_links_of_an_object: { object: 'don:core:dvrv-us-1:devo/0:issue/1' } },
];

/** Every tool of the example, with the arguments the plan calls it with. */
export const AGENT_EXAMPLE_PLAN: PlanRound = Object.assign({}, ...AGENT_EXAMPLE_ROUNDS) as PlanRound;

/** The links the sandbox holds after those calls, by vendor (as test/e2e/vendors.ts names them). */
export const AGENT_EXAMPLE_LINKS: Record<VendorKey, string[]> = {
	devrev: ['ISS-1->TKT-2'],
	datagol: ['1->11'],
	tulip: ['ORD-1001->PRT-17'],
	unicat: ['chair->summer'],
	faircom: ['orders/1 status:priority', 'orders/7 status:priority'],
};
