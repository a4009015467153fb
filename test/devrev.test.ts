import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { testCredential } from './harness/credential-test';
import { CredentialStore, runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase } from './harness/vendor-cases';
import { DEVREV_TOKEN, type DevRevLink } from './sandbox/devrev';

const sandbox = useSandbox();

const credentials = (token = DEVREV_TOKEN) => vendorCase('devrev').credentials(sandbox.baseUrl('devrev'), { token });

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;

const linkByExpression: INodeParameters = {
	operation: 'link',
	linkType: '={{$json.type}}',
	source: '={{$json.source}}',
	target: '={{$json.target}}',
};

async function link(items: IDataObject[], extra: Partial<INodeParameters> = {}, continueOnFail = false) {
	return await runNode({
		node: 'devRev',
		parameters: { ...linkByExpression, ...extra },
		items,
		credentials: credentials(),
		continueOnFail,
	});
}

function storedLinks(): DevRevLink[] {
	return [...sandbox.state.devrev.links.values()];
}

function linkOutput(number: number, linkType: string, source: [string, string, number], target: [string, string, number]) {
	const end = ([kind, prefix, n]: [string, string, number]) => ({
		id: `don:core:dvrv-us-1:devo/0:${kind}/${n}`,
		display_id: `${prefix}-${n}`,
		type: kind,
		display_name: `${kind} ${n}`,
	});
	return {
		id: `don:core:dvrv-us-1:devo/0:link/${number}`,
		display_id: `LNK-${number}`,
		link_type: linkType,
		source: end(source),
		target: end(target),
		created_date: expect.any(String),
	};
}

describe('DevRev Link', () => {
	test('links one item and outputs the created link', async () => {
		const result = await link([{ type: 'is_related_to', source: issue(1), target: ticket(2) }]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: linkOutput(1, 'is_related_to', ['issue', 'ISS', 1], ['ticket', 'TKT', 2]), pairedItem: { item: 0 } },
		]);
		const [request] = sandbox.requestsFor('devrev', '/links.create');
		expect(request.body).toEqual({ link_type: 'is_related_to', source: issue(1), target: ticket(2) });
		expect(request.headers.authorization).toBe(`Bearer ${DEVREV_TOKEN}`);
		expect(storedLinks().map((l) => [l.source.id, l.target.id, l.link_type])).toEqual([
			[issue(1), ticket(2), 'is_related_to'],
		]);
	});

	test('links many items in input order, each paired with its input item', async () => {
		const types = ['is_dependent_on', 'is_parent_of', 'serves', 'imports', 'is_duplicate_of', 'developed_with'];
		const items = types.map((type, n) => ({ type, source: issue(n + 1), target: ticket(n + 100) }));

		const result = await link(items, { options: { concurrency: 4 } });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(items.length);
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({
				link_type: types[index],
				source: { id: issue(index + 1) },
				target: { id: ticket(index + 100) },
			});
		});
		expect(storedLinks()).toHaveLength(items.length);
		expect(sandbox.requestsFor('devrev', '/links.create')).toHaveLength(items.length);
	});

	test('a display id works as an end, and a custom link sends its custom link type', async () => {
		const result = await link([{ type: 'custom_link', source: 'ISS-7', target: 'TKT-8' }], {
			customLinkType: 'don:core:dvrv-us-1:devo/0:custom_link_type/1',
			options: { includeFullResponse: true },
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requestsFor('devrev', '/links.create')[0].body).toEqual({
			link_type: 'custom_link',
			source: 'ISS-7',
			target: 'TKT-8',
			custom_link_type: 'don:core:dvrv-us-1:devo/0:custom_link_type/1',
		});
		expect(result.items[0].json).toMatchObject({
			link_type: 'custom_link',
			custom_link_type: 'don:core:dvrv-us-1:devo/0:custom_link_type/1',
			source: { id: issue(7), display_id: 'ISS-7' },
			response: { link: { object_version: 1 } },
		});
	});

	test('an existing identical link is reported as already linked, not as a failure', async () => {
		await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);
		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			...linkOutput(1, 'serves', ['issue', 'ISS', 1], ['ticket', 'TKT', 1]),
			alreadyLinked: true,
		});
		expect(storedLinks()).toHaveLength(1);
	});
});

