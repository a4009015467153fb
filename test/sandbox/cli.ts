/**
 * Runs the vendor sandbox on its own: `npx tsx test/sandbox/cli.ts [--port 5680] [--host 127.0.0.1]`.
 * Prints each vendor's base URL (what a credential's URL field takes); Ctrl-C stops it.
 */
import { VENDORS } from '../../scripts/vendors';
import { startSandbox } from './index';

function argument(flag: string): string | undefined {
	const index = process.argv.indexOf(flag);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
	const port = Number(argument('--port') ?? process.env.SANDBOX_PORT ?? 0);
	const host = argument('--host') ?? '127.0.0.1';
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
	const sandbox = await startSandbox({ port, host });
	process.stdout.write(`Vendor sandbox listening on ${sandbox.url}\n`);
	for (const { key } of VENDORS) {
		process.stdout.write(`  ${key.padEnd(8)} ${sandbox.baseUrl(key)}\n`);
	}
	process.stdout.write('Credentials for it: examples/sandbox-credentials/ (replace {{sandboxUrl}}). Ctrl-C stops it.\n');
	const stop = () => {
		void sandbox.stop().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
