/**
 * Cuts the operations the pack uses out of a vendor's published OpenAPI document, with every
 * component they reference, into a JSON excerpt kept in this folder:
 *
 *   node test/contracts/extract-openapi.mjs <spec.yaml|json> <out.json> '<source note>' 'POST /links.create' …
 *
 * The excerpt is committed; this script is only needed to refresh it from a newer spec.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const [specFile, outFile, source, ...operations] = process.argv.slice(2);
if (!specFile || !outFile || !source || operations.length === 0) {
	console.error('usage: extract-openapi.mjs <spec> <out.json> <source note> "METHOD /path" …');
	process.exit(2);
}
const spec = parse(readFileSync(specFile, 'utf8'));
const excerpt = { openapi: spec.openapi, info: spec.info, 'x-source': source, paths: {}, components: {} };

const pending = [];
const seen = new Set();
function collectRefs(value) {
	if (Array.isArray(value)) return value.forEach(collectRefs);
	if (!value || typeof value !== 'object') return;
	for (const [key, entry] of Object.entries(value)) {
		if (key === '$ref' && typeof entry === 'string' && !seen.has(entry)) {
			seen.add(entry);
			pending.push(entry);
		} else collectRefs(entry);
	}
}

for (const operation of operations) {
	const [method, path] = operation.split(' ');
	const definition = spec.paths?.[path]?.[method.toLowerCase()];
	if (!definition) throw new Error(`${operation} is not in ${specFile}`);
	(excerpt.paths[path] ??= {})[method.toLowerCase()] = definition;
	if (spec.paths[path].parameters) excerpt.paths[path].parameters = spec.paths[path].parameters;
	collectRefs(excerpt.paths[path]);
}
while (pending.length > 0) {
	const ref = pending.shift();
	const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
	if (!kind) throw new Error(`Unsupported $ref ${ref}`);
	const target = spec.components?.[kind]?.[name];
	if (!target) throw new Error(`${ref} is not in ${specFile}`);
	(excerpt.components[kind] ??= {})[name] = target;
	collectRefs(target);
}
writeFileSync(outFile, `${JSON.stringify(excerpt, null, '\t')}\n`);
console.log(`${outFile}: ${operations.length} operations, ${seen.size} components`);
