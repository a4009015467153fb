export { executeLinkNode, groupIntoUnits } from './run';
export { optionsCollection } from './options';
export { isObject, listFromVendor, listProblem, searchItems, textField } from './lists';
export { RequestFailure, retryAfterMs, retryDelayMs } from './transport';
export { saysNoChangeNeeded } from './no-change';
export { Pacer } from './pacer';
export { VendorReportedError } from './types';
export type {
	FailureInfo,
	FollowUp,
	LinkOperation,
	SessionLifecycle,
	SessionToken,
	Vendor,
	VendorErrorText,
	VendorRequest,
	VendorResponse,
} from './types';
