import type { IDataObject } from 'n8n-workflow';

import type { RequestFailure } from './failure';

/** Statuses a vendor may refuse a no-op with ("already linked", "not linked"). */
const NO_CHANGE_STATUSES = new Set([400, 404, 409, 422]);

const SAYS_ALREADY_LINKED = /already[ _-]?(been[ _-]?)?linked|(link[ _-]?)?already[ _-]?exists/i;
const SAYS_NOT_LINKED = /not[ _-]?linked|already[ _-]?unlinked|no[ _-]?(such[ _-]?)?link|link[ _-]?(does[ _-]?not[ _-]?exist|not[ _-]?found)/i;

/**
 * Whether a vendor refused a request only because the wanted state already holds: the pair was
 * already linked (Link) or was not linked (Unlink). No vendor but FairCom documents such an answer,
 * so a refusal whose text says so is read that way: a success with a note on the item, never a
 * lost item (test/contracts/*.contract.json, facts "repeat-link"); any other refusal stands.
 */
export function saysNoChangeNeeded(operation: 'link' | 'unlink', failure: RequestFailure): boolean {
	if (failure.statusCode === undefined || !NO_CHANGE_STATUSES.has(failure.statusCode)) return false;
	const text = `${failure.message} ${typeof failure.body === 'string' ? failure.body : JSON.stringify(failure.body ?? '')}`;
	return (operation === 'link' ? SAYS_ALREADY_LINKED : SAYS_NOT_LINKED).test(text);
}

/**
 * The fields that say an item is done: `linked: true` (Link) or `unlinked: true` (Unlink), with
 * `alreadyLinked` / `alreadyUnlinked` when the vendor said nothing needed doing.
 */
export function doneFields(operation: 'link' | 'unlink', noChange = false): IDataObject {
	if (operation === 'link') return { linked: true, ...(noChange ? { alreadyLinked: true } : {}) };
	return { unlinked: true, ...(noChange ? { alreadyUnlinked: true } : {}) };
}
