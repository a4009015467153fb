// Jest resolver for the second test leg (npm run test:latest, jest.latest.config.js).
// The project's own files — tests, harness, sandbox and the built nodes in dist/ — get n8n-core,
// n8n-workflow, every @n8n/* package (the DI container, backend-common's Logger, …) and zod from the
// leg's install (.cache/latest/n8n), the way a community node gets n8n-workflow and zod from n8n's
// node_modules. Files inside node_modules resolve as usual, so the leg's packages find each other
// within the leg: one copy of each, never mixed with the repository's 2.8 line.
const { join, sep } = require('node:path');

const legDir = process.env.LATEST_LEG_DIR;
if (!legDir) throw new Error('LATEST_LEG_DIR is not set: run the second leg with `npm run test:latest`');
const legModules = join(legDir, 'node_modules') + sep;

function packageName(request) {
	const parts = request.split('/');
	return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function fromLeg(name) {
	return name === 'n8n-core' || name === 'n8n-workflow' || name === 'zod' || name.startsWith('@n8n/');
}

module.exports = (request, options) => {
	const fromProject = !options.basedir.split(sep).includes('node_modules');
	const name = packageName(request);
	if (!fromProject || !fromLeg(name)) return options.defaultResolver(request, options);
	const resolved = options.defaultResolver(request, { ...options, basedir: legDir, paths: undefined });
	if (!resolved.startsWith(legModules)) {
		throw new Error(`${request} is not installed in the second leg (${legModules}); it resolved to ${resolved}`);
	}
	return resolved;
};
