import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { bareToken } from '@record-links/engine';
import { linkTypeOptions } from '../DevRev/actions/fields';
import { devRev } from '../DevRev/vendor';
import {
	DEFAULT_MAX_EVENT_AGE_SECONDS,
	eventAgeSeconds,
	eventItem,
	eventKey,
	forgetOldEvents,
	isSignedBy,
	LINK_EVENTS,
	type LinkEvent,
	passesFilters,
	type SeenEvents,
	seenBefore,
	type TriggerFilters,
	webhookSecret,
} from './delivery';
import { createWebhook, deleteWebhook, servesAsIs, webhooksAt } from './registration';

/** What the node keeps between calls (n8n's static data of the node). */
interface TriggerState extends IDataObject {
	webhookId?: string;
	seenEvents?: SeenEvents;
}

/** This webhook's URL and secret, and the events the user picked. */
async function webhookSetup(context: IHookFunctions | IWebhookFunctions) {
	const url = context.getNodeWebhookUrl('default') ?? '';
	const credentials = await context.getCredentials(devRev.credentialType);
	const events = context.getNodeParameter('events', []) as LinkEvent[];
	return { url, secret: webhookSecret(bareToken(credentials.token), url), events };
}

/** Answers 401 and starts nothing. */
function refuse(context: IWebhookFunctions, message: string): IWebhookResponseData {
	context.getResponseObject().status(401).json({ message });
	return { noWebhookResponse: true };
}

/**
 * The webhook each URL registered, as this process made or found it: n8n may not have saved the
 * node's static data (a workflow whose ID is longer than n8n stores static data for), and the
 * registration is still known here.
 */
const registeredHere = new Map<string, string>();

