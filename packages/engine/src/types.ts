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
 * What every operation has: its name and labels, its parameters and how they are validated.
 * (Members are methods so an operation of any parameter type fits where the engine takes a list of
 * operations.)
 */
export interface OperationBase<Params> {
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
}

/**
 * A write: how items become requests and how a response becomes one output item per input item.
 */
export interface LinkOperation<Params> extends OperationBase<Params> {
	kind?: 'write';
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
	 * when it is not there, so that the request can be sent again without making a second copy. It
	 * must look afresh: what the execution remembers predates the lost attempt.
	 */
	findEffect?(items: Params[], follow: FollowUp, state: WriteState): Promise<IDataObject[] | undefined>;
	/** Sees every valid item of the execution once, before any is sent (Unicat: which records and parents). */
	planRun?(items: Params[], state: WriteState): void;
	/**
	 * The look before the first send (a re-run must not make a second copy): outputs for what is
	 * already there, or undefined to send. It may answer from what the execution has read and made.
	 */
	findExisting?(items: Params[], follow: FollowUp, state: WriteState): Promise<IDataObject[] | undefined>;
	/**
	 * What a successful send made (its outputs), for the execution's memory (a later item then finds
	 * it). A failure here is not the items' failure: the send succeeded.
	 */
	afterSend?(outputs: IDataObject[], items: Params[], follow: FollowUp, state: WriteState): Promise<void>;
	/**
	 * Requests whose key is equal go one after another within an execution, in item order, whatever
	 * the concurrency, so that the later one's look sees what the earlier one made. Undefined: no order.
	 */
	sequenceKey?(items: Params[]): string | undefined;
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

/** What a write's hooks may remember. */
export interface WriteState {
	/** This node execution's memory, one per operation: what it has read and made. */
	execution: Map<string, unknown>;
	/** Kept across executions in this n8n process, one per vendor and base URL (Unicat's names the project). */
	shared: Map<string, unknown>;
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
	 * HTML page or JSON cut short is not the vendor's answer (see `unreadableAnswer` in vendor-failures.ts).
	 */
	successBody?: 'json' | 'ignored';
	/** Requests in flight when Auto starts (and the Concurrency option's default when a user adds it). */
	defaultConcurrency: number;
	/**
	 * The most requests in flight Auto ever allows (64 when absent). Unicat: 1, so that copies land
	 * under their parent in item order.
	 */
	maxConcurrency?: number;
	/** Largest request group unless the user sets the Batch Size option (batching operations only). */
	defaultBatchSize?: number;
	/** Documented request rate per rate scope, paced to unless the user overrides it. */
	defaultRatePerSecond?: number;
	/** Documented read rate per read scope (Tulip: 50 record reads/s per table); reads are not paced when absent. */
	defaultReadRatePerSecond?: number;
	/**
	 * The credential logs in (preAuthentication) and a 401 means the login expired: n8n then logs in
	 * again and the request is repeated once, which is safe even for non-idempotent requests.
	 */
	loginExpiresWith401?: boolean;
	/** Whether the credential asks to skip TLS certificate checks (self-signed servers). */
	skipSslCertificateValidation?: (credentials: ICredentialDataDecryptedObject) => boolean;
	session?: SessionLifecycle;
}

/** Where the next page starts: a vendor's cursor, or an offset. */
export type PageCursor = string | number;

/** One page of links as a vendor module reads it. */
export interface LinkPage {
	/** The page's links inside the operation's scope (links outside it are left out here). */
	links: IDataObject[];
	/** Where the next page starts; undefined on the last page. */
	next?: PageCursor;
}

/**
 * How a vendor reads the links of one record: one request per page. The engine pages, stops at the
 * limit, paces reads (the vendor's `defaultReadRatePerSecond`) and retries them (reads are always safe
 * to repeat); the vendor module only builds a page's request and reads its answer.
 */
export interface LinkRead<Params> {
	/** Largest page the vendor serves; the engine asks for less when fewer links are wanted. */
	pageSize: number;
	request(params: Params, page: { cursor?: PageCursor; size: number }, session: SessionToken | undefined): VendorRequest;
	page(response: VendorResponse, params: Params, cursor: PageCursor | undefined): LinkPage;
	/** The pacing scope of a read (Tulip: per table); one scope when absent. */
	rateScope?(params: Params): string;
	/**
	 * A step before the first page (Tulip: which table and column a table link joins). `lookup` sends
	 * a read through the engine once per execution: items asking the same get the same answer.
	 */
	prepare?(params: Params, lookup: Lookup): Promise<Params>;
}

/** Sends an idempotent read once per execution; the same request again gets the first answer. */
export type Lookup = (request: VendorRequest) => Promise<VendorResponse>;

/** Get Links: every input item is a record; one output item per link found, paired to it. */
export interface GetLinksOperation<Params> extends OperationBase<Params> {
	kind: 'read';
	read: LinkRead<Params>;
	/** The output item of one link found. */
	toOutput(link: IDataObject, params: Params): IDataObject;
}

/** One write of a Set Links item: a Link or Unlink operation's params, and the wanted-set keys it covers. */
export interface LinkChange<Params> {
	params: Params;
	keys: string[];
}

/**
 * Set Links: make one record's links inside a scope equal to a wanted set. The engine reads the
 * links in scope (all pages), keys them, diffs them against the wanted keys and sends only the
 * changes through the vendor's own Unlink and Link operations (their batching, pacing, retries and
 * recovery), removals first. Links outside the scope are never read, so never removed.
 */
export interface SetLinksOperation<Params, AddParams, RemoveParams> extends OperationBase<Params> {
	kind: 'reconcile';
	/** Reads the links in scope: only those may be removed. */
	read: LinkRead<Params>;
	/** The key of a link read (what the wanted set holds, e.g. the other end's ID, normalised). */
	keyOf(link: IDataObject, params: Params): string;
	/** The wanted links' keys (normalised like `keyOf`). */
	wanted(params: Params): string[];
	/** The parameter holding the wanted set, named when an empty set would remove every link. */
	wantedField: string;
	/** The writes that add these keys. */
	additions(params: Params, keys: string[]): Array<LinkChange<AddParams>>;
	/** The writes that remove these links (as read, with their keys). */
	removals(params: Params, links: Array<{ key: string; link: IDataObject }>): Array<LinkChange<RemoveParams>>;
	link: LinkOperation<AddParams>;
	unlink: LinkOperation<RemoveParams>;
	/** How keys show in the output's `added`, `removed` and `unchanged`. */
	describe(keys: string[], params: Params): unknown[];
	/** The record and scope on the output item. */
	identity(params: Params): IDataObject;
}

/** Any operation a node offers. */
export type NodeOperation =
	| LinkOperation<unknown>
	| GetLinksOperation<unknown>
	| SetLinksOperation<unknown, unknown, unknown>;
