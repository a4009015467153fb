import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

/**
 * Waits `ms`, or rejects as soon as the execution is cancelled. n8n-workflow's own `sleepWithAbort`
 * is gone from newer n8n (2.41), and nodes may not use timers directly, so it is built on `sleep`.
 * A cancelled wait's timer simply runs out; the wait itself ends at once.
 */
export async function sleepWithAbort(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new ManualExecutionCancelledError('');
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(new ManualExecutionCancelledError(''));
		signal?.addEventListener('abort', onAbort, { once: true });
		void sleep(ms).then(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		});
	});
}
