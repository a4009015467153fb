export { executeLinkNode, groupIntoUnits, runLinkOperation } from './run';
export { optionsCollection, readEngineSettings } from './options';
export { ItemInputError, readItemParams } from './params';
export { listFromVendor, listProblem, searchItems, textField } from './lists';
export type { ListOptions, ListRequests } from './lists';
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
