// The suite-wide secret scan (see leaks.ts): fails the run if any recorded secret was ever seen.
const { readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

function readLines(directory, prefix) {
	return readdirSync(directory)
		.filter((name) => name.startsWith(prefix))
		.flatMap((name) => readFileSync(join(directory, name), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)));
}

module.exports = async () => {
	const directory = process.env.RECORD_LINKS_LEAK_DIR;
	if (!directory) return;
	const secrets = [...new Set(readLines(directory, 'secrets-'))];
	const seen = readLines(directory, 'seen-');
	const contractChecks = readLines(directory, 'contracts-').reduce((sum, count) => sum + count, 0);
	rmSync(directory, { recursive: true, force: true });
	const leaks = [];
	for (const secret of secrets) {
		const variants = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
		const hit = seen.find((line) => variants.some((variant) => line.includes(variant)));
		if (hit) leaks.push(`a secret of ${secret.length} characters appears in: ${hit.slice(0, 200)}`);
	}
	console.log(`\nContract check: ${contractChecks} requests and answers checked against the vendors' published contracts (test/contracts/).`);
	console.log(`Secret scan: ${secrets.length} secrets checked against ${seen.length} recorded outputs, errors, log lines and request URLs; ${leaks.length} leaks.`);
	if (leaks.length > 0) {
		throw new Error(`Secrets leaked:\n${leaks.join('\n')}`);
	}
};
