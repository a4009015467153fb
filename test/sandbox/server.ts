/**
 * The vendor sandbox: one local HTTP server that speaks the five vendors' APIs (one module each,
 * mounted under its own path prefix), keeps their state, records every request, and injects
 * faults on demand: latency, rate limits, error statuses, dropped connections.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';

import { contractViolations } from '../contracts/check';
import { recordSeen } from '../harness/leaks';

export interface SandboxRequest {
	vendor: string;
	method: string;
	/** Path below the vendor's prefix, without the query string. */
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	rawBody: string;
	/** The parsed JSON body, or undefined when the body is empty or not JSON. */
	body: unknown;
	receivedAt: number;
}

export interface SandboxResponse {
	status: number;
	headers?: Record<string, string>;
	/** Sent as JSON unless it is a string. */
	body?: unknown;
}

/** One vendor's API: its state and how it answers. */
export interface VendorModule<State> {
	/** The path prefix the vendor lives under, e.g. "/devrev". */
	prefix: string;
	createState(): State;
	handle(request: SandboxRequest, state: State): SandboxResponse | Promise<SandboxResponse>;
	/** The vendor's own 429 answer (some vendors' differs by sandbox variant). */
	rateLimited(retryAfterSeconds: number, state?: State): SandboxResponse;
	/** The pacing scope of a request (Tulip: per table); one scope per vendor when absent. */
	rateScope?(request: SandboxRequest): string;
}

export type Fault =
	| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
	/** Closes the socket before reading the request through: nothing is processed. */
	| { kind: 'reset-before' }
	/** Processes the request (state changes), then drops the connection without answering. */
	| { kind: 'drop-after' }
	/** Answers after `ms` (longer than the client's timeout, say); the request is processed. */
	| { kind: 'delay'; ms: number }
	/** Processes the request, then answers 200 with this raw text (malformed JSON, HTML, empty). */
	| { kind: 'raw'; status?: number; contentType?: string; text: string };

export interface FaultRule {
	vendor?: string;
	/** Matches the path below the vendor's prefix. */
	path?: string | RegExp;
	method?: string;
	/** How many matching requests it applies to (default 1). */
	times?: number;
	/** Skip this many matching requests first. */
	after?: number;
	/** Applies to each matching request with this probability instead of a count. */
	probability?: number;
	fault: Fault;
}

export interface RateLimit {
	perSecond: number;
	/** Bucket size; defaults to perSecond (one second's worth). */
	burst?: number;
}

/**
 * A window of requests per vendor, as DevRev documents it (rate-limits page): every answer carries
 * `X-Ratelimit-Limit`, `X-Ratelimit-Remaining` and `X-Ratelimit-Reset` (epoch seconds); past the
 * limit, a 429 with Retry-After until the window resets.
 */
export interface RateWindow {
	limit: number;
	windowMs: number;
}

interface WindowUse {
	used: number;
	resetAt: number;
}

interface Bucket {
	tokens: number;
	updatedAt: number;
}

export interface SandboxOptions {
	port?: number;
	/** Port of the HTTPS listener (ephemeral when absent). */
	securePort?: number;
	host?: string;
	latencyMs?: number;
}

export class Sandbox<Modules extends Record<string, VendorModule<unknown>>> {
	readonly requests: SandboxRequest[] = [];
	/** Every request received, recorded or not. */
	requestCount = 0;
	state: { [K in keyof Modules]: ReturnType<Modules[K]['createState']> };
	latencyMs: number;
	/** Rate limits per vendor name. */
	readonly rateLimits = new Map<string, RateLimit>();
	/**
	 * Most requests in flight per vendor name: one more is refused at once with the vendor's 429
	 * (Retry-After: 0), as an API that limits concurrent requests does.
	 */
	readonly inFlightLimits = new Map<string, number>();
	/** Request windows per vendor name (see RateWindow). */
	readonly rateWindows = new Map<string, RateWindow>();
	private readonly windowUse = new Map<string, WindowUse>();
	/** Requests in flight now, and the most at once since the last reset, per vendor name. */
	readonly inFlight = new Map<string, number>();
	readonly peakInFlight = new Map<string, number>();
	private readonly buckets = new Map<string, Bucket>();
	private rules: Array<FaultRule & { seen: number; applied: number }> = [];
	private server: Server | undefined;
	/** The same API over HTTPS with a self-signed certificate (test/sandbox/tls). */
	private secureServer: Server | undefined;
	private readonly sockets = new Set<Socket>();
	/**
	 * Requests and answers that departed from the vendor's published contract (test/contracts/), as
	 * "vendor METHOD path: problem". Injected faults are departures on purpose and are not checked.
	 */
	readonly contractViolations: string[] = [];
	/** Exchanges checked against the contracts since the sandbox started (not reset). */
	contractChecks = 0;
	/** Counts of faults actually injected, by kind. */
	readonly injected: Record<string, number> = {};
	private recordRequests = true;

	constructor(
		private readonly modules: Modules,
		options: SandboxOptions = {},
	) {
		this.latencyMs = options.latencyMs ?? 0;
		this.state = this.freshState();
	}

