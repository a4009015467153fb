/** Starts the sandbox process (sandbox-process.ts) and talks to it. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

import type { SandboxCommand, SandboxReady } from './sandbox-process';

/** Node flags for a child that runs TypeScript through tsx. */
export const TSX_EXEC_ARGV = ['--import', 'tsx'];

export class SandboxClient {
	private nextId = 0;
	private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

	private constructor(
		private readonly child: ChildProcess,
		readonly url: string,
		readonly baseUrls: Record<string, string>,
	) {
		child.on('message', (raw) => {
			const reply = raw as { id?: number; result?: unknown; error?: string };
			if (reply.id === undefined) return;
			const waiter = this.pending.get(reply.id);
			this.pending.delete(reply.id);
			if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
			else waiter?.resolve(reply.result);
		});
	}

	static async start(): Promise<SandboxClient> {
		const child = fork(join(__dirname, 'sandbox-process.ts'), [], {
			execArgv: TSX_EXEC_ARGV,
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const ready = await new Promise<SandboxReady>((resolve, reject) => {
			child.once('error', reject);
			child.once('exit', (code) => reject(new Error(`The sandbox process exited (${code})`)));
			child.on('message', (message) => {
				if ((message as SandboxReady).type === 'ready') resolve(message as SandboxReady);
			});
		});
		child.removeAllListeners('exit');
		return new SandboxClient(child, ready.url, ready.baseUrls);
	}

	has(vendor: string): boolean {
		return vendor in this.baseUrls;
	}

	baseUrl(vendor: string): string {
		const url = this.baseUrls[vendor];
		if (!url) throw new Error(`The sandbox has no ${vendor} module`);
		return url;
	}

	async send<T = unknown>(message: SandboxCommand): Promise<T> {
		const id = ++this.nextId;
		return await new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			this.child.send({ id, message });
		});
	}

	/** Fresh state, no rate limits, the given latency. */
	async prepare(latencyMs: number): Promise<void> {
		await this.send({ cmd: 'reset' });
		await this.send({ cmd: 'latency', ms: latencyMs });
	}

	async requestCount(): Promise<number> {
		return (await this.send<{ requestCount: number }>({ cmd: 'stats' })).requestCount;
	}

	async linkCount(vendor: string): Promise<number | undefined> {
		return await this.send<number | undefined>({ cmd: 'linkCount', vendor });
	}

	async stop(): Promise<void> {
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.disconnect();
		await exited;
	}
}
