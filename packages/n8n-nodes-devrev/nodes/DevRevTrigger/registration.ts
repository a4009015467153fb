/**
 * The webhook's registration at DevRev, for n8n's webhook lifecycle (checkExists, create, delete).
 *
 * Evidence (test/contracts/devrev.contract.json, "webhooks", documented): `POST /webhooks.create`
 * `{ url, event_types, secret }` answers `{ webhook }` with its `id` and `status` (`active`, `inactive`
 * or `unverified`: DevRev sends a `verify` event next); `GET /webhooks.list` answers `{ webhooks }`;
 * `POST /webhooks.delete` `{ id }`.
 */
import type { IDataObject, IHookFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { devRev } from '../DevRev/vendor';

type DevRevCall = '/webhooks.create' | '/webhooks.list' | '/webhooks.delete';

/** One call of DevRev's webhooks API with the node's credential (a GET without a body). */
async function callDevRev(context: IHookFunctions, path: DevRevCall, body?: IDataObject): Promise<IN8nHttpFullResponse> {
	const response = (await context.helpers.httpRequestWithAuthentication.call(context, devRev.credentialType, {
		method: body ? 'POST' : 'GET',
		// The credential puts DevRev's API root (its Base URL) before the path.
		url: path,
		body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as IN8nHttpFullResponse;
	return response;
}

function refusal(context: IHookFunctions, path: DevRevCall, response: IN8nHttpFullResponse): NodeApiError {
	const text = devRev.describeError(response.statusCode, response.body);
	return new NodeApiError(context.getNode(), (response.body ?? {}) as JsonObject, {
		httpCode: String(response.statusCode),
		message: `DevRev refused ${path.slice(1)} (HTTP ${response.statusCode})${text ? `: ${text.message}` : ''}`,
		description: text?.description,
	});
}

export interface RegisteredWebhook {
	id: string;
	url?: string;
	status?: string;
	event_types?: string[];
	secret?: string;
}

/** The webhooks DevRev holds for this account that deliver to `url`. */
export async function webhooksAt(context: IHookFunctions, url: string): Promise<RegisteredWebhook[]> {
	const response = await callDevRev(context, '/webhooks.list');
	if (response.statusCode >= 300) throw refusal(context, '/webhooks.list', response);
	const webhooks = (response.body as IDataObject | undefined)?.webhooks;
	return (Array.isArray(webhooks) ? (webhooks as RegisteredWebhook[]) : []).filter((webhook) => webhook?.url === url);
}

/** Registers a webhook for the events; answers its ID. */
export async function createWebhook(context: IHookFunctions, url: string, eventTypes: string[], secret: string): Promise<string> {
	const response = await callDevRev(context, '/webhooks.create', { url, event_types: eventTypes, secret });
	const id = ((response.body as IDataObject | undefined)?.webhook as IDataObject | undefined)?.id;
	if (response.statusCode >= 300 || typeof id !== 'string') throw refusal(context, '/webhooks.create', response);
	return id;
}

/** Deletes a webhook; one DevRev no longer has (404) counts as deleted. */
export async function deleteWebhook(context: IHookFunctions, id: string): Promise<void> {
	const response = await callDevRev(context, '/webhooks.delete', { id });
	if (response.statusCode >= 300 && response.statusCode !== 404) throw refusal(context, '/webhooks.delete', response);
}

/**
 * Whether a registered webhook delivers exactly these events, signed with this secret, and is active
 * (an `unverified` one never answered DevRev's verify, an `inactive` one was switched off: neither
 * delivers, so a new one is made).
 */
export function servesAsIs(webhook: RegisteredWebhook, eventTypes: string[], secret: string): boolean {
	const registered = [...(webhook.event_types ?? [])].sort();
	return (
		(webhook.status === undefined || webhook.status === 'active') &&
		JSON.stringify(registered) === JSON.stringify([...eventTypes].sort()) &&
		// DevRev may not show the secret again; when it does, it must be this node's.
		(webhook.secret === undefined || webhook.secret === secret)
	);
}
