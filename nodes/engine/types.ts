import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	INodeProperties,
} from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import type { RequestFailure } from './failure';

/** One HTTP call, relative to the vendor's base URL. */
export interface VendorRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject | IDataObject[];
	qs?: IDataObject;
}

/** A request's answer as the engine hands it to a vendor module. */
export interface VendorResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** What a vendor's error body says, in words a user can act on. */
export interface VendorErrorText {
	message: string;
	description?: string;
}

/**
 * Everything that is one operation's own: its parameters, how they are validated, how items become
 * requests and how a response becomes one output item per input item. (Members are methods so an
 * operation of any parameter type fits where the engine takes a list of operations.)
 */
export interface LinkOperation<Params> {
	/** The value of the node's `operation` parameter. */
	name: string;
	/** The operation as the Operation field lists it ("Link"). */
	label: string;
	/** What the operation does, under its label in the Operation field. */
	description: string;
	/** The node creator's and an AI agent's name for it ("Link two records"). */
	action: string;
	/**
	 * The node parameters this operation reads per item, without the Operation condition: the node
	 * shows each for the operations that list it (one field object, several operations: declared once).
	 */
	properties: INodeProperties[];
	/** Validates one item's raw parameters; issue paths start with a parameter name. */
	schema: ZodType<Params, ZodTypeDef, unknown>;
	/**
	 * Whether sending the same request twice is harmless. A non-idempotent request is retried only
	 * when it certainly never reached the vendor.
	 */
	idempotent: boolean;
	/**
	 * For a non-idempotent operation: what to tell the user when its request may have been carried
	 * out although it failed (no answer, or a 5xx); replaces the engine's generic note.
	 */
	uncertainNote?: string;
	/**
	 * For a non-idempotent operation whose effect can be looked up (DevRev: links.list): after an
	 * attempt whose answer was lost, finds what the attempt made (outputs for the items) or undefined
	 * when it is not there, so that the request can be sent again without making a second copy.
	 */
	findEffect?(items: Params[], follow: FollowUp): Promise<IDataObject[] | undefined>;
	/** Whether to look for the effect before the first send too (a re-run must not make a second copy). */
	lookFirst?(items: Params[]): boolean;
	/**
	 * When set, items whose key is equal travel in one request (up to the batch size); the key
	 * holds everything the request's path and shared fields depend on. An item whose key is
	 * undefined travels alone (FairCom: Merge Items off).
	 */
	batchKey?(params: Params): string | undefined;
	/** A size for each item when batching (e.g. FairCom ids per item); defaults to 1. */
	batchWeight?(params: Params): number;
	/** The pacing scope of a request (Tulip: per table link); one scope when absent. */
	rateScope?(params: Params): string;
	/**
	 * A step before the request, for a request that needs something looked up first (DevRev's unlink
	 * by ends finds the link's ID): gives the items' params with what was found. A failure here
	 * means nothing was sent.
	 */
	prepare?(items: Params[], follow: FollowUp): Promise<Params[]>;
	/** Builds the request for a group of items (a single item unless `batchKey` is set). */
	buildRequest(items: Params[], session: SessionToken | undefined): VendorRequest;
	/** Turns a successful response into one output object per item, in the items' order. */
	toOutput(response: VendorResponse, items: Params[]): IDataObject[];
	/**
	 * Gives outputs for a failure that is in fact a success (an "already linked" answer), or
	 * undefined to let the failure stand.
	 */
	recover?(failure: RequestFailure, items: Params[], follow: FollowUp): Promise<IDataObject[] | undefined>;
}

/** Sends a further request through the engine (same auth, retries and pacing). */
export type FollowUp = (request: VendorRequest, idempotent: boolean) => Promise<VendorResponse>;

/** A session some vendors need (FairCom's authToken). */
export type SessionToken = string;

export interface SessionLifecycle {
	open: (send: FollowUp) => Promise<SessionToken>;
	close: (send: FollowUp, token: SessionToken) => Promise<void>;
	/** True when a failure means the session expired and one new session + one retry may fix it. */
	isExpired: (error: unknown) => boolean;
	/** Whether this credential works through a session (FairCom: not with a given authToken). */
	usedWith?: (credentials: ICredentialDataDecryptedObject) => boolean;
	/**
	 * Whether one session serves every execution with this credential in this n8n process (kept open,
	 * left to idle out on the server) instead of one per execution, ended when it finishes.
	 */
	reused?: (credentials: ICredentialDataDecryptedObject) => boolean;
}

/** Everything that is one vendor's own and the same for all its operations. */
export interface Vendor {
	/** Used in messages ("DevRev answered …"). */
	displayName: string;
	credentialType: string;
	/** The API base URL from the credential's non-secret fields, without a trailing slash. */
	baseUrl: (credentials: ICredentialDataDecryptedObject) => string;
	/** Reads the vendor's error body; undefined when it is not the vendor's shape (a proxy's page). */
	describeError: (statusCode: number, body: unknown) => VendorErrorText | undefined;
	/** Throws a RequestFailure (outcome `refused`, with the vendor's code) when a 2xx response carries a failure. */
	checkSuccessBody?: (body: unknown) => void;
	/**
	 * Whether the node reads a successful answer's body. 'json' (the default): every success is a JSON
	 * body, so an empty answer or text is not the vendor's answer. 'ignored' (Tulip answers 204 without
	 * a body; DataGOL's success body is undocumented): an empty answer or text is fine. Either way an
	 * HTML page or JSON cut short is not the vendor's answer (see `unreadableAnswer` in transport.ts).
	 */
	successBody?: 'json' | 'ignored';
	/** Requests in flight at once unless the user sets the Concurrency option. */
	defaultConcurrency: number;
	/** Largest request group unless the user sets the Batch Size option (batching operations only). */
	defaultBatchSize?: number;
	/** Documented request rate per rate scope, paced to unless the user overrides it. */
	defaultRatePerSecond?: number;
	/**
	 * The credential logs in (preAuthentication) and a 401 means the login expired: n8n then logs in
	 * again and the request is repeated once, which is safe even for non-idempotent requests.
	 */
	loginExpiresWith401?: boolean;
	/** Whether the credential asks to skip TLS certificate checks (self-signed servers). */
	skipSslCertificateValidation?: (credentials: ICredentialDataDecryptedObject) => boolean;
	session?: SessionLifecycle;
}
