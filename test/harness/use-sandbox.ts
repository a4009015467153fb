import { createServer, type AddressInfo } from 'node:net';

import { Sandbox, type VendorSandbox, vendorModules } from '../sandbox';
import { shutdownEngine } from './engine';

/**
 * A spec's vendor sandbox: started before its tests, reset before each one, stopped (with n8n-core's
 * background timers) after them all.
 */
export function useSandbox(): VendorSandbox {
	const sandbox: VendorSandbox = new Sandbox(vendorModules);
	beforeAll(async () => {
		await sandbox.start();
	});
	afterAll(async () => {
		await sandbox.stop();
		await shutdownEngine();
	});
	beforeEach(() => sandbox.reset());
	return sandbox;
}

/** A URL nothing listens on (a port that was just opened and closed): requests there are refused. */
export async function refusingUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}
