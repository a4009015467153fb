import { ensureN8n } from '../../scripts/n8n-install';
import { buildPack, packPack } from '../../scripts/pack';
import { ensureVerdaccio } from './registry';

/** Builds and packs the pack and makes sure n8n is installed, before any e2e test file runs. */
export default async function globalSetup(): Promise<void> {
	const log = (line: string) => process.stdout.write(`${line}\n`);
	log('\n[e2e] Building the pack…');
	await buildPack();
	await ensureN8n(log);
	await ensureVerdaccio(log);
	process.env.RECORD_LINKS_PACKAGE_TGZ = await packPack();
	log(`[e2e] Packed ${process.env.RECORD_LINKS_PACKAGE_TGZ}`);
}
