/**
 * Scenario 4 — scale: 10,000 and 100,000 items through the DataGOL node (sandbox latency 0). Each
 * run is a fresh process (scale-child.ts), so its peak RSS is that run's alone.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { available, type BenchContext, fmt, median, type ScenarioResult } from '../common';
import { TSX_EXEC_ARGV } from '../sandbox-client';
import type { ScaleSample } from '../scale-child';

const SIZES = [10_000, 100_000];
const MAX_GROWTH = 12;
const MAX_RSS = 2 ** 30;

/** Runs one child; retried a few times when dist/ is being rebuilt under it (a shared checkout). */
async function runChild(baseUrl: string, items: number, attempt = 1): Promise<ScaleSample> {
	try {
		return await runChildOnce(baseUrl, items);
	} catch (error) {
		const rebuilding = /Cannot find module '[^']*dist\//.test((error as Error).message);
		if (!rebuilding || attempt >= 5) throw error;
		await new Promise((resolve) => setTimeout(resolve, 5000));
		return await runChild(baseUrl, items, attempt + 1);
	}
}

async function runChildOnce(baseUrl: string, items: number): Promise<ScaleSample> {
	const output = await new Promise<string>((resolve, reject) => {
		execFile(
			process.execPath,
			[...TSX_EXEC_ARGV, join(__dirname, '..', 'scale-child.ts'), baseUrl, String(items)],
			{ maxBuffer: 1 << 20, env: { ...process.env, N8N_USER_FOLDER: undefined } },
			(error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
		);
	});
	const line = output.trim().split('\n').at(-1) ?? '';
	return JSON.parse(line) as ScaleSample;
}

/** Rounds of the 100,000-item run (BENCH_SCALE_ROUNDS; default: the bench's rounds). */
function roundsFor(size: number, context: BenchContext): number {
	const large = Number(process.env.BENCH_SCALE_ROUNDS);
	return size >= 100_000 && large > 0 ? large : context.rounds;
}

export async function scaleScenario(context: BenchContext): Promise<ScenarioResult> {
	const base = {
		id: 'scale',
		title: '4. Scale — 10,000 and 100,000 items through the DataGOL node',
		target: `Time grows linearly (100k ÷ 10k ≤ ${MAX_GROWTH}) and peak RSS stays under 1 GiB.`,
	};
	const missing = available(context, 'dataGol', 'datagol');
	if (missing) {
		return {
			...base,
			setup: 'DataGOL node, latency 0.',
			table: { header: ['items', 'time', 'peak RSS'], rows: [['DataGOL node', 'not available', '—']] },
			verdict: 'not available',
			notes: [`**Not available** — ${missing}.`],
		};
	}
	const { sandbox } = context;
	const samples = new Map<number, ScaleSample[]>(SIZES.map((size) => [size, []]));
	const maxRounds = Math.max(...SIZES.map((size) => roundsFor(size, context)));
	const skipped = new Map<number, number>();
	for (let round = 0; round < maxRounds; round++) {
		for (const size of SIZES) {
			if (round >= roundsFor(size, context)) continue;
			// Keep `npm run bench` inside its time budget: a further round only when its last duration fits.
			const done = samples.get(size)!;
			const lastWallMs = done.length ? done.at(-1)!.ms + 5000 : 0;
			if (done.length > 0 && lastWallMs > context.budgetLeftMs()) {
				skipped.set(size, (skipped.get(size) ?? 0) + 1);
				continue;
			}
			await sandbox.prepare(0);
			const sample = await runChild(sandbox.baseUrl('datagol'), size);
			const linked = await sandbox.linkCount('datagol');
			if (sample.ok !== size || linked !== size) {
				throw new Error(`DataGOL node at ${size} items: ${sample.ok} ok, ${linked} linked: ${sample.error ?? ''}`);
			}
			samples.get(size)!.push(sample);
			context.log(`scenario 4: round ${round + 1}: ${fmt.int(size)} items ${fmt.ms(sample.ms)}, peak RSS ${fmt.mib(sample.peakRss)}`);
		}
	}
	const time = (size: number) => median(samples.get(size)!.map((sample) => sample.ms));
	const peak = (size: number) => Math.max(...samples.get(size)!.map((sample) => sample.peakRss));
	const baseline = (size: number) => median(samples.get(size)!.map((sample) => sample.baselineRss));
	const [small, large] = SIZES;
	const growth = time(large) / time(small);
	const rss = peak(large);
	const linear = growth <= MAX_GROWTH;
	const underCap = rss < MAX_RSS;
	const rows = SIZES.map((size) => [
		fmt.int(size),
		String(samples.get(size)!.length),
		fmt.ms(time(size)),
		`${fmt.int((size / time(size)) * 1000)}/s`,
		`${fmt.int((time(size) / size) * 1000)} µs`,
		fmt.mib(peak(size)),
		fmt.mib(baseline(size)),
	]);
	const budgetNote = [...skipped]
		.map(([size, count]) => `${fmt.int(size)} items: ${count} round${count > 1 ? 's' : ''} fewer than planned, to keep the bench within its time budget`)
		.join('; ');
	const notes = [
		`Time 100k ÷ 10k = **${growth.toFixed(1)}** (target ≤ ${MAX_GROWTH}): **${linear ? 'met' : `missed by ${(growth - MAX_GROWTH).toFixed(1)}`}**.`,
		`Peak RSS at 100k items ${fmt.mib(rss)} (target < 1,024 MiB): **${underCap ? 'met' : `missed by ${fmt.mib(rss - MAX_RSS)}`}**. Peak RSS is the kernel's high-water mark of the whole process (n8n-core loaded, the input items built, the run), read with \`process.resourceUsage().maxRSS\`; "before the run" is its RSS with everything loaded and the items built.`,
	];
	return {
		...base,
		setup: `DataGOL node, default settings (batches of 250 pairs, Concurrency Auto from 4), parameters mapped from each item with expressions; sandbox latency 0. Each run in a fresh process; time = the engine's execution time of the node; median of the rounds shown; peak RSS = the highest of the rounds.`,
		table: {
			header: ['items', 'rounds', 'time', 'throughput', 'per item', 'peak RSS', 'RSS before the run'],
			rows,
		},
		verdict: linear && underCap ? 'met' : 'missed',
		notes: budgetNote ? [...notes, `${budgetNote}.`] : notes,
		headline: `100k items in ${fmt.s(time(large))} (${growth.toFixed(1)}× the 10k time), peak RSS ${fmt.mib(rss)}`,
	};
}
