/** Where this checkout is, and its package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-record-links';

export interface PackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

export function readPackageJson(): PackageJson {
	return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
}
