/**
 * Real n8n wired to the local sandboxes, as `npm start` runs it and the browser tests use it: the
 * packed pack installed into a user folder as a community package, the vendor sandbox and the
 * scripted model on loopback, one credential per vendor plus an OpenAI credential pointing at the
 * model, the example workflows, `n8n start`, and its owner account.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startModelStub, type ModelStub } from '../test/model/openai-stub';
import { AGENT_EXAMPLE_ROUNDS } from '../test/model/agent-example';
import { startSandbox, type VendorSandbox } from '../test/sandbox';
import { AGENT_EXAMPLE, type CredentialJson, exampleFiles, EXAMPLES_DIR, presentVendors, readWorkflow, sandboxCredentials } from './examples';
import { importCredentials, importWorkflows, type N8nOptions } from './n8n-cli';
import { DEFAULT_OWNER, type N8nServer, setupOwner, startN8nServer } from './n8n-server';
import { installPackages } from './pack';
import { freePort } from './ports';
import { type VendorInfo } from './vendors';

/** The OpenAI credential of the example agent, pointing at the scripted model. */
export function modelCredential(modelUrl: string): CredentialJson {
	const template = readFileSync(join(EXAMPLES_DIR, 'sandbox-credentials', 'openai.json'), 'utf8');
	return JSON.parse(template.split('{{modelUrl}}').join(modelUrl)) as CredentialJson;
}

export interface SandboxedN8nOptions {
	userFolder: string;
	/** The folder of the packed vendor packages (`packPackages()`). */
	packagesDir: string;
	port: number;
	sandboxPort?: number;
	modelPort?: number;
	log?: (line: string) => void;
	/** Imports the example workflow files (default: all of them); returns the ones it imported. */
	importExamples?: (files: string[], options: N8nOptions) => Promise<string[]>;
}

export interface SandboxedN8n {
	sandbox: VendorSandbox;
	model: ModelStub;
	n8n: N8nServer;
	vendors: VendorInfo[];
	/** Every example workflow file of the running vendors, the agent example last. */
	examples: string[];
	/** The examples imported on this start. */
	importedExamples: string[];
	/** Whether the owner account was set up on this start (a fresh user folder). */
	ownerCreated: boolean;
	/** Stops n8n, the sandbox and the model; safe to call more than once. */
	stop(): Promise<void>;
}

/** The parts started so far, so that a failure half-way stops them too. */
interface Started {
	sandbox?: VendorSandbox;
	model?: ModelStub;
	n8n?: N8nServer;
}

async function stopStarted(started: Started): Promise<void> {
	await started.n8n?.stop();
	await started.sandbox?.stop();
	await started.model?.stop();
}

async function importAll(files: string[], options: N8nOptions): Promise<string[]> {
	await importWorkflows(files.map(readWorkflow), options);
	return files;
}

export async function startSandboxedN8n(options: SandboxedN8nOptions): Promise<SandboxedN8n> {
	const log = options.log ?? (() => undefined);
	const started: Started = {};
	let stopping: Promise<void> | undefined;
	const stop = async () => {
		stopping ??= stopStarted(started);
		await stopping;
	};
	try {
		log(`Installing the vendor packages into ${options.userFolder} as community packages`);
		await installPackages(options.userFolder, options.packagesDir);

		const sandbox = (started.sandbox = await startSandbox({ host: '127.0.0.1', port: options.sandboxPort ?? 0 }));
		log(`Vendor sandbox listening on ${sandbox.url}`);
		const model = (started.model = await startModelStub({ port: options.modelPort ?? 0 }));
		model.plan = AGENT_EXAMPLE_ROUNDS;
		log(`Scripted chat model listening on ${model.baseUrl}`);

		const vendors = presentVendors();
		const commandOptions = { userFolder: options.userFolder, brokerPort: await freePort() };
		const credentials = [...sandboxCredentials(vendors, sandbox.url), modelCredential(model.url)];
		log(`Importing sandbox credentials: ${credentials.map((credential) => credential.name).join(', ')}`);
		await importCredentials(credentials, commandOptions);
		const examples = [...vendors.flatMap(exampleFiles), AGENT_EXAMPLE];
		const importedExamples = await (options.importExamples ?? importAll)(examples, commandOptions);

		log(`Starting n8n (log: ${join(options.userFolder, 'n8n.log')})`);
		const n8n = (started.n8n = await startN8nServer({
			userFolder: options.userFolder,
			port: options.port,
			brokerPort: await freePort(),
		}));
		const ownerCreated = await setupOwner(n8n.url, DEFAULT_OWNER);
		return { sandbox, model, n8n, vendors, examples, importedExamples, ownerCreated, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
