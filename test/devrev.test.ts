import { CredentialStore, runNode, shutdownEngine } from './harness/engine';
import { startSandbox, type VendorSandbox } from './sandbox';
import { DEVREV_TOKEN } from './sandbox/devrev';

let sandbox: VendorSandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox.stop();
	await shutdownEngine();
});
beforeEach(() => sandbox.reset());

function credentials(token = DEVREV_TOKEN) {
	const store = new CredentialStore();
	store.set('devRevApi', { token, baseUrl: sandbox.baseUrl('devrev') });
	return store;
}

const issue = (n: number) => `don:core:dvrv-us-1:devo/0:issue/${n}`;
const ticket = (n: number) => `don:core:dvrv-us-1:devo/0:ticket/${n}`;

test('smoke: links one item', async () => {
	const result = await runNode({
		node: 'devRev',
		parameters: { operation: 'link', linkType: 'is_related_to', source: '={{$json.s}}', target: '={{$json.t}}' },
		items: [{ s: issue(1), t: ticket(2) }],
		credentials: credentials(),
	});
	console.log(JSON.stringify(result.items, null, 1), result.error);
	expect(result.error).toBeUndefined();
});
