import { optionsCollection } from '../engine';
import type { LinkOperation } from '../engine';
import { pairProperties } from './params';
import { dataGol, describePair, type Pair, pairSchema, pairsRequest, recoverNoChange, tableKey } from './vendor';

/**
 * Unlink: DELETE …/linkRecordV2 with the same array body as Link, batched the same way.
 *
 * Idempotent: removing a link that is already gone leaves the same state; a "not linked" answer is
 * reported as unlinked with `alreadyUnlinked: true` (see `recover`).
 */
export const unlink: LinkOperation<Pair> = {
	name: 'unlink',
	properties: [...pairProperties('unlink'), optionsCollection(dataGol, 'unlink', { batching: true })],
	schema: pairSchema,
	idempotent: true,
	batchKey: tableKey,
	buildRequest(pairs) {
		return pairsRequest('DELETE', pairs);
	},
	toOutput(_response, pairs) {
		return pairs.map((pair) => ({ ...describePair('unlink', pair), unlinked: true }));
	},
	async recover(failure, pairs, follow) {
		return await recoverNoChange('unlink', failure, pairs, async (request) => await follow(request, true));
	},
};