test('a plain $json read (read directly) and a full expression (evaluated by n8n) give the same items', async () => {
	const items = [
		{ link: { type: 'serves' }, source: issue(1), 'target id': ticket(1) },
		{ link: { type: 'imports' }, source: '', 'target id': ticket(2) },
		{ link: { type: 'serves' }, source: 42, 'target id': ticket(3) },
	];
	const run = async (parameters: INodeParameters) => {
		sandbox.reset();
		const result = await runNode({ node: 'devRev', parameters, items, credentials: credentials(), continueOnFail: true });
		return result.items.map((item) => item.json.error ?? [item.json.link_type, (item.json.source as IDataObject).id]);
	};

	const plain = await run({
		operation: 'link',
		linkType: '={{ $json.link.type }}',
		source: '={{$json.source}}',
		target: '={{ $json["target id"] }}',
	});
	const evaluated = await run({
		operation: 'link',
		linkType: '={{ $json.link.type.trim() }}',
		source: '={{ $json.source === undefined ? undefined : $json.source }}',
		target: '={{ [$json["target id"]][0] }}',
	});

	expect(plain).toEqual([
		['serves', issue(1)],
		'Invalid "Source" in item 1: must not be empty',
		'Invalid "Source" in item 2: must be text',
	]);
	expect(evaluated).toEqual(plain);
});

describe('DevRev Unlink', () => {
	test('deletes a link by its id', async () => {
		const created = await link([{ type: 'is_part_of', source: issue(1), target: ticket(1) }]);
		const linkId = created.items[0].json.id as string;

		const result = await runNode({
			node: 'devRev',
			parameters: { operation: 'unlink', unlinkBy: 'id', linkId: '={{$json.id}}' },
			items: [{ id: linkId }],
			credentials: credentials(),
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { id: linkId, deleted: true }, pairedItem: { item: 0 } }]);
		expect(storedLinks()).toEqual([]);
		expect(sandbox.requestsFor('devrev', '/links.delete')[0].body).toEqual({ id: linkId });
	});

	test('finds a link by source, target and type, deletes it, and reports a missing one per item', async () => {
		await link([
			{ type: 'is_related_to', source: issue(1), target: ticket(1) },
			{ type: 'is_related_to', source: issue(1), target: ticket(2) },
		]);

		const result = await runNode({
			node: 'devRev',
			parameters: {
				operation: 'unlink',
				unlinkBy: 'ends',
				linkType: 'is_related_to',
				source: '={{$json.source}}',
				target: '={{$json.target}}',
			},
			items: [
				{ source: issue(1), target: ticket(2) },
				{ source: issue(1), target: ticket(3) },
			],
			credentials: credentials(),
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0]).toEqual({
			json: { ...linkOutput(2, 'is_related_to', ['issue', 'ISS', 1], ['ticket', 'TKT', 2]), deleted: true },
			pairedItem: { item: 0 },
		});
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[1].json.error).toBe(`No "is_related_to" link from ${issue(1)} to ${ticket(3)} was found`);
		expect(storedLinks().map((l) => l.target.id)).toEqual([ticket(1)]);
	});

	test('an unknown link id fails with DevRev\'s message and status', async () => {
		const result = await runNode({
			node: 'devRev',
			parameters: { operation: 'unlink', unlinkBy: 'id', linkId: 'don:core:dvrv-us-1:devo/0:link/404' },
			items: [{}],
			credentials: credentials(),
		});

		expect(result.error?.message).toBe('DevRev answered 404: Link don:core:dvrv-us-1:devo/0:link/404 not found');
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
	});
});

