/**
 * Real n8n for `npm start` and the end-to-end tests: installs n8n (2.8.4, or the version in the
 * environment variable N8N_VERSION) into an ignored cache folder, packs this pack and installs it into an n8n user folder the way n8n installs a community
 * package, generates sandbox credentials, and runs n8n commands and servers in their own process
 * groups so that nothing outlives us.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-record-links';
/** The n8n every test and `npm start` run: 2.8.4 unless N8N_VERSION names another (the 1.x leg). */
export const N8N_VERSION = process.env.N8N_VERSION || '2.8.4';
/** True on the n8n 1.x line, whose CLI and REST API differ in a few places. */
export const N8N_1X = N8N_VERSION.startsWith('1.');
export const N8N_HOME = join(ROOT, '.cache', `n8n-${N8N_VERSION}`);
const N8N_BIN = join(N8N_HOME, 'node_modules', 'n8n', 'bin', 'n8n');
const INSTALLED_MARKER = join(N8N_HOME, '.installed');
export const EXAMPLES_DIR = join(ROOT, 'examples');
const SANDBOX_CREDENTIALS_DIR = join(EXAMPLES_DIR, 'sandbox-credentials');
/** The AI Agent example: every vendor's node as a tool, with a chat model (no vendor prefix). */
export const AGENT_EXAMPLE = join(EXAMPLES_DIR, 'ai-agent-links-records.json');

/** The owner account `npm start` sets up (a local, throwaway instance). */
export const DEFAULT_OWNER = {
	email: 'owner@example.com',
	password: 'Sandbox-Owner-1',
	firstName: 'Sandbox',
	lastName: 'Owner',
};

export interface VendorInfo {
	/** The sandbox module name and the prefix of the example files. */
	key: string;
	displayName: string;
	node: string;
	credentialType: string;
	/** The node's entry in package.json `n8n.nodes`. */
	nodeFile: string;
}

export const VENDORS: VendorInfo[] = [
	{ key: 'datagol', displayName: 'DataGOL', node: 'dataGol', credentialType: 'recordLinksDataGolApi', nodeFile: 'dist/nodes/DataGol/DataGol.node.js' },
	{ key: 'tulip', displayName: 'Tulip', node: 'tulip', credentialType: 'recordLinksTulipApi', nodeFile: 'dist/nodes/Tulip/Tulip.node.js' },
	{ key: 'unicat', displayName: 'Unicat', node: 'unicat', credentialType: 'recordLinksUnicatApi', nodeFile: 'dist/nodes/Unicat/Unicat.node.js' },
	{ key: 'faircom', displayName: 'FairCom', node: 'fairCom', credentialType: 'recordLinksFairComApi', nodeFile: 'dist/nodes/FairCom/FairCom.node.js' },
	{ key: 'devrev', displayName: 'DevRev', node: 'devRev', credentialType: 'recordLinksDevRevApi', nodeFile: 'dist/nodes/DevRev/DevRev.node.js' },
];

export type Log = (line: string) => void;

interface PackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

