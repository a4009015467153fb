// Which vendor packages a release publishes: each one whose package.json version is not on the npm
// registry yet. Checks each of those is ready (its manifest follows the workspace's rules, the
// author's address is set, its CHANGELOG has a section for the version) and prints them for GitHub
// Actions as `packages=<folder> <folder> …` (empty when nothing changed). A registry that cannot be
// asked is an error, never "not published": a release must not guess.
//   node scripts/release.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expectedManifest, ROOT, vendorPackageDirs } from './workspace.mjs';

/** Whether `name@version` is on the registry npm is configured with (E404: not published). */
function isPublished(name, version) {
	try {
		return execFileSync('npm', ['view', `${name}@${version}`, 'version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() === version;
	} catch (error) {
		if (/E404|404 Not Found/.test(String(error.stderr))) return false;
		throw new Error(`Could not ask the registry about ${name}@${version}: ${String(error.stderr).trim().split('\n')[0]}`);
	}
}

function problemsOf(dir, manifest) {
	const problems = [];
	if (JSON.stringify(expectedManifest(dir)) !== JSON.stringify(manifest)) problems.push('its package.json differs from the workspace\'s rules (node scripts/workspace.mjs)');
	if (!manifest.author?.email || manifest.author.email.endsWith('.invalid')) problems.push('author.email is not set (root package.json; see README, Release)');
	if (!readFileSync(join(ROOT, dir, 'CHANGELOG.md'), 'utf8').includes(`\n## ${manifest.version}\n`)) problems.push(`its CHANGELOG.md has no "## ${manifest.version}" section`);
	return problems;
}

const changed = [];
const problems = [];
for (const dir of vendorPackageDirs()) {
	const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
	if (isPublished(manifest.name, manifest.version)) {
		console.error(`${manifest.name}@${manifest.version} is published already`);
		continue;
	}
	console.error(`${manifest.name}@${manifest.version} is new`);
	changed.push(dir);
	problems.push(...problemsOf(dir, manifest).map((problem) => `${manifest.name}: ${problem}`));
}
if (problems.length > 0) {
	console.error(problems.join('\n'));
	process.exit(1);
}
console.log(`packages=${changed.join(' ')}`);
