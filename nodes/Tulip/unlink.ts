import { optionsCollection } from '../engine';
import type { LinkOperation } from '../engine';
import { describeLink, type LinkParams, linkProperties, linkRequest, linkSchema, recoverNoChange, tulip } from './vendor';

/**
 * Unlink: PUT /tableLinks/{tableLinkId}/unlink { leftRecord, rightRecord } → 204.
 *
 * Idempotent: unlinking twice leaves the records unlinked; a "not linked" answer is a success with
 * `alreadyUnlinked: true`. Paced like Link (it is a write to the same tables).
 */
export const unlink: LinkOperation<LinkParams> = {
	name: 'unlink',
	properties: [...linkProperties('unlink'), optionsCollection(tulip, 'unlink', {})],
	schema: linkSchema,
	idempotent: true,
	rateScope: (params) => params.tableLinkId,
	buildRequest([params]) {
		return linkRequest('unlink', params);
	},
	toOutput(_response, [params]) {
		return [describeLink('unlink', params)];
	},
	async recover(failure, [params]) {
		return recoverNoChange('unlink', failure, params);
	},
};
