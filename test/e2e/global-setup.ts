import { ensureN8n } from '../../scripts/n8n-install';
import { buildPack, packPack } from '../../scripts/pack';
import { ensureVerdaccio } from './registry';

/**
 * Builds and packs the pack and makes sure n8n is installed, before any e2e test file runs. When
 * RECORD_LINKS_PACKAGE_TGZ names a tarball already (`npm run test:all` builds and packs once for
 * every leg running beside this one), that tarball is tested and dist/ is left alone.
 */
export default async function globalSetup(): Promise<void> {
	const log = (line: string) => process.stdout.write(`${line}\n`);
	if (!process.env.RECORD_LINKS_PACKAGE_TGZ) {
		log('\n[e2e] Building the pack…');
		await buildPack();
		process.env.RECORD_LINKS_PACKAGE_TGZ = await packPack();
		log(`[e2e] Packed ${process.env.RECORD_LINKS_PACKAGE_TGZ}`);
	}
	await ensureN8n(log);
	await ensureVerdaccio(log);
}
