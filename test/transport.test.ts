/** Transport rules every node shares: TLS with self-signed certificates, and stopping on cancel. */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore, runNode } from './harness/engine';
import { useSandbox } from './harness/use-sandbox';
import { vendorCase, vendorCases } from './harness/vendor-cases';
import { DEVREV_TOKEN } from './sandbox/devrev';
import { fairComActions, listLinks } from './sandbox/faircom';

const sandbox = useSandbox();

describe('FairCom over HTTPS with a self-signed certificate', () => {
	const overHttps = (ignoreSslIssues: boolean) => vendorCase('faircom').credentials(sandbox.secureBaseUrl('faircom'), { ignoreSslIssues });

	const linkOne = async (ignoreSslIssues: boolean) =>
		await runNode({
			node: 'fairCom',
			parameters: { operation: 'link', labels: { label: [{ name: 'urgent', group: '' }] }, tableName: 'orders', ids: '1,2' },
			items: [{}],
			credentials: overHttps(ignoreSslIssues),
		});

	test('is refused with a clear certificate error when "Ignore SSL Issues" is off (the default)', async () => {
		const result = await linkOne(false);

		expect(result.error?.message).toMatch(/FairCom's TLS certificate was rejected \(\w*SELF_SIGNED\w*\)/);
		expect(result.error?.message).toContain('turn on "Ignore SSL Issues" in the credential');
		// The TLS handshake failed, so the server never saw a request.
		expect(sandbox.requestCount).toBe(0);
		expect(listLinks(sandbox.state.faircom)).toEqual([]);
	});

	test('works when "Ignore SSL Issues" is on', async () => {
		const result = await linkOne(true);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ operation: 'link', tableName: 'orders', ids: [1, 2], linked: true });
		expect(listLinks(sandbox.state.faircom).map((link) => link.id)).toEqual([1, 2]);
		expect(fairComActions(sandbox.requests)).toEqual(['createSession', 'linkLabelsToRecords', 'deleteSession']);
	});
});

describe('the credential', () => {
	test.each(vendorCases.map((testCase) => [testCase.displayName, testCase] as const))(
		'%s: n8n loads it once per execution, not once per request',
		async (_name, testCase) => {
			const store = testCase.credentials(sandbox.baseUrl(testCase.vendor));
			testCase.prepare?.(sandbox, 6);
			const items = Array.from({ length: 6 }, (_, n) => testCase.item(n));
			// One request per item, batching vendors too.
			const parameters = testCase.parameters({ batchSize: 1, mergeItems: false });
			const result = await runNode({ node: testCase.node, parameters, items, credentials: store });

			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(items.length);
			expect(testCase.linkRequests(sandbox)).toHaveLength(items.length);
			expect(store.loads.get(testCase.credentialType)).toBe(1);
		},
	);
});

describe('cancelling an execution', () => {
	test('stops further requests promptly', async () => {
		sandbox.latencyMs = 40;
		const store = vendorCase('devrev').credentials(sandbox.baseUrl('devrev'));
		const items: IDataObject[] = Array.from({ length: 300 }, (_, n) => ({ source: `ISS-${n + 1}`, target: `TKT-${n + 1}` }));
		let execution: { cancel(): void } | undefined;
		let cancelledAt = 0;
		const watcher = setInterval(() => {
			if (sandbox.requestCount >= 10 && execution) {
				clearInterval(watcher);
				cancelledAt = sandbox.requestCount;
				execution.cancel();
			}
		}, 2);

		try {
			await runNode({
				node: 'devRev',
				parameters: {
					operation: 'link',
					linkType: 'serves',
					source: '={{$json.source}}',
					target: '={{$json.target}}',
					options: { concurrency: 4 },
				},
				items,
				credentials: store,
				onStart: (running) => (execution = running),
			});
		} finally {
			clearInterval(watcher);
			sandbox.latencyMs = 0;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));

		expect(cancelledAt).toBeGreaterThanOrEqual(10);
		// Only requests already in flight at the cancel (Concurrency 4) may still arrive.
		expect(sandbox.requestCount - cancelledAt).toBeLessThanOrEqual(4);
		expect(sandbox.state.devrev.links.size).toBeLessThan(items.length);
	});
});

describe('Redirects', () => {
	test('a redirect is not followed: the item fails with the redirect named, nothing is sent elsewhere', async () => {
		sandbox.addFault({
			vendor: 'devrev',
			path: '/links.create',
			fault: { kind: 'status', status: 301, body: '', headers: { location: `${sandbox.baseUrl('devrev')}/elsewhere?x=1` } },
		});
		const store = new CredentialStore();
		store.set('recordLinksDevRevApi', { token: DEVREV_TOKEN, baseUrl: sandbox.baseUrl('devrev') });
		const result = await runNode({
			node: 'devRev',
			parameters: { operation: 'link', linkType: 'is_related_to', source: '={{$json.source}}', target: '={{$json.target}}' },
			items: [{ source: 'don:core:dvrv-us-1:devo/0:issue/1', target: 'don:core:dvrv-us-1:devo/0:ticket/1' }],
			credentials: store,
			continueOnFail: true,
		});
		expect(result.items.map((item) => item.json)).toEqual([
			{ error: `DevRev answered 301: a redirect to ${sandbox.baseUrl('devrev')}/elsewhere` },
		]);
		// One link call, not repeated, and the redirect's target was never called.
		expect(sandbox.requests.filter((request) => request.path === '/links.create')).toHaveLength(1);
		expect(sandbox.requests.filter((request) => request.path.startsWith('/elsewhere'))).toEqual([]);
		expect(sandbox.state.devrev.links.size).toBe(0);
	});
});
