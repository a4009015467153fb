import { configs } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', '.n8n-user/**', 'coverage/**'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
		...configs.recommended,
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		...configs.recommended,
	},
);
