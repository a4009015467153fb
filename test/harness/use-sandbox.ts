import { appendFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

import { Sandbox, type VendorSandbox, vendorModules } from '../sandbox';
import { unicatServerAddress, type UnicatServerAddress } from '../sandbox/unicat';
import { shutdownEngine } from './engine';

/**
 * A spec's vendor sandbox: started before its tests, reset before each one, stopped (with n8n-core's
 * background timers) after them all. A test fails when a request the nodes sent, or an answer the
 * sandbox gave, departs from the vendor's published contract (test/contracts/).
 */
export function useSandbox(): VendorSandbox {
	const sandbox: VendorSandbox = new Sandbox(vendorModules);
	beforeAll(async () => {
		await sandbox.start();
	});
	afterEach(() => {
		const departures = [...new Set(sandbox.contractViolations)];
		if (departures.length > 0) throw new Error(`Departures from the vendors' contracts:\n${departures.join('\n')}`);
	});
	afterAll(async () => {
		const directory = process.env.RECORD_LINKS_LEAK_DIR;
		if (directory) appendFileSync(join(directory, `contracts-${process.pid}.jsonl`), `${sandbox.contractChecks}\n`);
		await sandbox.stop();
		await shutdownEngine();
	});
	beforeEach(() => sandbox.reset());
	return sandbox;
}

/**
 * Each test its own address of the sandbox's Unicat (see `unicatServerAddress`): a server the node
 * has not met, since it keeps what it learns about a server for the life of its process.
 */
export function useUnicatServerPerTest(sandbox: VendorSandbox): () => UnicatServerAddress {
	let server: UnicatServerAddress | undefined;
	beforeEach(async () => {
		server = await unicatServerAddress(sandbox.baseUrl('unicat'));
	});
	afterEach(async () => await server?.close());
	return () => {
		if (!server) throw new Error('No Unicat address outside a test');
		return server;
	};
}

/** A URL nothing listens on (a port that was just opened and closed): requests there are refused. */
export async function refusingUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}
