/** Writes bench/RESULTS.md and bench/throughput.svg from the scenarios' results. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import type { ScenarioResult } from './common';
import type { Peer } from './peer';
import type { ThroughputSeries } from './scenarios/per-item';

const ROOT = join(__dirname, '..');

function versionOf(packageJson: string): string | undefined {
	try {
		return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version;
	} catch {
		return undefined;
	}
}

export interface Environment {
	date: string;
	node: string;
	n8n: string;
	cores: number;
	cpu: string;
	loadAtStart: string;
}

export function environment(peer: Peer | undefined): Environment {
	const core = versionOf(join(ROOT, 'node_modules/n8n-core/package.json'));
	const workflow = versionOf(join(ROOT, 'node_modules/n8n-workflow/package.json'));
	const n8nInstall = join(ROOT, '.cache/n8n-2.8.4/node_modules/n8n/package.json');
	const n8n = existsSync(n8nInstall) ? versionOf(n8nInstall) : undefined;
	const parts = [
		`engine: n8n-core ${core} + n8n-workflow ${workflow} (WorkflowExecute)`,
		peer ? `HTTP Request node: n8n-nodes-base ${peer.version} from ${peer.source}${n8n ? `, n8n ${n8n}` : ' (the version n8n 2.8.4 ships)'}` : 'HTTP Request node: not loaded',
	];
	return {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		node: process.version,
		n8n: parts.join('; '),
		cores: cpus().length,
		cpu: cpus()[0]?.model?.trim() ?? 'unknown CPU',
		loadAtStart: loadavg()
			.map((value) => value.toFixed(1))
			.join(' / '),
	};
}

function table(header: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const VERDICT: Record<ScenarioResult['verdict'], string> = {
	met: '✅ met',
	missed: '❌ missed',
	'partly met': '⚠️ partly met (a case not available)',
	'not available': '⏭️ not available',
};

export function renderMarkdown(results: ScenarioResult[], env: Environment, totalMs: number, rounds: number): string {
	const summary = table(
		['scenario', 'target', 'result', 'headline'],
		results.map((result) => [result.title, result.target, VERDICT[result.verdict], result.headline ?? '—']),
	);
	const sections = results.map((result) =>
		[
			`## ${result.title}`,
			result.setup,
			`**Target:** ${result.target} **Result: ${VERDICT[result.verdict]}**`,
			table(result.table.header, result.table.rows),
			result.notes.map((note) => `- ${note}`).join('\n'),
			result.id === 'per-item' && result.series ? '![Throughput against concurrency: DevRev node, HTTP Request node, undici without and with keep-alive](throughput.svg)' : '',
		]
			.filter(Boolean)
			.join('\n\n'),
	);
	return `${[
		'# Benchmark results',
		'Written by `npm run bench` (bench/run.ts); do not edit by hand.',
		table(
			['', ''],
			[
				['date', env.date],
				['Node.js', env.node],
				['n8n', env.n8n],
				['machine', `${env.cores} cores (${env.cpu}); load average at start ${env.loadAtStart} (1/5/15 min; a shared machine)`],
				['rounds', `${rounds} per scenario (medians; each ratio compares medians of the same run)`],
				['total bench time', `${(totalMs / 1000).toFixed(0)} s`],
			],
		),
		'Every node runs in n8n-core\'s real `WorkflowExecute` (test/harness/engine.ts) against the vendor sandbox (test/sandbox/), which runs in a process of its own like a remote API. "Time" is the engine\'s own execution time of the node (`runData[node][0].executionTime`), not n8n\'s start-up. The peer is n8n\'s own HTTP Request node (typeVersion 4.4, the default in n8n 2.8.4), loaded from n8n-nodes-base and run through the same harness with the repository\'s single copy of n8n-workflow.',
		'## Summary',
		summary,
		...sections,
	].join('\n\n')}\n`;
}

/** A chart of throughput against concurrency (both axes log scale), the node beside raw undici. */
export function renderChart({ points }: ThroughputSeries): string {
	const width = 780;
	const height = 440;
	const margin = { top: 56, right: 210, bottom: 56, left: 72 };
	const plotW = width - margin.left - margin.right;
	const plotH = height - margin.top - margin.bottom;
	const levels = points.map((point) => point.concurrency);
	const values = points.flatMap((point) => [point.ours, point.peer, point.helper, point.rawNoKeepAlive, point.raw]);
	const logX = [Math.log2(Math.min(...levels)), Math.log2(Math.max(...levels))];
	// Room below the lowest point for its label, above the highest for its own.
	const logY = [Math.log10(Math.min(...values) / 1.6), Math.log10(Math.max(...values) * 1.3)];
	const x = (c: number) => margin.left + ((Math.log2(c) - logX[0]) / (logX[1] - logX[0] || 1)) * plotW;
	const y = (v: number) => margin.top + plotH - ((Math.log10(v) - logY[0]) / (logY[1] - logY[0])) * plotH;
	const label = (v: number) => Math.round(v).toLocaleString('en-US');
	const series = [
		{ name: 'DevRev node (n8n engine)', color: '#ea4b71', values: points.map((point) => point.ours), below: true },
		{ name: 'HTTP Request node', color: '#7a5af8', values: points.map((point) => point.peer), below: true },
		// Its values sit on the node's: no labels of its own (the table has them).
		{ name: "n8n-core's helper alone", color: '#15803d', values: points.map((point) => point.helper), below: true, unlabelled: true },
		{ name: 'undici, no keep-alive', color: '#777777', values: points.map((point) => point.rawNoKeepAlive), below: false },
		{ name: 'undici, keep-alive', color: '#2f6fde', values: points.map((point) => point.raw), below: false },
	];
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="${margin.left}" y="24" font-size="15" font-weight="600" fill="#222">DevRev links: throughput against concurrency</text>`,
		`<text x="${margin.left}" y="42" fill="#666">sandbox latency 20 ms, no rate limit; links per second, median of rounds; both axes log scale</text>`,
	];
	for (let decade = Math.floor(logY[0]); decade <= Math.ceil(logY[1]); decade++) {
		for (const factor of [1, 2, 5]) {
			const v = factor * 10 ** decade;
			if (Math.log10(v) < logY[0] || Math.log10(v) > logY[1]) continue;
			out.push(
				`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${factor === 1 ? '#dddddd' : '#f0f0f0'}"/>`,
				`<text x="${margin.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#444">${label(v)}</text>`,
			);
		}
	}
	for (const c of levels) {
		out.push(
			`<line x1="${x(c).toFixed(1)}" x2="${x(c).toFixed(1)}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`,
			`<text x="${x(c).toFixed(1)}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#444">${c}</text>`,
		);
	}
	out.push(
		`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#888"/>`,
		`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#888"/>`,
		`<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle" fill="#222">concurrency (requests in flight; the node's default is 8)</text>`,
		`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">links per second</text>`,
	);
	series.forEach((s, index) => {
		const path = s.values.map((v, i) => `${i ? 'L' : 'M'}${x(levels[i]).toFixed(1)} ${y(v).toFixed(1)}`).join(' ');
		out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`);
		s.values.forEach((v, i) => {
			out.push(`<circle cx="${x(levels[i]).toFixed(1)}" cy="${y(v).toFixed(1)}" r="4" fill="${s.color}"/>`);
			if ('unlabelled' in s) return;
			out.push(
				`<text x="${x(levels[i]).toFixed(1)}" y="${(y(v) + (s.below ? 17 : -9)).toFixed(1)}" text-anchor="middle" fill="${s.color}" font-size="11">${label(v)}</text>`,
			);
		});
		const ly = margin.top + 10 + index * 22;
		out.push(
			`<line x1="${margin.left + plotW + 16}" x2="${margin.left + plotW + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"/>`,
			`<text x="${margin.left + plotW + 46}" y="${ly + 4}" fill="#222">${s.name}</text>`,
		);
	});
	const atDefault = points.find((point) => point.concurrency === 8);
	if (atDefault) {
		out.push(
			`<text x="${margin.left + plotW + 16}" y="${margin.top + 118}" fill="#444">at concurrency 8 the node</text>`,
			`<text x="${margin.left + plotW + 16}" y="${margin.top + 134}" fill="#444">makes ${((atDefault.ours / atDefault.rawNoKeepAlive) * 100).toFixed(0)}% of undici's without</text>`,
			`<text x="${margin.left + plotW + 16}" y="${margin.top + 150}" fill="#444">keep-alive (target 95%);</text>`,
			`<text x="${margin.left + plotW + 16}" y="${margin.top + 166}" fill="#444">n8n-core's helper alone ${((atDefault.helper / atDefault.rawNoKeepAlive) * 100).toFixed(0)}%</text>`,
		);
	}
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}

export function writeOutputs(markdown: string, chart: string | undefined): void {
	writeFileSync(join(__dirname, 'RESULTS.md'), markdown);
	if (chart) writeFileSync(join(__dirname, 'throughput.svg'), chart);
}

/** The tables for the terminal (the same as the file, without the long prose). */
export function renderConsole(results: ScenarioResult[]): string {
	return results
		.map((result) =>
			[
				`\n${result.title}  —  ${VERDICT[result.verdict]}`,
				`target: ${result.target}`,
				table(result.table.header, result.table.rows).replace(/\*\*/g, ''),
				...result.notes.map((note) => `- ${note.replace(/\*\*/g, '')}`),
			].join('\n'),
		)
		.join('\n');
}
