/**
 * Scenario 8 — Unicat's Link in a batch: 1,000 linked copies under one parent in one execution, with
 * Return Existing Copy on (the default), into an empty parent and into one that already holds 1,000
 * copies, and the same input again. Requests counted by the sandbox.
 */
import { vendorCase } from '../../test/harness/vendor-cases';
import { type BenchContext, fmt, type ScenarioResult, timedRun } from '../common';

const LINKS = 1000;
/** Counts are what this scenario measures: a short latency keeps its 2,000 one-at-a-time links quick. */
const LATENCY_MS = 5;
/** Requests per link at most, besides one children page per 100 children and the login. */
const MAX_PER_LINK = 1.05;
const PAGE_SIZE = 100;

interface Run {
	name: string;
	/** Children under the parent before the run. */
	children: number;
	requests: number;
	linked: number;
	alreadyLinked: number;
	ms: number;
	/** What the target allows: links × 1.05, plus the pages and the login. */
	allowed: number;
}

export async function unicatBatchScenario(context: BenchContext): Promise<ScenarioResult> {
	const unicat = vendorCase('unicat');
	// The counts do not vary from run to run (one request at a time): one round.
	await context.sandbox.prepare(LATENCY_MS);
	await context.sandbox.send({ cmd: 'prepareCase', vendor: 'unicat', n: 2 * LINKS });
	// One credential for the three runs: the first request logs in, n8n keeps the JWT.
	const credentials = unicat.credentials(context.sandbox.baseUrl('unicat'));
	const parent = unicat.item(0).parent;
	const input = (from: number) => Array.from({ length: LINKS }, (_, i) => ({ ...unicat.item(from + i), parent }));
	const runs: Run[] = [];
	let children = 0;
	for (const [name, from, login] of [
		[`${fmt.int(LINKS)} new copies into an empty parent`, 0, 1],
		[`the same ${fmt.int(LINKS)} again`, 0, 0],
		[`${fmt.int(LINKS)} new copies into a parent holding ${fmt.int(LINKS)}`, LINKS, 0],
	] as const) {
		const before = await context.sandbox.requestCount();
		const run = await timedRun({ node: unicat.node, parameters: unicat.parameters({}), items: input(from), credentials });
		if (run.ok !== LINKS) throw new Error(`Unicat node: ${run.ok} of ${LINKS} ok (${run.error ?? ''})`);
		const alreadyLinked = run.outputs.filter((output) => output.alreadyLinked === true).length;
		const pages = Math.floor(children / PAGE_SIZE) + 1;
		const linked = LINKS - alreadyLinked;
		runs.push({
			name,
			children,
			requests: (await context.sandbox.requestCount()) - before,
			linked,
			alreadyLinked,
			ms: run.ms,
			allowed: Math.floor(linked * MAX_PER_LINK) + pages + login,
		});
		children += linked;
	}
	context.log(`scenario 8: ${runs.map((run) => `${run.requests} requests, ${fmt.ms(run.ms)}`).join('; ')}`);
	return result(runs);
}

function result(runs: Run[]): ScenarioResult {
	const rows = runs.map((run) => [
		run.name,
		fmt.int(run.children),
		`${fmt.int(run.linked)} / ${fmt.int(run.alreadyLinked)}`,
		fmt.int(run.requests),
		run.linked ? (run.requests / run.linked).toFixed(3) : '—',
		fmt.int(run.allowed),
		fmt.ms(run.ms),
	]);
	const met = runs.every((run) => run.requests <= run.allowed);
	const [fresh, again, full] = runs;
	return {
		id: 'unicat-batch',
		title: `8. Unicat in a batch — ${fmt.int(LINKS)} linked copies under one parent in one execution`,
		setup: `The Unicat node's Link with its defaults (Return Existing Copy on, Concurrency 1), ${fmt.int(LINKS)} items under one parent in one execution: into an empty parent, the same input again, then ${fmt.int(LINKS)} other records into the parent that now holds the first ${fmt.int(LINKS)} copies. One credential for the three runs (the first request logs in; n8n keeps the JWT). Sandbox latency ${LATENCY_MS} ms; requests counted by the sandbox; one round (the counts do not vary: one request at a time).`,
		target: `At most ${MAX_PER_LINK} requests per link made, plus one page per ${PAGE_SIZE} children the parent holds (and the login).`,
		table: {
			header: ['run', 'children before', 'linked / already there', 'requests', 'requests per link made', 'allowed', 'time'],
			rows,
		},
		verdict: met ? 'met' : 'missed',
		notes: [
			`Into an empty parent: ${fmt.int(fresh.requests)} requests for ${fmt.int(fresh.linked)} copies (allowed ${fmt.int(fresh.allowed)}); into a parent holding ${fmt.int(full.children)}: ${fmt.int(full.requests)} (allowed ${fmt.int(full.allowed)}): **${met ? 'met' : 'missed'}**. The look reads the parent's children once per execution and the items' records in one \`records/get\` per 100, and keeps the copies it makes.`,
			`The same input again: ${fmt.int(again.requests)} requests and ${fmt.int(again.linked)} new copies; all ${fmt.int(again.alreadyLinked)} come back with \`alreadyLinked: true\`. A hand-built auth → link chain looks at nothing and would make ${fmt.int(LINKS)} second copies.`,
		],
		headline: `${fmt.int(fresh.requests)} requests for ${fmt.int(fresh.linked)} copies (${(fresh.requests / fresh.linked).toFixed(3)} per link); re-run: ${fmt.int(again.requests)} requests, 0 copies`,
	};
}
