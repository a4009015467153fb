/**
 * `npm start`: real n8n with this pack, against the local vendor sandbox.
 *
 * Builds and packs the pack, installs n8n (2.8.4 unless told) on first run (into .cache/), installs the pack into
 * .n8n-user/ the way n8n installs a community package, starts the sandbox on 127.0.0.1, imports one
 * credential per vendor (pointing at the sandbox) and the example workflows, starts n8n on
 * http://localhost:5678 and sets up its owner account. Ctrl-C stops n8n and the sandbox.
 *
 * Options: --port <n> (or N8N_PORT) for n8n, --sandbox-port <n> (or SANDBOX_PORT; default: any free
 * port) for the sandbox, --n8n <version> (or N8N_VERSION; `latest` is the newest line, 2.41.1, on
 * Node 24) for the n8n it runs.
 */
// First: the n8n version is read from the command line before the installer reads the environment.
import './start-n8n-version';

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';

import { hashOf, readWorkflow, runsManually } from './examples';
import { importWorkflows } from './n8n-cli';
import { DEFAULT_N8N_VERSION, ensureN8n, N8N_VERSION } from './n8n-install';
import { DEFAULT_OWNER, login } from './n8n-server';
import { buildPackages, packPackages } from './pack';
import { stopAllN8n } from './processes';
import { ROOT } from './project';
import { type SandboxedN8n, startSandboxedN8n } from './sandboxed-n8n';

// One user folder per n8n version: a database that a newer n8n has migrated does not open in an older one.
const USER_FOLDER = join(ROOT, N8N_VERSION === DEFAULT_N8N_VERSION ? '.n8n-user' : `.n8n-user-${N8N_VERSION}`);
const IMPORTED_EXAMPLES = join(USER_FOLDER, 'imported-examples.json');
/** The five nodes' one package before the split into one package per vendor (never published). */
const FORMER_PACK = 'n8n-nodes-record-links';

function option(flag: string, envName: string, fallback: number): number {
	const index = process.argv.indexOf(flag);
	const raw = index >= 0 ? process.argv[index + 1] : process.env[envName];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0 || value > 65535) {
		throw new Error(`${flag} / ${envName} must be a port number, not "${raw}"`);
	}
	return value;
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const step = (line: string) => log(`\x1b[1m▸ ${line}\x1b[0m`);

async function assertPortFree(port: number, what: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = createServer();
		server.once('error', () =>
			reject(new Error(`Port ${port} is in use, so ${what} cannot start there. Stop whatever uses it, or pick another port (npm start -- --port 5700).`)),
		);
		server.listen(port, () => server.close(() => resolve()));
	});
}

let running: SandboxedN8n | undefined;
let stopping: Promise<void> | undefined;

/** Stops n8n (its whole process group) and the sandbox; safe to call more than once. */
async function shutdown(code: number): Promise<never> {
	stopping ??= (async () => {
		const started = running !== undefined;
		if (started) log('\nStopping n8n and the sandbox…');
		await running?.stop();
		await stopAllN8n();
		if (started) log('Stopped.');
	})();
	await stopping;
	process.exit(code);
}

/** Imports the example workflows that are new or changed since the last start (keeps your edits to the others). */
async function importExamples(files: string[], options: Parameters<typeof importWorkflows>[1]): Promise<string[]> {
	const imported = existsSync(IMPORTED_EXAMPLES)
		? (JSON.parse(readFileSync(IMPORTED_EXAMPLES, 'utf8')) as Record<string, string>)
		: {};
	const changed = files.filter((file) => imported[relative(ROOT, file)] !== hashOf(readFileSync(file, 'utf8')));
	await importWorkflows(changed.map(readWorkflow), options);
	for (const file of changed) imported[relative(ROOT, file)] = hashOf(readFileSync(file, 'utf8'));
	writeFileSync(IMPORTED_EXAMPLES, JSON.stringify(imported, null, 2));
	return changed;
}

/**
 * A user folder from before the split holds the five nodes as one package, `n8n-nodes-record-links`:
 * beside the five packages its credential types would clash (n8n keys them by name), so it goes.
 */