	private freshState() {
		const state = {} as Record<string, unknown>;
		for (const [name, module] of Object.entries(this.modules)) state[name] = module.createState();
		return state as Sandbox<Modules>['state'];
	}

	/** Forgets state, recorded requests, faults and rate limits. */
	reset(): void {
		this.state = this.freshState();
		this.requests.length = 0;
		this.contractViolations.length = 0;
		this.requestCount = 0;
		this.rules = [];
		this.rateLimits.clear();
		this.buckets.clear();
		this.inFlightLimits.clear();
		this.rateWindows.clear();
		this.windowUse.clear();
		this.peakInFlight.clear();
		for (const key of Object.keys(this.injected)) delete this.injected[key];
	}

	/** Turns request recording off for long runs (the benchmark) where only counts matter. */
	setRecording(on: boolean): void {
		this.recordRequests = on;
	}

	addFault(rule: FaultRule): void {
		this.rules.push({ ...rule, seen: 0, applied: 0 });
	}

	requestsFor(vendor: string, path?: string | RegExp): SandboxRequest[] {
		return this.requests.filter((request) => request.vendor === vendor && matchesPath(request.path, path));
	}

	get url(): string {
		const address = this.server?.address() as AddressInfo | undefined;
		if (!address) throw new Error('The sandbox is not listening');
		return `http://127.0.0.1:${address.port}`;
	}

	baseUrl(vendor: keyof Modules): string {
		return `${this.url}${this.modules[vendor].prefix}`;
	}

	/** The vendor's base URL over HTTPS (self-signed certificate for "localhost"). */
	secureBaseUrl(vendor: keyof Modules): string {
		const address = this.secureServer?.address() as AddressInfo | undefined;
		if (!address) throw new Error('The sandbox is not listening on HTTPS');
		return `https://localhost:${address.port}${this.modules[vendor].prefix}`;
	}

