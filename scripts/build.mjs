// Compiles the pack into dist/ and copies what tsc does not: icons and codex files.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
try {
	execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
		stdio: 'inherit',
	});
} catch {
	process.exit(1); // tsc has printed the errors
}

cpSync(join(root, 'icons'), join(dist, 'icons'), { recursive: true });

function copyCodexFiles(dir) {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) copyCodexFiles(path);
		else if (entry.name.endsWith('.node.json')) {
			const target = join(dist, relative(root, path));
			mkdirSync(dirname(target), { recursive: true });
			cpSync(path, target);
		}
	}
}
copyCodexFiles(join(root, 'nodes'));
