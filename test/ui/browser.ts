/**
 * Debian's Chromium, driven by playwright-core, against the n8n editor: a fresh profile per run, and
 * no background traffic (this machine is offline; without these flags Chromium keeps dialling out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page, selectors } from 'playwright-core';

import { DEFAULT_OWNER } from '../../scripts/n8n-server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
	'--disable-sync',
];

export interface Editor {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

// n8n marks its elements with data-test-id (not Playwright's default data-testid).
selectors.setTestIdAttribute('data-test-id');

/** Opens the editor at `n8nUrl` in a fresh Chromium profile and signs in as the owner. */
export async function openEditor(n8nUrl: string): Promise<Editor> {
	const userDataDir = mkdtempSync(join(tmpdir(), 'record-links-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: FLAGS,
		viewport: { width: 1280, height: 800 },
	});
	const close = async () => {
		await context.close().catch(() => undefined);
		rmSync(userDataDir, { recursive: true, force: true });
	};
	try {
		context.setDefaultTimeout(30_000);
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${n8nUrl}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', DEFAULT_OWNER.email);
		await page.fill('input[name=password]', DEFAULT_OWNER.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		return { context, page, close };
	} catch (error) {
		await close();
		throw error;
	}
}
