/**
 * Commands and process groups: a command run to completion, or started in its own process group so
 * that it and its children are stopped together and nothing outlives us.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type Log = (line: string) => void;

/** Runs a command (no shell), its output passed through; rejects when it fails. */
export async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
	const child = spawn(command, args, { stdio: 'inherit', ...options });
	const code = await exited(child);
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit code ${code})`);
}

/** Resolves with the child's exit code once it has exited (at once when it already has). */
export async function exited(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
	return await new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => resolve(code));
	});
}

export interface Captured {
	code: number | null;
	/** stdout and stderr, in the order they arrived. */
	output: string;
}

/**
 * Runs a command (no shell) and collects its output. It resolves on the child's `close` event, which
 * comes after its stdout and stderr have been read to the end: `exit` can come first, with a long
 * output still unread.
 */
export async function capture(command: string, args: string[], options: SpawnOptions = {}): Promise<Captured> {
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, output }));
	});
}

/** npm's command on this platform. */
export function npmCommand(): string {
	return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Whether a command (no shell, output ignored) exits with 0. */
export async function succeeds(command: string, args: string[], cwd: string): Promise<boolean> {
	try {
		await run(command, args, { cwd, stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** The process groups we started (n8n, services) that have not exited yet. */
const running = new Set<ChildProcess>();

/**
 * Starts a command in its own process group, so that it and its children (n8n's task runner, say)
 * can be stopped together (and a Ctrl-C in the terminal reaches us, not them: we stop them in order).
 */
export function spawnGroup(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
	const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	running.add(child);
	child.once('exit', () => running.delete(child));
	return child;
}

/** Stops every process group started here and still running (for Ctrl-C in the middle of a command). */
export async function stopAllN8n(): Promise<void> {
	await Promise.all([...running].map(async (child) => await stopGroup(child)));
}

/** Signals a whole process group; quiet when it is already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

/**
 * Stops a process group: `signal` (SIGTERM unless told), then SIGKILL after `graceMs`; also reaps
 * leftover children.
 */
export async function stopGroup(child: ChildProcess, graceMs = 15_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) {
		killGroup(child, signal);
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
		try {
			await exited(child).catch(() => undefined);
		} finally {
			clearTimeout(timer);
		}
	}
	killGroup(child, 'SIGKILL');
}

/** Resolves when the child's stdout and stderr have closed (all its output has been read). */
export async function streamsClosed(child: ChildProcess): Promise<void> {
	await Promise.all(
		[child.stdout, child.stderr].map(
			async (stream) =>
				await new Promise<void>((resolve) => {
					if (!stream || stream.readableEnded || stream.destroyed) resolve();
					else stream.once('close', () => resolve());
				}),
		),
	);
}
