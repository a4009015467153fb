import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

import { vendorPackageDirs } from './scripts/workspace.mjs';

const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

/**
 * What `n8n-node lint` runs on a package (n8n's @n8n/node-cli 0.48.3, `dist/configs/eslint.js`, the
 * `config` its template's eslint.config.mjs exports, with n8n Cloud support), applied to one package
 * folder of this workspace. The CLI itself is not a dependency: it lints one package from its own
 * folder, and it pulls n8n's AI SDK and a native build (isolated-vm) that a lint does not use.
 */
function n8nNodeCliConfig(dir, { manifest = true } = {}) {
	const configs = [
		{
			files: [`${dir}/**/*.ts`],
			extends: [js.configs.recommended, tseslint.configs.recommended, communityNodesRecommended, importX.configs['flat/recommended']],
			rules: { 'prefer-spread': 'off', 'no-console': 'error' },
		},
		{
			files: manifest ? [`${dir}/**/*.ts`, `${dir}/package.json`] : [`${dir}/**/*.ts`],
			plugins: { 'n8n-nodes-base': n8nNodesBase },
			settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
		},
		manifest && {
			files: [`${dir}/package.json`],
			extends: [communityNodesRecommended],
			rules: { ...n8nNodesBase.configs.community.rules },
			languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		},
		{
			files: [`${dir}/credentials/**/*.ts`],
			rules: {
				...n8nNodesBase.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: [`${dir}/nodes/**/*.ts`],
			rules: {
				...n8nNodesBase.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
	];
	return configs.filter(Boolean);
}

export default tseslint.config(
	{ ignores: ['**/dist/**', 'node_modules/**', '.cache/**', '.n8n-user/**', '.n8n-user-*/**', 'coverage/**'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	// The shared engine ships inside every package: its code is held to the packages' rules (its
	// manifest is not: it is never published).
	...n8nNodeCliConfig('packages/engine', { manifest: false }),
	...vendorPackageDirs().flatMap(n8nNodeCliConfig),
);