export class DevRevTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DevRev Trigger',
		name: 'devRevTrigger',
		icon: { light: 'file:../../icons/devrev.svg', dark: 'file:../../icons/devrev.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["events"].length === 3 ? "Any link event" : $parameter["events"].join(", ").replace("link_created", "Link Created").replace("link_updated", "Link Updated").replace("link_deleted", "Link Deleted") }}',
		description: 'Starts the workflow when a DevRev link is created, updated or deleted',
		defaults: { name: 'DevRev Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: devRev.credentialType, required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName:
					'A deleted link arrives with its ID only (DevRev sends nothing more), so the filters cannot apply to Link Deleted events: each one starts the workflow, its item holding the link\'s ID alone',
				name: 'deletedNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['link_created', 'link_updated', 'link_deleted'],
				options: [
					{ name: 'Link Created', value: 'link_created', description: 'A link between two objects was made' },
					{ name: 'Link Deleted', value: 'link_deleted', description: 'A link was removed (its ID only)' },
					{ name: 'Link Updated', value: 'link_updated', description: 'A link changed; the item holds the link before and after' },
				],
				description: 'The link events that start the workflow',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Link Types',
						name: 'linkTypes',
						type: 'multiOptions',
						default: [],
						options: linkTypeOptions,
						description: 'Only links of these types start the workflow (none picked: any type)',
					},
					{
						displayName: 'Object',
						name: 'object',
						type: 'string',
						default: '',
						placeholder: 'ISS-1 or don:core:dvrv-us-1:devo/0:issue/1',
						description: 'Only links from or to this object start the workflow: its ID or display ID',
					},
					{
						displayName: 'Object Is',
						name: 'objectRole',
						type: 'options',
						default: 'either',
						options: [
							{ name: 'Either End', value: 'either', description: 'The link starts or ends at the object' },
							{ name: 'Source', value: 'source', description: 'The link starts at the object' },
							{ name: 'Target', value: 'target', description: 'The link ends at the object' },
						],
						description: 'Which end of the link the Object filter must be (used only with Object)',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Max Event Age (Seconds)',
						name: 'maxEventAgeSeconds',
						type: 'number',
						default: DEFAULT_MAX_EVENT_AGE_SECONDS,
						typeOptions: { minValue: 10 },
						description:
							"An event whose timestamp is older than this is refused as a possible replay. DevRev's last retry of an unanswered delivery comes 3 minutes after the first try.",
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			// Keeps a webhook DevRev already holds for this URL when it serves as is; any other one for
			// this URL is a leftover that would deliver each event twice, so it goes.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { url, secret, events } = await webhookSetup(this);
				const state = this.getWorkflowStaticData('node') as TriggerState;
				const registered = await webhooksAt(this, url);
				const kept =
					registered.find((webhook) => webhook.id === state.webhookId && servesAsIs(webhook, events, secret)) ??
					registered.find((webhook) => servesAsIs(webhook, events, secret));
				for (const webhook of registered) if (webhook !== kept) await deleteWebhook(this, webhook.id);
				if (!kept) {
					delete state.webhookId;
					registeredHere.delete(url);
					return false;
				}
				state.webhookId = kept.id;
				registeredHere.set(url, kept.id);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { url, secret, events } = await webhookSetup(this);
				const state = this.getWorkflowStaticData('node') as TriggerState;
				state.webhookId = await createWebhook(this, url, events, secret);
				state.seenEvents = {};
				registeredHere.set(url, state.webhookId);
				return true;
			},
			// Deletes this node's webhook and any other DevRev holds for its URL.
			async delete(this: IHookFunctions): Promise<boolean> {
				const { url } = await webhookSetup(this);
				const state = this.getWorkflowStaticData('node') as TriggerState;
				const ids = new Set((await webhooksAt(this, url)).map((webhook) => webhook.id));
				if (state.webhookId) ids.add(state.webhookId);
				for (const id of ids) await deleteWebhook(this, id);
				delete state.webhookId;
				delete state.seenEvents;
				registeredHere.delete(url);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData();
		const { url, secret, events } = await webhookSetup(this);
		const signature = this.getHeaderData()['x-devrev-signature'];
		if (!isSignedBy(secret, this.getRequestObject().rawBody, typeof signature === 'string' ? signature : undefined)) {
			return refuse(this, "The delivery does not carry this webhook's X-DevRev-Signature");
		}
		// DevRev's handshake: echo the challenge. It can come before n8n has saved the webhook's ID. The
		// spec puts it in `verify.challenge`, DevRev's own example receiver reads a top-level `challenge`.
		if (body.type === 'verify') {
			return { webhookResponse: { challenge: (body.verify as IDataObject | undefined)?.challenge ?? body.challenge } };
		}

		const state = this.getWorkflowStaticData('node') as TriggerState;
		if (typeof body.webhook_id !== 'string' || (body.webhook_id !== state.webhookId && body.webhook_id !== registeredHere.get(url))) {
			return refuse(this, 'The delivery names a webhook this trigger did not register');
		}
		const maxAgeSeconds = (this.getNodeParameter('options.maxEventAgeSeconds', DEFAULT_MAX_EVENT_AGE_SECONDS) as number) || DEFAULT_MAX_EVENT_AGE_SECONDS;
		const now = Date.now();
		const age = eventAgeSeconds(body.timestamp, now);
		if (age === undefined || Math.abs(age) > maxAgeSeconds) return refuse(this, `The delivery's timestamp is missing or more than ${maxAgeSeconds} s away`);
		if (typeof body.id !== 'string' || body.id === '') return refuse(this, 'The delivery has no event ID');

		// A repeated event (DevRev's retry, or a replay) is acknowledged and starts nothing: remembered
		// in this process and in static data (which outlives a restart where n8n saves it).
		const key = eventKey(body.webhook_id, body.id);
		const seen = forgetOldEvents(state.seenEvents ?? {}, now, maxAgeSeconds);
		const repeated = seenBefore(key, now, maxAgeSeconds) || seen[key] !== undefined;
		state.seenEvents = { ...seen, [key]: seen[key] ?? now };
		if (repeated) return { webhookResponse: { received: true, repeated: true } };

		const event = body.type as LinkEvent;
		const filters = this.getNodeParameter('filters', {}) as Partial<TriggerFilters>;
		const link = (body[event] as IDataObject | undefined)?.link as IDataObject | undefined;
		const wanted =
			LINK_EVENTS.includes(event) &&
			events.includes(event) &&
			passesFilters(event, link, { linkTypes: filters.linkTypes ?? [], object: filters.object ?? '', objectRole: filters.objectRole ?? 'either' });
		if (!wanted) return { webhookResponse: { received: true } };
		return { workflowData: [this.helpers.returnJsonArray([eventItem(body, event)])] };
	}
}