export function readPackageJson(): PackageJson {
	return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * The vendors this checkout can run end to end: the node is in package.json, the sandbox speaks
 * the vendor, and its examples and sandbox credential exist.
 */
export function presentVendors(sandboxVendors: string[]): VendorInfo[] {
	const nodes = readPackageJson().n8n?.nodes ?? [];
	return VENDORS.filter(
		(vendor) =>
			nodes.includes(vendor.nodeFile) &&
			sandboxVendors.includes(vendor.key) &&
			existsSync(join(SANDBOX_CREDENTIALS_DIR, `${vendor.key}.json`)) &&
			exampleFiles(vendor).length > 0,
	);
}

/** The example workflow files of a vendor: `examples/<key>-*.json`. */
export function exampleFiles(vendor: VendorInfo): string[] {
	if (!existsSync(EXAMPLES_DIR)) return [];
	return readdirSync(EXAMPLES_DIR)
		.filter((name) => name.startsWith(`${vendor.key}-`) && name.endsWith('.json'))
		.sort()
		.map((name) => join(EXAMPLES_DIR, name));
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; [key: string]: unknown }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export function readWorkflow(file: string): WorkflowJson {
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** The sandbox credential of each vendor, pointing at a sandbox listening on `sandboxUrl`. */
export function sandboxCredentials(vendors: VendorInfo[], sandboxUrl: string): CredentialJson[] {
	return vendors.map((vendor) => {
		const template = readFileSync(join(SANDBOX_CREDENTIALS_DIR, `${vendor.key}.json`), 'utf8');
		return JSON.parse(template.split('{{sandboxUrl}}').join(sandboxUrl)) as CredentialJson;
	});
}

/** Runs a command (no shell), its output passed through; rejects when it fails. */
export async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
	const child = spawn(command, args, { stdio: 'inherit', ...options });
	const code = await exited(child);
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit code ${code})`);
}

async function exited(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
	return await new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => resolve(code));
	});
}

/** Compiles the pack into dist/. */
export async function buildPack(): Promise<void> {
	await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
}

function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * Installs n8n into `.cache/n8n-<version>` unless it is already there. The xlsx override replaces
 * n8n's default xlsx tarball URL, which is unreachable offline.
 */
export async function ensureN8n(log: Log = console.log): Promise<void> {
	if (existsSync(INSTALLED_MARKER) && existsSync(N8N_BIN)) return;
	const started = Date.now();
	log(`Installing n8n ${N8N_VERSION} into ${N8N_HOME} (first run only: about 5 minutes and 2.3 GB)…`);
	mkdirSync(N8N_HOME, { recursive: true });
	writeFileSync(
		join(N8N_HOME, 'package.json'),
		`${JSON.stringify(
			{ name: 'n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { xlsx: '0.18.5' } },
			null,
			2,
		)}\n`,
	);
	const modules = join(N8N_HOME, 'node_modules');
	const heartbeat = setInterval(() => {
		const phase = existsSync(modules) ? 'fetching and unpacking packages, building native addons' : 'resolving dependencies';
		log(`  … still installing n8n (${formatDuration(Date.now() - started)} so far): ${phase}`);
	}, 20_000);
	try {
		await run(npmCommand(), ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: N8N_HOME });
		// sqlite3 needs its native addon; build it if its install script did not run.
		if (!(await succeeds(process.execPath, ['-e', 'require("sqlite3")'], N8N_HOME))) {
			log('  Building sqlite3 for this Node version…');
			await run(npmCommand(), ['rebuild', 'sqlite3'], { cwd: N8N_HOME });
		}
		await run(process.execPath, [N8N_BIN, '--version'], { cwd: N8N_HOME, stdio: 'ignore' });
	} finally {
		clearInterval(heartbeat);
	}
	writeFileSync(INSTALLED_MARKER, `${new Date().toISOString()}\n`);
	log(`Installed n8n ${N8N_VERSION} in ${formatDuration(Date.now() - started)}.`);
}

function npmCommand(): string {
	return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

async function succeeds(command: string, args: string[], cwd: string): Promise<boolean> {
	try {
		await run(command, args, { cwd, stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Packs the pack (as `npm publish` would) into `.cache/pack/` and returns the tarball's path. */
export async function packPack(): Promise<string> {
	const destination = join(ROOT, '.cache', 'pack');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	await run(npmCommand(), ['pack', '--silent', '--pack-destination', destination], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack did not produce a tarball');
	return join(destination, tarball);
}

/**
 * Installs a packed tarball the way n8n installs a community package: unpacked into
 * `<userFolder>/.n8n/nodes/node_modules/<name>` with dev, peer and optional dependencies stripped
 * from its package.json, and listed in `.n8n/nodes/package.json`. The pack has no runtime
 * dependencies, so n8n's `npm install` in the package folder would install nothing; it runs only
 * if some appear.
 */
export async function installPack(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const packageJsonPath = join(packageDir, 'package.json');
	const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as PackageJson;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(packageJsonPath, JSON.stringify(manifest, null, 2));
	const missing = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(file) => !existsSync(join(packageDir, file)),
	);
	if (missing.length > 0) {
		throw new Error(`The packed package lacks ${missing.join(', ')}: was dist/ rebuilt while packing? Build and try again.`);
	}
	if (Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {}).length > 0) {
		await run(npmCommand(), ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: packageDir });
	}
	const listPath = join(nodesDir, 'package.json');
	const list = existsSync(listPath)
		? (JSON.parse(readFileSync(listPath, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [PACKAGE_NAME]: manifest.version };
	writeFileSync(listPath, JSON.stringify(list, null, 2));
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

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
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		DB_SQLITE_POOL_SIZE: '2',
		...extra,
	};
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

function spawnN8n(args: string[], options: N8nOptions): ChildProcess {
	return spawnGroup(process.execPath, [N8N_BIN, ...args], { cwd: options.userFolder, env: n8nEnv(options) });
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

async function streamsClosed(child: ChildProcess): Promise<void> {
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

/** Imports workflows (each with a fixed `id`, so `n8n execute --id` can find it). */
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

export interface ExecutionResult extends CommandResult {
	/** The run data n8n printed, when it printed one. */
	run?: {
		data: {
			resultData: {
				runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> }; error?: { message: string } }>>;
				error?: { message: string; description?: string; node?: { name: string } };
				lastNodeExecuted?: string;
			};
		};
		status?: string;
	};
}

/**
 * Runs an imported workflow with `n8n execute --id`. On success n8n prints the run as JSON; on
 * failure it logs it (at info level) among other lines: both are found by parsing the first
 * top-level JSON object in the output.
 */
export async function executeWorkflow(id: string, options: N8nOptions): Promise<ExecutionResult> {
	const result = await n8nCommand(['execute', `--id=${id}`, '--rawOutput'], { ...options, logLevel: 'info' });
	return { ...result, run: parseRun(result.stdout) ?? parseRun(result.stderr) };
}

/** Finds a pretty-printed JSON object (a line `{` … a line `}`) holding `data.resultData`. */
export function parseRun(output: string): ExecutionResult['run'] {
	const lines = output.split(/\r?\n/);
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end] !== '}') continue;
			try {
				const value = JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionResult['run'];
				if (value?.data?.resultData) return value;
			} catch {
				// not the end of this object yet
			}
		}
	}
	return undefined;
}

/** The JSON of the items a node output in the first run (first output). */
export function nodeOutput(run: ExecutionResult['run'], nodeName: string): Array<Record<string, unknown>> | undefined {
	const items = run?.data.resultData.runData[nodeName]?.[0]?.data?.main[0];
	return items?.map((item) => item.json);
}

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

/** A short content hash, to tell whether an example changed since it was last imported. */
export function hashOf(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A Webhook trigger node (POST) for the workflows the tests and the benchmark build. */
export function webhookNode(path: string, parameters: Record<string, unknown> = { responseMode: 'lastNode' }) {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, ...parameters, options: {} },
	};
}
