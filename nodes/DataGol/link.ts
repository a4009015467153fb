import { optionsCollection } from '../engine';
import type { LinkOperation } from '../engine';
import { pairProperties } from './params';
import { dataGol, describePair, type Pair, pairSchema, pairsRequest, recoverNoChange, tableKey } from './vendor';

/**
 * Link: POST …/linkRecordV2 with an array of pairs; items for the same workspace and workbook travel
 * in one request (up to Batch Size).
 *
 * Idempotent: a link is a state (the pair is linked or not), so sending the same pairs again leaves
 * the same state. If DataGOL answers a repeat with "already linked", `recover` reports the pair as
 * linked with `alreadyLinked: true` instead of losing it. So a batch whose answer was lost (a
 * dropped connection, a 502/503/504) is safe to send again.
 */
export const link: LinkOperation<Pair> = {
	name: 'link',
	properties: [...pairProperties('link'), optionsCollection(dataGol, 'link', { batching: true })],
	schema: pairSchema,
	idempotent: true,
	batchKey: tableKey,
	buildRequest(pairs) {
		return pairsRequest('POST', pairs);
	},
	toOutput(_response, pairs) {
		return pairs.map((pair) => ({ ...describePair('link', pair), linked: true }));
	},
	async recover(failure, pairs, follow) {
		return await recoverNoChange('link', failure, pairs, async (request) => await follow(request, true));
	},
};
