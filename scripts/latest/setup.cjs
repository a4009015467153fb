// Setup for the second test leg: fails fast unless the tests and the built nodes really get the
// leg's packages (see resolver.cjs), at the pinned versions.
const { join, sep } = require('node:path');

const legModules = join(process.env.LATEST_LEG_DIR, 'node_modules') + sep;
const versions = JSON.parse(process.env.LATEST_LEG_VERSIONS);
for (const name of ['n8n-core', 'n8n-workflow', '@n8n/di', 'zod']) {
	const resolved = require.resolve(name);
	if (!resolved.startsWith(join(legModules, name) + sep)) {
		throw new Error(`${name} resolved to ${resolved}, not to the leg's ${legModules}${name}`);
	}
}
const workflowVersion = require('n8n-workflow/package.json').version;
if (workflowVersion !== versions['n8n-workflow']) {
	throw new Error(`n8n-workflow ${workflowVersion} loaded, ${versions['n8n-workflow']} pinned`);
}
if (!process.version.startsWith('v24.')) throw new Error(`the second leg runs on Node 24, not ${process.version}`);
