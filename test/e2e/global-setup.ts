import { ensureN8n } from '../../scripts/n8n-install';
import { buildPackages, packPackages } from '../../scripts/pack';
import { ensureVerdaccio } from './registry';

/**
 * Builds and packs the vendor packages and makes sure n8n is installed, before any e2e test file
 * runs. When RECORD_LINKS_PACKAGES_DIR names a folder of tarballs already (`npm run test:all` builds
 * and packs once for every leg running beside this one), those are tested and dist/ is left alone.
 */
export default async function globalSetup(): Promise<void> {
	const log = (line: string) => process.stdout.write(`${line}\n`);
	if (!process.env.RECORD_LINKS_PACKAGES_DIR) {
		log('\n[e2e] Building the vendor packages…');
		await buildPackages();
		process.env.RECORD_LINKS_PACKAGES_DIR = await packPackages();
		log(`[e2e] Packed into ${process.env.RECORD_LINKS_PACKAGES_DIR}`);
	}
	await ensureN8n(log);
	await ensureVerdaccio(log);
}
