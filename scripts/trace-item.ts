/**
 * The path of one item through the code, measured: which of our source files it enters, in what
 * order and how often.
 *   npx tsx scripts/trace-item.ts        (after `npm run build`: the test harness loads every dist/)
 *
 * The DataGOL node and its credential are bundled once more, into a temp folder, with a call at the
 * start of every function body of the vendor package and of the engine that records the function's
 * file. Through n8n-core, as the tests run them, and against the local vendor sandbox, that node then
 * runs (a) one Link item and (b) one Set Links item whose record holds rows 10 and 11 and must hold
 * 11 and 12: one read, one removal (10) and one addition (12). n8n's own code is not traced.
 *
 * An entry is a call to a function defined in file F while the previous recorded call was in
 * another file: consecutive calls within one file count as one entry.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

import { build, type Plugin } from 'esbuild';
import type { ICredentialType, IDataObject, INodeParameters, INodeType } from 'n8n-workflow';
import ts from 'typescript';

import { DATAGOL, dataGolLinkKey } from '../test/sandbox/datagol';
import { ROOT } from './project';
import { vendorInfo } from './vendors';

const vendor = vendorInfo('datagol');
const { workspaceId, ordersTable, ordersCustomerColumn } = DATAGOL;
const record = { workspaceId, workbookId: ordersTable, linkColumnId: ordersCustomerColumn, sourceRecordId: '={{$json.src}}' };

/** Where the trace calls go while an item runs. */
const tracer = globalThis as { __recordLinksTrace?: (file: string) => void };

/** The source with `globalThis.__recordLinksTrace?.('<file>')` at the start of every function body. */
function instrument(source: string, file: string): string {
	const call = `globalThis.__recordLinksTrace?.(${JSON.stringify(file)});`;
	const edits: Array<[number, string]> = [];
	const visit = (node: ts.Node): void => {
		const body = ts.isFunctionLike(node) ? (node as ts.FunctionLikeDeclaration).body : undefined;
		if (body && ts.isBlock(body)) edits.push([body.getStart() + 1, call]);
		// An arrow's expression body becomes a block that returns it.
		else if (body) edits.push([body.getStart(), `{ ${call} return (`], [body.getEnd(), '); }']);
		ts.forEachChild(node, visit);
	};
	visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true));
	// From the end, so the positions not yet used stay valid.
	return edits.sort(([a], [b]) => b - a).reduce((text, [at, insert]) => text.slice(0, at) + insert + text.slice(at), source);
}

/** Instruments our TypeScript (the vendor package and the engine); n8n-workflow and zod stay n8n's own. */
const traced: Plugin = {
	name: 'trace',
	setup(esbuild) {
		esbuild.onResolve({ filter: /^(n8n-workflow|zod)$/ }, (args) => ({ path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true }));
		esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
			const file = relative(ROOT, args.path).split(sep).join('/');
			return { contents: instrument(readFileSync(args.path, 'utf8'), file), loader: 'ts' };
		});
	},
};

/** The DataGOL node and credential, instrumented, built into `dir`. */
async function instrumentedTypes(dir: string): Promise<{ node: INodeType; credential: ICredentialType }> {
	await build({
		absWorkingDir: join(ROOT, vendor.packageDir),
		entryPoints: {
			node: `nodes/${vendor.nodeClass}/${vendor.nodeClass}.node.ts`,
			credential: `credentials/${vendor.credentialClass}.credentials.ts`,
		},
		outdir: dir,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		keepNames: true,
		logLevel: 'warning',
		plugins: [traced],
	});
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const load = <T>(name: string, exported: string) => new (require(join(dir, name)) as Record<string, new () => T>)[exported]();
	return { node: load<INodeType>('node.js', vendor.nodeClass), credential: load<ICredentialType>('credential.js', vendor.credentialClass) };
}

/** The entries of `run`, in order. */
async function entriesOf(run: () => Promise<void>): Promise<string[]> {
	const entries: string[] = [];
	tracer.__recordLinksTrace = (file) => {
		if (entries[entries.length - 1] !== file) entries.push(file);
	};
	try {
		await run();
	} finally {
		tracer.__recordLinksTrace = undefined;
	}
	return entries;
}

function report(title: string, entries: string[], requests: string[], output: IDataObject): string {
	const counts = new Map<string, number>();
	for (const file of entries) counts.set(file, (counts.get(file) ?? 0) + 1);
	return [
		title,
		`  requests: ${requests.join(', ')}`,
		`  output: ${JSON.stringify(output)}`,
		`  entries, in order (${entries.length}):`,
		...entries.map((file, index) => `    ${String(index + 1).padStart(3)}  ${file}`),
		`  files: ${counts.size}`,
		'  entries per file, in order of first entry:',
		...[...counts].map(([file, count]) => `    ${String(count).padStart(3)}  ${file}`),
		'',
	].join('\n');
}

async function main(): Promise<void> {
	const temp = mkdtempSync(join(tmpdir(), 'record-links-trace-'));
	try {
		// n8n-core reads its user folder when first loaded: a temp one, never ~/.n8n.
		process.env.N8N_USER_FOLDER = join(temp, 'n8n');
		process.env.N8N_LOG_LEVEL ??= 'warn';
		process.env.N8N_ENCRYPTION_KEY ??= 'record-links-trace-throwaway-key';
		const { runNode, shutdownEngine } = await import('../test/harness/engine');
		const { credentialTypes, nodeTypes } = await import('../test/harness/registry');
		const { vendorCase } = await import('../test/harness/vendor-cases');
		const { startSandbox } = await import('../test/sandbox');

		const types = await instrumentedTypes(join(temp, 'bundle'));
		nodeTypes[vendor.node] = types.node;
		credentialTypes[vendor.credentialType] = types.credential;
		const sandbox = await startSandbox();
		const walk = async (title: string, parameters: INodeParameters, item: IDataObject) => {
			let output: IDataObject = {};
			const credentials = vendorCase('datagol').credentials(sandbox.baseUrl('datagol'));
			const entries = await entriesOf(async () => {
				const result = await runNode({ node: vendor.node, parameters, items: [item], credentials });
				if (result.error || result.items.length !== 1) throw result.error ?? new Error(`${title}: ${result.items.length} output items`);
				output = result.items[0].json;
			});
			const requests = sandbox.requestsFor('datagol').map((request) => `${request.method} …${request.path.slice(request.path.lastIndexOf('/'))}`);
			process.stdout.write(report(title, entries, requests, output));
		};
		try {
			sandbox.reset();
			await walk('(a) DataGOL Link, one item', { operation: 'link', ...record, destinationRecordId: '={{$json.dst}}' }, { src: 1, dst: 2 });

			sandbox.reset();
			for (const row of [10, 11]) sandbox.state.datagol.links.add(dataGolLinkKey(ordersTable, ordersCustomerColumn, 1, row));
			await walk('(b) DataGOL Set Links, one item (holds 10, 11; wants 11, 12)', { operation: 'setLinks', ...record, destinationRecordIds: '={{$json.dst}}' }, { src: 1, dst: [11, 12] });
		} finally {
			await sandbox.stop();
			await shutdownEngine();
		}
	} finally {
		rmSync(temp, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
