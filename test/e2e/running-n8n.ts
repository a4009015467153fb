/**
 * One real n8n for a test file: the packed pack installed as a community package into a fresh user
 * folder, the file's credentials and workflows imported with n8n's CLI, `n8n start`, and the owner
 * logged in over REST. Each test then runs a workflow as the editor does (a manual execution) and
 * reads it back, without booting n8n again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CredentialJson, WorkflowJson } from '../../scripts/examples';
import { importCredentials, importWorkflows } from '../../scripts/n8n-cli';
import { N8nRestClient, type WorkflowRun } from '../../scripts/n8n-rest';
import { type N8nServer, startN8nServer } from '../../scripts/n8n-server';
import { installPackages } from '../../scripts/pack';
import { freePort } from '../../scripts/ports';

export interface RunningN8n {
	/** Where n8n listens (loopback). */
	url: string;
	/** n8n's log (gone after stop). */
	logFile: string;
	/** The owner's REST session, for what `run` does not cover (activating a workflow, reading executions). */
	rest: N8nRestClient;
	/** Runs an imported workflow from its Manual Trigger and returns the finished execution. */
	run(workflowId: string): Promise<WorkflowRun>;
	stop(): Promise<void>;
}

export async function startRunningN8n(name: string, credentials: CredentialJson[], workflows: WorkflowJson[]): Promise<RunningN8n> {
	if (!process.env.RECORD_LINKS_PACKAGES_DIR) throw new Error('Run the e2e tests with `npm run test:e2e` (its global setup packs the packages)');
	const userFolder = mkdtempSync(join(tmpdir(), `record-links-${name}-`));
	let server: N8nServer | undefined;
	const stop = async () => {
		await server?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		await installPackages(userFolder);
		const cli = { userFolder, brokerPort: await freePort() };
		await importCredentials(credentials, cli);
		await importWorkflows(workflows, cli);
		server = await startN8nServer({ userFolder, port: await freePort(), brokerPort: await freePort() });
		const rest = await N8nRestClient.asOwner(server);
		return { url: server.url, logFile: server.logFile, rest, run: async (workflowId) => await rest.runWorkflow(workflowId), stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
