/**
 * n8n's command line: the environment n8n runs with, and one CLI command run to completion (import
 * credentials and workflows, activate a workflow).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CredentialJson, WorkflowJson } from './examples';
import { N8N_1X, N8N_BIN, N8N_NODE, n8nLineEnv } from './n8n-install';
import { exited, killGroup, spawnGroup, streamsClosed } from './processes';

export interface N8nOptions {
	userFolder: string;
	/** The editor/REST port (`n8n start`). */
	port?: number;
	/** The task broker port; each n8n process needs its own. */
	brokerPort: number;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** More settings (queue mode's database, Redis, encryption key, …), applied last. */
	env?: NodeJS.ProcessEnv;
}

/** The environment n8n runs with: its own user folder and ports, offline and quiet. */
export function n8nEnv({ userFolder, port, brokerPort, logLevel = 'warn', env: extra = {} }: N8nOptions): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	// No tsx or jest loaders inside n8n, and not jest's NODE_ENV=test (which silences n8n's logger).
	delete env.NODE_OPTIONS;
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		...(port ? { N8N_PORT: String(port) } : {}),
		N8N_LISTEN_ADDRESS: process.env.N8N_LISTEN_ADDRESS ?? '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LOG_LEVEL: logLevel,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// The pack is an unverified community package; n8n 2.41 warns that this default will change.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		DB_SQLITE_POOL_SIZE: '2',
		...n8nLineEnv(env.PATH),
		...extra,
	};
}

/** Starts an n8n command (`start`, `worker`, `execute`, …) in its own process group. */
export function spawnN8n(args: string[], options: N8nOptions): ChildProcess {
	return spawnGroup(N8N_NODE, [N8N_BIN, ...args], { cwd: options.userFolder, env: n8nEnv(options) });
}

export interface CommandResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs one n8n CLI command (`import:workflow`, `execute`, …) to completion. */
export async function n8nCommand(
	args: string[],
	options: N8nOptions & { timeoutMs?: number },
): Promise<CommandResult> {
	const child = spawnN8n(args, options);
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs ?? 120_000);
	try {
		const code = await exited(child);
		await streamsClosed(child);
		return { code, stdout, stderr };
	} finally {
		clearTimeout(timer);
		killGroup(child, 'SIGKILL');
	}
}

/** Like n8nCommand, but throws with n8n's output when the command fails. */
export async function n8nCommandOrThrow(args: string[], options: N8nOptions & { timeoutMs?: number }): Promise<CommandResult> {
	const result = await n8nCommand(args, options);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} failed (exit code ${result.code}):\n${result.stdout}\n${result.stderr}`);
	}
	return result;
}

/** Imports credentials (decrypted `data`, encrypted by n8n on import) into the user folder's n8n. */
export async function importCredentials(credentials: CredentialJson[], options: N8nOptions): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'record-links-credentials-'));
	try {
		const file = join(dir, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await n8nCommandOrThrow(['import:credentials', `--input=${file}`], options);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Imports workflows, each with its fixed `id` (tests and `npm start` find them by it). */
export async function importWorkflows(workflows: WorkflowJson[], options: N8nOptions): Promise<void> {
	if (workflows.length === 0) return;
	const dir = mkdtempSync(join(tmpdir(), 'record-links-workflows-'));
	try {
		workflows.forEach((workflow, index) => writeFileSync(join(dir, `${index}.json`), JSON.stringify(workflow, null, 2)));
		await n8nCommandOrThrow(['import:workflow', '--separate', `--input=${dir}`], options);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Activates an imported workflow so that its trigger (a webhook, say) is live when n8n starts: 2.x
 * publishes its current version, 1.x sets it active.
 */
export async function activateWorkflow(id: string, options: N8nOptions): Promise<void> {
	await n8nCommandOrThrow(N8N_1X ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`], options);
}