function removeFormerPack(userFolder: string): void {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const formerDir = join(nodesDir, 'node_modules', FORMER_PACK);
	if (!existsSync(formerDir)) return;
	rmSync(formerDir, { recursive: true, force: true });
	const listPath = join(nodesDir, 'package.json');
	const list = JSON.parse(readFileSync(listPath, 'utf8')) as { dependencies?: Record<string, string> };
	delete list.dependencies?.[FORMER_PACK];
	writeFileSync(listPath, JSON.stringify(list, null, 2));
	step(`Removed ${FORMER_PACK} (the five nodes as one package, before the split) from ${relative(ROOT, userFolder)}/`);
}

async function main(): Promise<void> {
	const port = option('--port', 'N8N_PORT', 5678);
	const sandboxPort = option('--sandbox-port', 'SANDBOX_PORT', 0);
	await assertPortFree(port, 'n8n');

	step('Building the five vendor packages');
	await buildPackages();
	await ensureN8n((line) => step(line));

	mkdirSync(USER_FOLDER, { recursive: true });
	removeFormerPack(USER_FOLDER);
	running = await startSandboxedN8n({
		userFolder: USER_FOLDER,
		packagesDir: await packPackages(),
		port,
		sandboxPort,
		log: step,
		importExamples,
	});
	const { sandbox, model, n8n, vendors, examples, importedExamples, ownerCreated } = running;
	step(
		importedExamples.length > 0
			? `Imported example workflows: ${importedExamples.map((file) => relative(ROOT, file)).join(', ')}`
			: 'Example workflows already imported (unchanged)',
	);
	n8n.process.once('exit', (code) => {
		if (stopping) return;
		log(`\nn8n exited unexpectedly (code ${code}); see ${n8n.logFile}.`);
		void shutdown(1);
	});
	const defaultLoginWorks = ownerCreated || (await login(n8n.url, DEFAULT_OWNER).then(() => true, () => false));

	const names = vendors.map((vendor) => vendor.displayName).join(', ');
	// A trigger example (the DevRev Trigger's) starts on the sandbox's events once published.
	const workflowNames = examples.map(readWorkflow).map((workflow) => `"${workflow.name}"${runsManually(workflow) ? '' : ' (publish/activate it: it runs on DevRev events)'}`);
	log();
	log(`\x1b[1;32mn8n ${N8N_VERSION} is running: http://localhost:${port}\x1b[0m`);
	log();
	if (defaultLoginWorks) {
		log(`  Log in with  ${DEFAULT_OWNER.email}  /  ${DEFAULT_OWNER.password}`);
		log(`  (the owner account of this local instance${ownerCreated ? ', set up just now' : ''}).`);
	} else {
		log('  Log in with the owner account you set up for this instance');
		log(`  (delete ${relative(ROOT, USER_FOLDER)}/ to start over with ${DEFAULT_OWNER.email}).`);
	}
	log();
	log('  Then:');
	log('  1. Overview → Workflows: open an example, e.g.');
	for (const name of workflowNames) log(`       ${name}`);
	log('  2. Click "Execute workflow": the vendor node shows one output item per input item.');
	log('     Run a "link" example before its "unlink" example (the sandbox starts empty on every start).');
	log(`  3. Or build your own: "+" → search for ${names || 'a vendor'}.`);
	log(`     The credentials "<Vendor> account" point at the local sandbox (${sandbox.url}).`);
	log('  4. "AI agent links records" hands all five nodes to an AI Agent; its credential');
	log(`     "OpenAI account (sandbox model)" points at a scripted model (${model.baseUrl})`);
	log('     that calls each tool once with the IDs the request names.');
	log();
	log('  Press Ctrl-C to stop n8n and the sandbox.');
}

// Stopping on request is a normal end, not a failure for npm to report.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error: unknown) => {
	// A command that Ctrl-C interrupted fails too: that is no news.
	if (!stopping) log(`\n\x1b[31m${error instanceof Error ? error.message : String(error)}\x1b[0m`);
	await shutdown(1);
});
