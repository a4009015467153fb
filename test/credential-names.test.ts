/**
 * n8n keys credential types by name across every installed package (node types are namespaced by
 * package, credential types are not). The pack's credential types must not take a name that n8n
 * itself or another package for these vendors already uses (test/contracts/known-credential-types.json);
 * the end-to-end tests check the same against the n8n they install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { credentialTypes } from './harness/registry';

interface KnownNames {
	packages: Array<{ package: string; names: string[] }>;
}

const known = JSON.parse(readFileSync(join(__dirname, 'contracts', 'known-credential-types.json'), 'utf8')) as KnownNames;
const packageJson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { n8n: { credentials: string[] } };

describe('credential type names', () => {
	const ours = Object.values(credentialTypes).map((type) => type.name);

	test('every credential the package declares is one of the five, each named for this pack', () => {
		expect(packageJson.n8n.credentials).toHaveLength(ours.length);
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
