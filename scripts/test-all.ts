/**
 * `npm run test:all`: every leg of the test suite, as CI runs it, and a table of legs at the end
 * (leg, seconds, tests passed).
 *
 * The legs run side by side where that saves time: the installs (Node 24 and the n8n lines) are
 * network- and disk-bound and start at once, beside the build and the engine tests, which are
 * CPU-bound; after that, two test legs run at a time (RECORD_LINKS_TEST_SLOTS to change it), each as
 * soon as what it needs is installed. A test leg is named after the npm script that runs it alone
 * (see the README's Development section); the pack is built and packed once, before any leg, and every leg
 * tests that build. Each leg writes its output to .cache/test-all/<leg>.log, printed whole when the
 * leg ends, so that legs running together do not mix their lines.
 *
 *   npm run test:all                          every leg
 *   npm run test:all -- test:e2e test:ui      only these legs (and the installs they need)
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ensureVerdaccio } from '../test/e2e/registry';
import { buildPackages, packPackages } from './pack';
import { npmCommand } from './processes';
import { ROOT } from './project';

interface Leg {
	name: string;
	/** An install that others wait for: it starts at once and takes no test slot. */
	install?: boolean;
	/** Legs that must have passed first. */
	needs?: string[];
	/** Commands run one after another; the leg fails at the first that fails. */
	commands: string[][];
	env?: NodeJS.ProcessEnv;
	/** Whether the last command is jest, whose results (--json) give the tests passed. */
	jest?: boolean;
}

interface Outcome {
	leg: Leg;
	status: 'passed' | 'failed' | 'not run';
	seconds: number;
	passed?: number;
	total?: number;
}

const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const npm = npmCommand();
/** An npm script of package.json, which takes jest's arguments after `--`. */
const npmRun = (script: string) => [npm, 'run', script, '--'];

/** In the order they are started when they may start (and listed in the table). */
const LEGS: Leg[] = [
	{ name: 'install Node 24 leg', install: true, commands: [['node', 'scripts/test-latest.mjs', '--prepare']] },
	{ name: 'install n8n 2.8.4', install: true, commands: [[tsx, 'scripts/n8n-install.ts']], env: { N8N_VERSION: '2.8.4' } },
	// The 2.41 line runs on the Node 24 that the leg above installs.
	{ name: 'install n8n 2.41.1', install: true, needs: ['install Node 24 leg'], commands: [[tsx, 'scripts/n8n-install.ts']], env: { N8N_VERSION: 'latest' } },
	{ name: 'install n8n 1.123.50', install: true, commands: [[tsx, 'scripts/n8n-install.ts']], env: { N8N_VERSION: '1.123.50' } },
	{ name: 'lint, scan, typecheck', commands: [[npm, 'run', 'lint'], [npm, 'run', 'scan'], [npm, 'run', 'typecheck']] },
	{ name: 'test:latest', needs: ['install Node 24 leg'], commands: [npmRun('test:latest')], jest: true },
	{ name: 'test:engine', commands: [npmRun('test:engine')], jest: true },
	// The longest first: queue mode mostly waits (Tulip's 10 writes/s), the browser legs are CPU-bound.
	{ name: 'test:queue', needs: ['install n8n 2.8.4'], commands: [npmRun('test:queue')], jest: true },
	{ name: 'test:ui', needs: ['install n8n 2.8.4'], commands: [npmRun('test:ui')], jest: true },
	{ name: 'test:e2e', needs: ['install n8n 2.8.4'], commands: [npmRun('test:e2e')], jest: true },
	{ name: 'test:ui:latest', needs: ['install n8n 2.41.1'], commands: [npmRun('test:ui:latest')], jest: true },
	{ name: 'test:e2e:latest', needs: ['install n8n 2.41.1'], commands: [npmRun('test:e2e:latest')], jest: true },
	{ name: 'test:e2e:1x', needs: ['install n8n 1.123.50'], commands: [npmRun('test:e2e:1x')], jest: true },
];

const TEST_SLOTS = Number(process.env.RECORD_LINKS_TEST_SLOTS ?? 2);
const LOG_DIR = join(ROOT, '.cache', 'test-all');
const started = Date.now();
const seconds = (since: number) => Math.round((Date.now() - since) / 1000);
const say = (line: string) => process.stdout.write(`[test:all ${String(seconds(started)).padStart(4)}s] ${line}\n`);

/** The legs asked for on the command line, with the installs they need; all when none are named. */
function chosenLegs(names: string[]): Leg[] {
	if (names.length === 0) return LEGS;
	const unknown = names.filter((name) => !LEGS.some((leg) => leg.name === name));
	if (unknown.length > 0) throw new Error(`No leg ${unknown.join(', ')}; the legs: ${LEGS.map((leg) => leg.name).join(', ')}`);
	const chosen = new Set<string>();
	const add = (name: string) => {
		if (chosen.has(name)) return;
		chosen.add(name);
		LEGS.find((leg) => leg.name === name)?.needs?.forEach(add);
	};
	names.forEach(add);
	return LEGS.filter((leg) => chosen.has(leg.name));
}

