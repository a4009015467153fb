export { executeLinkNode } from './execute';
export { groupIntoUnits } from './run';
export { readFields } from './reads';
export { reconcileOptionFields } from './reconcile';
export { linkNodeDescription, operationSubtitle } from './node';
export { optionsCollection } from './options';
export { arrayIn, currentText, isObject, listFromVendor, listProblem, searchItems, textField } from './lists';
export { RequestFailure, retryAfterMs } from './failure';
export type { FailureFields } from './failure';
export { retryDelayMs } from './retry';
export { doneFields, saysNoChangeNeeded } from './no-change';
export { pickerModes } from './fields';
export { Pacer } from './pacer';
export { AutoConcurrency } from './concurrency';
export { getOrCreate } from './write-state';
export type {
	FollowUp,
	GetLinksOperation,
	LinkChange,
	LinkOperation,
	LinkPage,
	LinkRead,
	Lookup,
	NodeOperation,
	PageCursor,
	SetLinksOperation,
	SessionLifecycle,
	SessionToken,
	Vendor,
	VendorErrorText,
	VendorRequest,
	VendorResponse,
	WriteState,
} from './types';
export { hasControlCharacter, isUuid, optionalText, pathSegment, requiredText, textList, uuid } from './validation';
export { bareToken, refusedCredentialRule, withApiRoot, withHeaders } from './auth';
