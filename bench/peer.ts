/**
 * The peer: n8n's own HTTP Request node (n8n-nodes-base, as n8n 2.8.4 ships it), run in the same
 * engine harness as the pack's nodes.
 *
 * Where it comes from, first found wins:
 *   1. BENCH_N8N_NODES_BASE (a path to an n8n-nodes-base package folder);
 *   2. the n8n 2.8.4 install of the end-to-end tests (.cache/n8n-2.8.4, made by `ensureN8n` in
 *      scripts/n8n-install.ts), when it is complete;
 *   3. the bench's own install of n8n-nodes-base@2.8.1 alone in .cache/bench-peer (made on first
 *      use: under a minute with a warm npm cache, then cached). The whole of n8n (about 5 minutes
 *      and 2.3 GB) is not needed for one node, and would not fit a 10-minute bench on a fresh clone.
 *
 * One copy of n8n-workflow: the node's `require('n8n-workflow')` (and n8n-core, @n8n/di) is
 * resolved to the repository's copies, the ones the harness's WorkflowExecute uses, so classes
 * the node checks with `instanceof` (NodeApiError, …) and the node-type helpers are the engine's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve, sep } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { N8N_HOME } from '../scripts/n8n-install';
import { credentialTypes, nodeTypes } from '../test/harness/registry';

const ROOT = resolve(__dirname, '..');
/** The n8n-nodes-base that n8n 2.8.4 depends on. */
export const NODES_BASE_VERSION = '2.8.1';
export const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';
/** The HTTP Request node version a new node gets in n8n 2.8.4 (its defaultVersion). */
export const HTTP_REQUEST_VERSION = 4.4;
/** The Aggregate node (one item holding every input item), for the batch scenario's hand-built peer. */
export const AGGREGATE_TYPE = 'n8n-nodes-base.aggregate';
/** Packages the peer must share with the harness. */
const SHARED = ['n8n-workflow', 'n8n-core', '@n8n/di'];

export interface Peer {
	/** The n8n-nodes-base folder used. */
	packageDir: string;
	version: string;
	/** Where it came from (for the results file). */
	source: string;
}

function nodesBaseIn(folder: string): string | undefined {
	const dir = join(folder, 'node_modules', 'n8n-nodes-base');
	return existsSync(join(dir, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js')) ? dir : undefined;
}

function installOwnCopy(folder: string): string {
	mkdirSync(folder, { recursive: true });
	writeFileSync(
		join(folder, 'package.json'),
		JSON.stringify(
			{
				name: 'record-links-bench-peer',
				private: true,
				dependencies: { 'n8n-nodes-base': NODES_BASE_VERSION },
				// n8n's default xlsx comes from a CDN that is unreachable offline (as in the n8n install).
				overrides: { xlsx: '0.18.5' },
			},
			null,
			2,
		),
	);
	console.log(`Installing n8n-nodes-base@${NODES_BASE_VERSION} into ${folder} for the HTTP Request node (once; a few minutes)…`);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	execFileSync(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
		cwd: folder,
		stdio: 'inherit',
	});
	const dir = nodesBaseIn(folder);
	if (!dir) throw new Error(`n8n-nodes-base did not install into ${folder}`);
	return dir;
}

/** Finds (or installs) n8n-nodes-base. */
export function locatePeer(): Peer {
	const candidates: Array<[string | undefined, string]> = [
		[process.env.BENCH_N8N_NODES_BASE, 'BENCH_N8N_NODES_BASE'],
		// Only a finished install (scripts/n8n-install.ts writes the marker last).
		[existsSync(join(N8N_HOME, '.installed')) ? nodesBaseIn(N8N_HOME) : undefined, 'the n8n 2.8.4 install of the end-to-end tests (.cache/n8n-2.8.4)'],
		[nodesBaseIn(join(ROOT, '.cache', 'bench-peer')), 'the bench install (.cache/bench-peer)'],
	];
	let found = candidates.find(([dir]) => dir && existsSync(dir));
	if (!found) found = [installOwnCopy(join(ROOT, '.cache', 'bench-peer')), 'the bench install (.cache/bench-peer)'];
	// Real paths: require() reports modules by their real path, and the redirect compares paths.
	const packageDir = realpathSync(resolve(found[0]!));
	const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
	return { packageDir, version, source: found[1] };
}

let redirectInstalled = false;

/** Makes every `require` of a shared package from inside `packageRoot` load the repository's copy. */
function shareEngineModules(packageRoot: string): void {
	if (redirectInstalled) return;
	redirectInstalled = true;
	const loader = Module as unknown as {
		_resolveFilename(request: string, parent: { filename?: string } | undefined, ...rest: unknown[]): string;
	};
	const original = loader._resolveFilename;
	const inside = packageRoot.endsWith(sep) ? packageRoot : packageRoot + sep;
	const peerTree = resolve(packageRoot, '..', '..');
	loader._resolveFilename = function (request, parent, ...rest) {
		const fromPeer = parent?.filename?.startsWith(inside) || parent?.filename?.startsWith(peerTree + sep);
		if (fromPeer && SHARED.some((name) => request === name || request.startsWith(`${name}/`))) {
			return require.resolve(request, { paths: [ROOT] });
		}
		return original.call(this, request, parent, ...rest);
	};
}

/**
 * Loads the HTTP Request and Aggregate nodes and the generic credential types into the harness's registry, so
 * `runNode({ node: HTTP_REQUEST_TYPE, type: HTTP_REQUEST_TYPE, … })` runs it.
 */
export function loadPeer(peer: Peer): void {
	shareEngineModules(peer.packageDir);
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { HttpRequest } = require(join(peer.packageDir, 'dist/nodes/HttpRequest/HttpRequest.node.js')) as {
		HttpRequest: new () => INodeType;
	};
	const { Aggregate } = require(join(peer.packageDir, 'dist/nodes/Transform/Aggregate/Aggregate.node.js')) as {
		Aggregate: new () => INodeType;
	};
	const credentials: Array<[string, string, string]> = [
		['httpHeaderAuth', 'HttpHeaderAuth.credentials.js', 'HttpHeaderAuth'],
		['httpBasicAuth', 'HttpBasicAuth.credentials.js', 'HttpBasicAuth'],
	];
	for (const [name, file, className] of credentials) {
		const exported = require(join(peer.packageDir, 'dist/credentials', file)) as Record<string, new () => ICredentialType>;
		credentialTypes[name] = new exported[className]();
	}
	/* eslint-enable @typescript-eslint/no-require-imports */
	nodeTypes[HTTP_REQUEST_TYPE] = new HttpRequest();
	nodeTypes[AGGREGATE_TYPE] = new Aggregate();
	const copies = new Set(
		Object.keys(require.cache).flatMap((file) => {
			const match = /^(.*[\\/]node_modules[\\/]n8n-workflow)[\\/]/.exec(file);
			return match ? [match[1]] : [];
		}),
	);
	if (copies.size > 1) throw new Error(`Two copies of n8n-workflow were loaded: ${[...copies].join(', ')}`);
}
