/** Where this checkout is, and how a package.json reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');

export interface PackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

/** The package.json of the workspace root, or of one of its packages (`packages/n8n-nodes-devrev`). */
export function readPackageJson(dir = '.'): PackageJson {
	return JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
}
