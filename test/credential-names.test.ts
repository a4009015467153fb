/**
 * n8n keys credential types by name across every installed package (node types are namespaced by
 * package, credential types are not). The packages' credential types must not take a name that n8n
 * itself or another package for these vendors already uses (test/contracts/known-credential-types.json);
 * the end-to-end tests check the same against the n8n they install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readPackageJson } from '../scripts/project';
import { VENDORS } from '../scripts/vendors';
import { credentialTypes } from './harness/registry';

interface KnownNames {
	packages: Array<{ package: string; names: string[] }>;
}

const known = JSON.parse(readFileSync(join(__dirname, 'contracts', 'known-credential-types.json'), 'utf8')) as KnownNames;

describe('credential type names', () => {
	const ours = Object.values(credentialTypes).map((type) => type.name);

	test('each package declares one credential, and the five are named for this family of packages', () => {
		expect(VENDORS.map((vendor) => readPackageJson(vendor.packageDir).n8n?.credentials)).toEqual(VENDORS.map((vendor) => [vendor.credentialFile]));
		expect(ours.sort()).toEqual([
			'recordLinksDataGolApi',
			'recordLinksDevRevApi',
			'recordLinksFairComApi',
			'recordLinksTulipApi',
			'recordLinksUnicatApi',
		]);
	});

	test.each(known.packages.map((entry) => [entry.package, entry.names] as const))('none is a name %s uses', (_name, names) => {
		expect(names.length).toBeGreaterThan(0);
		expect(ours.filter((name) => names.includes(name))).toEqual([]);
	});

	test('the check would catch a clash: DataGOL\'s own package uses dataGolApi', () => {
		expect(known.packages.find((entry) => entry.package === 'n8n-nodes-datagol')?.names).toContain('dataGolApi');
	});
});
