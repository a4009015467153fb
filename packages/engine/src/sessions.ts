import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { FollowUp, SessionLifecycle, SessionToken, Vendor, VendorRequest, VendorResponse } from './types';

/** What a session keeper sends through: the Transport, or anything that sends as it does. */
export interface RequestSender {
	send(request: VendorRequest, idempotent: boolean, scope: string, read?: boolean): Promise<VendorResponse>;
}

/**
 * Where a session lives: in a slot of its own for one execution, or in the slot every execution of
 * this n8n process shares for the same credential.
 */
interface SessionSlot {
	token?: Promise<SessionToken>;
}

interface SharedSlot extends SessionSlot {
	/** A digest of the credential's fields: a changed login (user, password, endpoint) gets a new session. */
	fingerprint: string;
}

/**
 * The sessions kept across executions, one per credential per process. Queue-mode workers are
 * separate processes, so each holds at most one session of its own; nothing is written to n8n's
 * database and the token never leaves this process's memory.
 */
const sharedSlots = new Map<string, SharedSlot>();

/** How a node's requests use the vendor's session. */
export interface SessionUse {
	lifecycle: SessionLifecycle;
	slot: SessionSlot;
	/** True: the session belongs to this execution and is ended when it finishes. */
	endsWithExecution: boolean;
}

function fingerprintOf(credentials: ICredentialDataDecryptedObject): string {
	const fields = Object.keys(credentials)
		.sort()
		.map((key) => [key, credentials[key]]);
	return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The session a node uses with this credential, or undefined when the vendor or credential uses none. */
export function sessionUse(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	vendor: Vendor,
	credentials: ICredentialDataDecryptedObject,
): SessionUse | undefined {
	const lifecycle = vendor.session;
	if (!lifecycle || !(lifecycle.usedWith?.(credentials) ?? true)) return undefined;
	const credentialId = context.getNode().credentials?.[vendor.credentialType]?.id;
	if (!credentialId || !(lifecycle.reused?.(credentials) ?? false)) {
		return ownSession(lifecycle);
	}
	const key = `${vendor.credentialType}:${credentialId}`;
	const fingerprint = fingerprintOf(credentials);
	let slot = sharedSlots.get(key);
	if (slot?.fingerprint !== fingerprint) {
		// A new or edited credential: a session of the old login is left to idle out on the server.
		slot = { fingerprint };
		sharedSlots.set(key, slot);
	}
	return { lifecycle, slot, endsWithExecution: false };
}

/** A session of the caller's own, opened on first use and ended when it is done. */
export function ownSession(lifecycle: SessionLifecycle): SessionUse {
	return { lifecycle, slot: {}, endsWithExecution: true };
}

/**
 * Holds an execution's session (if the vendor and credential use one): taken from its slot or opened
 * on first use, renewed once when the vendor says it expired, and ended at the end when it belongs to
 * this execution. One login at a time per slot: whoever needs a session while one is being opened
 * waits for that one, also across executions sharing the slot.
 */
export class SessionKeeper {
	/** The session this execution works with; a failed login stays failed for this execution. */
	private token: Promise<SessionToken> | undefined;

	constructor(
		// An execution, or a picker in the editor (which opens a session of its own and ends it).
		private readonly context: IExecuteFunctions | ILoadOptionsFunctions,
		private readonly vendor: Vendor,
		private readonly transport: RequestSender,
		private readonly use: SessionUse | undefined,
	) {}

	private readonly plainSend: FollowUp = async (request, idempotent) =>
		await this.transport.send(request, idempotent, '');

	/** Opens a session into the slot; a failed login is dropped from it so a later execution tries again. */
	private open(use: SessionUse): Promise<SessionToken> {
		const opening = use.lifecycle.open(this.plainSend);
		use.slot.token = opening;
		opening.catch(() => {
			if (use.slot.token === opening) use.slot.token = undefined;
		});
		return opening;
	}

	/** Sends a request built for the session (if any); a session that expired is renewed once and the request repeated. */
	async send(build: (token: SessionToken | undefined) => VendorRequest, idempotent: boolean, scope: string, read = false) {
		const { use } = this;
		if (!use) return await this.transport.send(build(undefined), idempotent, scope, read);
		this.token ??= use.slot.token ?? this.open(use);
		const used = this.token;
		const attempt = await this.transport.send(build(await used), idempotent, scope, read).then(
			(response) => ({ response }),
			(error: unknown) => ({ error }),
		);
		if ('response' in attempt) return attempt.response;
		if (!use.lifecycle.isExpired(attempt.error)) throw attempt.error;
		// One new session (unless another request already replaced the expired one) and one retry.
		if (this.token === used) this.token = use.slot.token !== used && use.slot.token ? use.slot.token : this.open(use);
		return await this.transport.send(build(await this.token), idempotent, scope, read);
	}

	/** Ends the execution's own session; a failure to end it is logged, since the work itself is done. */
	async close(): Promise<void> {
		const { use } = this;
		if (!use?.endsWithExecution || !this.token) return;
		let token: SessionToken;
		try {
			token = await this.token;
		} catch {
			return; // the session never opened: the login failure is already the items' error
		}
		try {
			await use.lifecycle.close(this.plainSend, token);
		} catch (error) {
			const reason = error instanceof Error ? error.message : 'unknown error';
			this.context.logger.warn(`Could not end the ${this.vendor.displayName} session: ${reason}`);
		}
	}
}