async function runCommand(command: string[], env: NodeJS.ProcessEnv, log: NodeJS.WritableStream): Promise<number | null> {
	log.write(`$ ${command.join(' ')}\n`);
	return await new Promise((resolve, reject) => {
		const child = spawn(command[0], command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.pipe(log, { end: false });
		child.stderr.pipe(log, { end: false });
		child.once('error', reject);
		// `close`: after the child's output has been read to the end.
		child.once('close', (code) => resolve(code));
	});
}

async function runLeg(leg: Leg, index: number, baseEnv: NodeJS.ProcessEnv): Promise<Outcome> {
	const legStarted = Date.now();
	const file = leg.name.replace(/[^\w.-]+/g, '-');
	const logFile = join(LOG_DIR, `${file}.log`);
	const resultsFile = join(LOG_DIR, `${file}.json`);
	const log = createWriteStream(logFile);
	// Each test leg its own block of ports (scripts/ports.ts): 21000–21999, 22000–22999, …
	const env = { ...baseEnv, ...leg.env, RECORD_LINKS_PORTS: `${20_000 + index * 1000}-${20_999 + index * 1000}` };
	let ok = true;
	for (const [i, command] of leg.commands.entries()) {
		const last = i === leg.commands.length - 1;
		const args = leg.jest && last ? [...command, '--json', `--outputFile=${resultsFile}`] : command;
		if ((await runCommand(args, env, log)) !== 0) {
			ok = false;
			break;
		}
	}
	await new Promise((resolve) => log.end(resolve));
	const outcome: Outcome = { leg, status: ok ? 'passed' : 'failed', seconds: seconds(legStarted) };
	if (leg.jest && existsSync(resultsFile)) {
		const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { numPassedTests: number; numTotalTests: number };
		outcome.passed = results.numPassedTests;
		outcome.total = results.numTotalTests;
	}
	process.stdout.write(`\n===== ${leg.name}: ${outcome.status} in ${outcome.seconds}s (${logFile}) =====\n`);
	process.stdout.write(readFileSync(logFile, 'utf8'));
	process.stdout.write(`===== end of ${leg.name} =====\n\n`);
	return outcome;
}

function table(outcomes: Outcome[]): string {
	const rows = [
		['leg', 'seconds', 'tests passed', 'result'],
		...outcomes.map(({ leg, status, seconds: legSeconds, passed, total }) => [
			leg.name,
			status === 'not run' ? '-' : String(legSeconds),
			passed === undefined ? '-' : `${passed} of ${total}`,
			status,
		]),
	];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [line(rows[0]), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
	const legs = chosenLegs(process.argv.slice(2));
	rmSync(LOG_DIR, { recursive: true, force: true });
	mkdirSync(LOG_DIR, { recursive: true });
	const outcomes = new Map<string, Outcome>();
	const running = new Map<string, Promise<void>>();
	const baseEnv: NodeJS.ProcessEnv = { ...process.env };

	const start = (leg: Leg) => {
		say(`${leg.name}: started`);
		const index = LEGS.indexOf(leg) + 1;
		running.set(
			leg.name,
			runLeg(leg, index, baseEnv).then((outcome) => {
				outcomes.set(leg.name, outcome);
				running.delete(leg.name);
				say(`${leg.name}: ${outcome.status} in ${outcome.seconds}s`);
			}),
		);
	};
	const ready = (leg: Leg) => (leg.needs ?? []).every((name) => outcomes.get(name)?.status === 'passed');
	const blocked = (leg: Leg) => (leg.needs ?? []).some((name) => outcomes.has(name) && outcomes.get(name)!.status !== 'passed');
	const waiting = () => legs.filter((leg) => !outcomes.has(leg.name) && !running.has(leg.name));
	const testsRunning = () => [...running.keys()].filter((name) => !legs.find((leg) => leg.name === name)!.install).length;

	// Installs that need nothing start at once, beside the build.
	for (const leg of legs) if (leg.install && ready(leg)) start(leg);
	say('building and packing the vendor packages once for every leg');
	const buildStarted = Date.now();
	await buildPackages();
	baseEnv.RECORD_LINKS_PACKAGES_DIR = await packPackages();
	await ensureVerdaccio(say);
	say(`built and packed in ${seconds(buildStarted)}s: ${baseEnv.RECORD_LINKS_PACKAGES_DIR}`);

	for (;;) {
		for (const leg of waiting()) {
			if (blocked(leg)) outcomes.set(leg.name, { leg, status: 'not run', seconds: 0 });
			else if (ready(leg) && (leg.install || testsRunning() < TEST_SLOTS)) start(leg);
		}
		if (running.size === 0) break;
		await Promise.race(running.values());
	}

	const ordered = legs.map((leg) => outcomes.get(leg.name)!);
	const tests = ordered.filter((outcome) => outcome.leg.jest);
	const passed = tests.reduce((sum, outcome) => sum + (outcome.passed ?? 0), 0);
	const total = tests.reduce((sum, outcome) => sum + (outcome.total ?? 0), 0);
	process.stdout.write(`\nLegs of npm run test:all (${seconds(started)}s in all; ${TEST_SLOTS} test legs at a time, installs beside them):\n\n`);
	process.stdout.write(`${table(ordered)}\n\n`);
	process.stdout.write(`Tests: ${passed} passed, ${total - passed} failed\n`);
	if (ordered.some((outcome) => outcome.status !== 'passed')) process.exit(1);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