	async start(options: SandboxOptions = {}): Promise<this> {
		this.server = createHttpServer((request, response) => {
			void this.dispatch(request, response);
		});
		this.server.keepAliveTimeout = 30_000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
		const tls = join(__dirname, 'tls');
		this.secureServer = createHttpsServer(
			{ key: readFileSync(join(tls, 'sandbox-key.pem')), cert: readFileSync(join(tls, 'sandbox-cert.pem')) },
			(request, response) => {
				void this.dispatch(request, response);
			},
		);
		this.secureServer.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.secureServer!.listen(options.securePort ?? 0, options.host ?? '127.0.0.1', resolve));
		return this;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		for (const server of [this.server, this.secureServer]) {
			await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
		}
		this.server = undefined;
		this.secureServer = undefined;
	}

	private checkContract(request: SandboxRequest, response: SandboxResponse): void {
		// Long runs (the benchmark) record nothing and check nothing.
		if (!this.recordRequests) return;
		this.contractChecks++;
		let violations: string[];
		try {
			violations = contractViolations({
				vendor: request.vendor,
				method: request.method,
				path: request.path,
				query: request.query,
				body: request.body,
				rawBody: request.rawBody,
				status: response.status,
				responseBody: typeof response.body === 'string' ? response.body : response.body === undefined ? undefined : JSON.parse(JSON.stringify(response.body)),
			});
		} catch (error) {
			violations = [`${request.vendor} ${request.method} ${request.path}: the contract check failed: ${(error as Error).message}`];
		}
		this.contractViolations.push(...violations);
	}

	private takeFault(request: SandboxRequest): Fault | undefined {
		for (const rule of this.rules) {
			if (rule.vendor && rule.vendor !== request.vendor) continue;
			if (rule.method && rule.method !== request.method) continue;
			if (!matchesPath(request.path, rule.path)) continue;
			rule.seen++;
			if (rule.probability !== undefined) {
				if (Math.random() < rule.probability) return rule.fault;
				continue;
			}
			if (rule.seen <= (rule.after ?? 0)) continue;
			if (rule.applied >= (rule.times ?? 1)) continue;
			rule.applied++;
			return rule.fault;
		}
		return undefined;
	}

	/** Token bucket per vendor and scope; true when the request may pass. */
	private withinRateLimit(vendor: string, scope: string): boolean {
		const limit = this.rateLimits.get(vendor);
		if (!limit) return true;
		const key = `${vendor}\u0000${scope}`;
		const capacity = limit.burst ?? limit.perSecond;
		const now = Date.now();
		const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
		bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond);
		bucket.updatedAt = now;
		this.buckets.set(key, bucket);
		if (bucket.tokens < 1) return false;
		bucket.tokens -= 1;
		return true;
	}

	private async dispatch(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
		const url = new URL(incoming.url ?? '/', 'http://sandbox');
		const entry = Object.entries(this.modules).find(
			([, module]) => url.pathname === module.prefix || url.pathname.startsWith(`${module.prefix}/`),
		);
		const rawBody = await readBody(incoming);
		if (!entry) {
			send(outgoing, { status: 404, body: { message: `No vendor at ${url.pathname}` } });
			return;
		}
		const [vendor, module] = entry;
		const request: SandboxRequest = {
			vendor,
			method: incoming.method ?? 'GET',
			path: url.pathname.slice(module.prefix.length) || '/',
			query: url.searchParams,
			headers: incoming.headers,
			rawBody,
			body: parseJson(rawBody),
			receivedAt: Date.now(),
		};
		this.requestCount++;
		if (this.recordRequests) {
			this.requests.push(request);
			recordSeen('request URL', incoming.url);
		}
		const inFlight = (this.inFlight.get(vendor) ?? 0) + 1;
		this.inFlight.set(vendor, inFlight);
		this.peakInFlight.set(vendor, Math.max(this.peakInFlight.get(vendor) ?? 0, inFlight));
		try {
			await this.answer(request, module, incoming, outgoing, inFlight);
		} finally {
			this.inFlight.set(vendor, (this.inFlight.get(vendor) ?? 1) - 1);
		}
	}

	/** The request window's headers after this request, or a 429 when the window is used up. */
	private windowAnswer(vendor: string): { headers: Record<string, string>; retryAfterSeconds?: number } | undefined {
		const window = this.rateWindows.get(vendor);
		if (!window) return undefined;
		const now = Date.now();
		let use = this.windowUse.get(vendor);
		if (!use || use.resetAt <= now) {
			use = { used: 0, resetAt: now + window.windowMs };
			this.windowUse.set(vendor, use);
		}
		const over = use.used >= window.limit;
		if (!over) use.used++;
		const headers = {
			'X-Ratelimit-Limit': String(window.limit),
			'X-Ratelimit-Remaining': String(window.limit - use.used),
			'X-Ratelimit-Reset': String(Math.ceil(use.resetAt / 1000)),
		};
		return over ? { headers, retryAfterSeconds: Math.ceil((use.resetAt - now) / 1000) } : { headers };
	}

	private async answer(
		request: SandboxRequest,
		module: VendorModule<unknown>,
		incoming: IncomingMessage,
		outgoing: ServerResponse,
		inFlight: number,
	): Promise<void> {
		const { vendor } = request;
		const fault = this.takeFault(request);
		if (fault) this.injected[fault.kind] = (this.injected[fault.kind] ?? 0) + 1;
		if (fault?.kind === 'reset-before') {
			incoming.socket.destroy();
			return;
		}
		if (this.latencyMs > 0) await sleep(this.latencyMs);
		if (fault?.kind === 'status') {
			send(outgoing, { status: fault.status, body: fault.body, headers: fault.headers });
			return;
		}
		const inFlightLimit = this.inFlightLimits.get(vendor);
		if (inFlightLimit !== undefined && inFlight > inFlightLimit) {
			this.injected.tooManyInFlight = (this.injected.tooManyInFlight ?? 0) + 1;
			send(outgoing, module.rateLimited(0, this.state[vendor as keyof Modules]));
			return;
		}
		const window = this.windowAnswer(vendor);
		if (window?.retryAfterSeconds !== undefined) {
			this.injected.windowUsedUp = (this.injected.windowUsedUp ?? 0) + 1;
			const limited = module.rateLimited(window.retryAfterSeconds, this.state[vendor as keyof Modules]);
			send(outgoing, { ...limited, headers: { ...limited.headers, ...window.headers } });
			return;
		}
		if (!this.withinRateLimit(vendor, module.rateScope?.(request) ?? '')) {
			this.injected.rateLimited = (this.injected.rateLimited ?? 0) + 1;
			const limited = module.rateLimited(1, this.state[vendor as keyof Modules]);
			this.checkContract(request, limited);
			send(outgoing, limited);
			return;
		}

		let response: SandboxResponse;
		try {
			response = await module.handle(request, this.state[vendor as keyof Modules]);
		} catch (error) {
			response = { status: 500, body: { message: `Sandbox error: ${(error as Error).message}` } };
		}
		if (window) response = { ...response, headers: { ...response.headers, ...window.headers } };
		if (!fault || fault.kind === 'delay') this.checkContract(request, response);
		if (fault?.kind === 'drop-after') {
			incoming.socket.destroy();
			return;
		}
		if (fault?.kind === 'delay') await sleep(fault.ms);
		if (fault?.kind === 'raw') {
			outgoing.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'application/json' });
			outgoing.end(fault.text);
			return;
		}
		send(outgoing, response);
	}
}

function matchesPath(path: string, pattern: string | RegExp | undefined): boolean {
	if (pattern === undefined) return true;
	return typeof pattern === 'string' ? path === pattern : pattern.test(path);
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function send(response: ServerResponse, { status, headers = {}, body }: SandboxResponse): void {
	if (response.destroyed) return;
	if (body === undefined) {
		response.writeHead(status, headers);
		response.end();
		return;
	}
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	response.writeHead(status, {
		'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
		...headers,
	});
	response.end(text);
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses `Authorization: Bearer <token>`; undefined when absent or another scheme. */
export function bearerToken(request: SandboxRequest): string | undefined {
	const header = request.headers.authorization;
	const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
	return match?.[1];
}
