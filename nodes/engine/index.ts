export { executeLinkNode, groupIntoUnits, runLinkOperation } from './run';
export { optionsCollection, readEngineSettings } from './options';
export { ItemInputError, readItemParams } from './params';
export { RequestFailure, retryAfterMs, retryDelayMs } from './transport';
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
