import { optionsCollection } from '../engine';
import type { LinkOperation } from '../engine';
import { describeLink, type LinkParams, linkProperties, linkRequest, linkSchema, recoverNoChange, tulip } from './vendor';

/**
 * Link: PUT /tableLinks/{tableLinkId}/link { leftRecord, rightRecord } → 204.
 *
 * Idempotent: a link is a state (the two records are linked or not) and the call is a PUT, so
 * sending it again leaves the same state; an "already linked" answer is a success with
 * `alreadyLinked: true` (see `recover`). Paced per table link (Tulip: 10 writes/s per table).
 */
export const link: LinkOperation<LinkParams> = {
	name: 'link',
	properties: [...linkProperties('link'), optionsCollection(tulip, 'link', {})],
	schema: linkSchema,
	idempotent: true,
	rateScope: (params) => params.tableLinkId,
	buildRequest([params]) {
		return linkRequest('link', params);
	},
	toOutput(_response, [params]) {
		return [describeLink('link', params)];
	},
	async recover(failure, [params]) {
		return recoverNoChange('link', failure, params);
	},
};
