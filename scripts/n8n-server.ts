/**
 * n8n as a server: `n8n start` (the editor and REST API) or `n8n worker` (queue mode), each waited
 * for until ready and logging to its user folder; and the instance owner's setup and login.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type N8nOptions, spawnN8n } from './n8n-cli';
import { stopGroup } from './processes';
import { VENDORS } from './vendors';

/** The owner account `npm start` sets up (a local, throwaway instance). */
export const DEFAULT_OWNER = {
	email: 'owner@example.com',
	password: 'Sandbox-Owner-1',
	firstName: 'Sandbox',
	lastName: 'Owner',
};

export interface N8nServer {
	process: ChildProcess;
	/** Where n8n listens (loopback), for requests. */
	url: string;
	logFile: string;
	stop(): Promise<void>;
}

type ServerOptions = N8nOptions & { readyTimeoutMs?: number; onLine?: (line: string) => void };

/** Starts `n8n start`, logging to `<userFolder>/n8n.log`, and waits until it is ready. */
export async function startN8nServer(options: ServerOptions & { port: number }): Promise<N8nServer> {
	return await startN8nProcess(['start'], options, options.port, async (url) => await editorReady(url));
}

/**
 * Starts `n8n worker` (queue mode: `options.env` carries the database and Redis settings), logging
 * to `<userFolder>/n8n.log`, and waits until its health server says it is ready (database and
 * Redis connected). `healthPort` is the worker's own health endpoint port.
 */
export async function startN8nWorker(options: ServerOptions & { healthPort: number; concurrency?: number }): Promise<N8nServer> {
	const args = ['worker', ...(options.concurrency ? [`--concurrency=${options.concurrency}`] : [])];
	const env = { ...options.env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(options.healthPort) };
	return await startN8nProcess(args, { ...options, env }, options.healthPort, async (url) => (await fetch(`${url}/healthz/readiness`)).ok);
}

async function startN8nProcess(
	args: string[],
	options: ServerOptions,
	port: number,
	isReady: (url: string) => Promise<boolean>,
): Promise<N8nServer> {
	const logFile = join(options.userFolder, 'n8n.log');
	const log = createWriteStream(logFile, { flags: 'a' });
	const child = spawnN8n(args, { logLevel: 'info', ...options });
	let tail = '';
	const onData = (chunk: Buffer) => {
		log.write(chunk);
		tail = (tail + chunk.toString()).slice(-4000);
		if (options.onLine) chunk.toString().split(/\r?\n/).filter(Boolean).forEach(options.onLine);
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const url = `http://127.0.0.1:${port}`;
	const server: N8nServer = {
		process: child,
		url,
		logFile,
		async stop() {
			await stopGroup(child);
			await new Promise((resolve) => log.end(resolve));
		},
	};
	try {
		await waitForReady(url, child, options.readyTimeoutMs ?? 120_000, () => tail, isReady);
	} catch (error) {
		await server.stop();
		throw error;
	}
	return server;
}

/** Readiness comes before the REST routes are registered: wait for both. */
async function editorReady(url: string): Promise<boolean> {
	const readiness = await fetch(`${url}/healthz/readiness`);
	await readiness.arrayBuffer();
	if (!readiness.ok) return false;
	const settings = await fetch(`${url}/rest/settings`);
	await settings.arrayBuffer();
	return settings.ok && settings.headers.get('content-type')?.includes('json') === true;
}

async function waitForReady(
	url: string,
	child: ChildProcess,
	timeoutMs: number,
	tail: () => string,
	isReady: (url: string) => Promise<boolean>,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`n8n exited (code ${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`);
		}
		try {
			if (await isReady(url)) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`n8n was not ready within ${timeoutMs / 1000}s:\n${tail()}`);
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** Sets up the instance owner unless it already exists; true when it was set up now. */
export async function setupOwner(url: string, owner: Owner): Promise<boolean> {
	const settings = (await (await fetch(`${url}/rest/settings`)).json()) as {
		data: { userManagement: { showSetupOnFirstLoad?: boolean } };
	};
	if (!settings.data.userManagement.showSetupOnFirstLoad) return false;
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	if (!response.ok) throw new Error(`Owner setup failed: ${response.status} ${await response.text()}`);
	return true;
}

/** Logs in and returns the session cookie header value. */
export async function login(url: string, owner: Pick<Owner, 'email' | 'password'>): Promise<string> {
	const response = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!response.ok) throw new Error(`Login failed: ${response.status} ${await response.text()}`);
	return response.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0])
		.join('; ');
}

const PROBLEM = /\b(warn(ing)?|error|deprecat\w*|fail\w*|invalid|unknown|unrecognized|could not|cannot)\b/i;
// n8n colours its log lines.
const COLOUR = /\x1b\[[0-9;]*m/g;

/**
 * The lines of an n8n log that name a vendor package (its name, node types or credential type) and read
 * as a warning or an error: a deprecation n8n prints about a node, a type it cannot load, a failure.
 */
export function packLogProblems(logFile: string): string[] {
	const names = VENDORS.flatMap((vendor) => [vendor.packageName, vendor.credentialType]);
	return readFileSync(logFile, 'utf8')
		.replace(COLOUR, '')
		.split(/\r?\n/)
		.filter((line) => names.some((name) => line.includes(name)) && PROBLEM.test(line));
}