describe('DevRev credential', () => {
	test('the credential test passes with a good token and fails with a bad one', async () => {
		const baseUrl = sandbox.baseUrl('devrev');
		expect(await testCredential('recordLinksDevRevApi', { token: DEVREV_TOKEN, baseUrl })).toMatchObject({ ok: true, status: 200 });
		expect(await testCredential('recordLinksDevRevApi', { token: 'wrong', baseUrl: `${baseUrl}/` })).toMatchObject({
			ok: false,
			status: 401,
		});
		expect(sandbox.requestsFor('devrev', '/dev-users.self')).toHaveLength(2);
	});

	test('a token pasted with "Bearer " is sent once, not twice', async () => {
		const store = new CredentialStore();
		store.set('recordLinksDevRevApi', { token: `  Bearer ${DEVREV_TOKEN} `, baseUrl: `${sandbox.baseUrl('devrev')}/` });

		const result = await runNode({
			node: 'devRev',
			parameters: { operation: 'link', linkType: 'serves', source: issue(1), target: ticket(1) },
			items: [{}],
			credentials: store,
		});

		expect(result.error).toBeUndefined();
		// links.list (is the link there already?) and links.create
		expect(sandbox.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${DEVREV_TOKEN}`, `Bearer ${DEVREV_TOKEN}`]);
	});

	test('a rejected token fails the node with DevRev\'s 401 and never shows the token', async () => {
		const secret = 'devrev-secret-that-must-not-leak';
		const store = new CredentialStore();
		store.set('recordLinksDevRevApi', { token: secret, baseUrl: sandbox.baseUrl('devrev') });

		const result = await runNode({
			node: 'devRev',
			parameters: { operation: 'link', linkType: 'serves', source: issue(1), target: ticket(1) },
			items: [{}],
			credentials: store,
		});

		expect(result.error?.message).toBe('DevRev answered 401: Unauthorized: invalid or missing token');
		expect((result.error as { httpCode?: string }).httpCode).toBe('401');
		expect(JSON.stringify(result.run.data)).not.toContain(secret);
		expect(sandbox.requests).toHaveLength(1);
	});
});

describe('DevRev bad input', () => {
	test.each([
		['an empty source', { type: 'serves', source: '', target: ticket(1) }, 'Invalid "Source" in item 0: must not be empty'],
		['a missing target', { type: 'serves', source: issue(1) }, 'Invalid "Target" in item 0: is required'],
		['a number as source', { type: 'serves', source: 42, target: ticket(1) }, 'Invalid "Source" in item 0: must be text'],
		['an unknown link type', { type: 'blocks', source: issue(1), target: ticket(1) }, 'Invalid "Link Type" in item 0: must be one of'],
		['a line break in an id', { type: 'serves', source: `${issue(1)}\n`, target: `${ticket(1)}\r\nX` }, 'Invalid "Target" in item 0: must not contain line breaks'],
	])('%s stops the node before anything is sent', async (_case, item, message) => {
		const result = await link([item]);

		expect(result.error?.message).toContain(message);
		expect(result.error?.description).toBe('Nothing was sent for this item.');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a custom link without its custom link type names that field', async () => {
		const result = await link([{ type: 'custom_link', source: issue(1), target: ticket(1) }]);
		expect(result.error?.message).toBe('Invalid "Custom Link Type" in item 0: is required for a custom link');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('with Continue On Fail, bad and failing items become error items and the rest are linked', async () => {
		sandbox.state.devrev.missingObjects.add(ticket(404));
		const result = await link(
			[
				{ type: 'serves', source: issue(1), target: ticket(1) },
				{ type: 'serves', source: '', target: ticket(2) },
				{ type: 'serves', source: issue(3), target: ticket(404) },
				{ type: 'imports', source: issue(4), target: ticket(4) },
			],
			{},
			true,
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(result.items[0].json).toMatchObject({ source: { id: issue(1) } });
		expect(result.items[1].json).toEqual({ error: 'Invalid "Source" in item 1: must not be empty' });
		expect(result.items[1].error?.description).toBe('Nothing was sent for this item.');
		expect(result.items[2].json).toEqual({ error: `DevRev answered 404: Object ${ticket(404)} not found` });
		expect((result.items[2].error as { httpCode?: string }).httpCode).toBe('404');
		expect(result.items[3].json).toMatchObject({ link_type: 'imports', source: { id: issue(4) } });
		// Nothing was sent for the bad item: three creates for four items.
		expect(sandbox.requestsFor('devrev', '/links.create').map((r) => (r.body as { source: string }).source)).toEqual(
			expect.arrayContaining([issue(1), issue(3), issue(4)]),
		);
		expect(sandbox.requestsFor('devrev', '/links.create')).toHaveLength(3);
		expect(storedLinks().map((l) => l.source.id).sort()).toEqual([issue(1), issue(4)]);
	});
});

describe('DevRev retries', () => {
	test('a 429 is waited out as Retry-After says, then the link is made once', async () => {
		sandbox.addFault({
			vendor: 'devrev',
			path: '/links.create',
			fault: {
				kind: 'status',
				status: 429,
				headers: { 'Retry-After': '1' },
				body: { type: 'too_many_requests', message: 'Slow down', retry_after: 1 },
			},
		});

		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);

		expect(result.error).toBeUndefined();
		const creates = sandbox.requestsFor('devrev', '/links.create');
		expect(creates).toHaveLength(2);
		expect(creates[1].receivedAt - creates[0].receivedAt).toBeGreaterThanOrEqual(950);
		expect(storedLinks()).toHaveLength(1);
	});

	test('a 429 with only a body retry_after is honoured too', async () => {
		sandbox.addFault({
			vendor: 'devrev',
			path: '/links.create',
			fault: { kind: 'status', status: 429, body: { type: 'too_many_requests', retry_after: 1 } },
		});
		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);
		const creates = sandbox.requestsFor('devrev', '/links.create');
		expect(result.error).toBeUndefined();
		expect(creates[1].receivedAt - creates[0].receivedAt).toBeGreaterThanOrEqual(950);
	});

	test('a 503 is retried and the link is made once', async () => {
		sandbox.addFault({
			vendor: 'devrev',
			path: '/links.create',
			times: 2,
			fault: { kind: 'status', status: 503, body: { type: 'service_unavailable', message: 'Try later' } },
		});

		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requestsFor('devrev', '/links.create')).toHaveLength(3);
		expect(storedLinks()).toHaveLength(1);
	});

	test('a connection dropped after DevRev made the link is retried without making a second link', async () => {
		sandbox.addFault({ vendor: 'devrev', path: '/links.create', fault: { kind: 'drop-after' } });

		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ id: 'don:core:dvrv-us-1:devo/0:link/1', alreadyLinked: true });
		expect(storedLinks()).toHaveLength(1);
	});

	test('a 500 is not retried and fails with DevRev\'s message and reference id', async () => {
		sandbox.addFault({
			vendor: 'devrev',
			path: '/links.create',
			fault: { kind: 'status', status: 500, body: { type: 'internal_error', message: 'Boom', reference_id: 'ref-42' } },
		});

		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }]);

		expect(result.error?.message).toBe('DevRev answered 500: Boom');
		expect(result.error?.description).toContain('ref-42');
		expect(sandbox.requestsFor('devrev', '/links.create')).toHaveLength(1);
	});

	test('retries give up after Max Retries', async () => {
		sandbox.addFault({ vendor: 'devrev', path: '/links.create', times: 10, fault: { kind: 'status', status: 502 } });

		const result = await link([{ type: 'serves', source: issue(1), target: ticket(1) }], { options: { maxRetries: 1 } });

		expect(result.error?.message).toBe('DevRev answered 502: no details given');
		expect(sandbox.requestsFor('devrev', '/links.create')).toHaveLength(2);
	});
});
