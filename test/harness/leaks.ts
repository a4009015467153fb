/**
 * The suite-wide secret scan: every engine run records what a user or an operator could see
 * (output items, errors with their descriptions, log lines) and every request URL the sandbox
 * received; credential secrets and issued tokens are recorded as secrets. After the whole suite,
 * `test/harness/global-teardown.js` checks that no secret appears in anything recorded.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const directory = process.env.RECORD_LINKS_LEAK_DIR;

function append(kind: 'secrets' | 'seen', line: string): void {
	if (!directory) return;
	appendFileSync(join(directory, `${kind}-${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
}

/** A value that must never be seen (a password, an API key, a token issued by the sandbox). */
export function recordSecret(value: unknown): void {
	// Short values (booleans, "1") would match by accident; real secrets are longer.
	if (typeof value === 'string' && value.trim().length >= 8) append('secrets', value.trim());
}

/** Something a user or an operator can see. */
export function recordSeen(label: string, value: unknown): void {
	// Serializing a whole run is costly: only when the scan is on.
	if (!directory) return;
	append('seen', `${label}: ${typeof value === 'string' ? value : serialize(value)}`);
}

/** JSON that keeps what errors carry (message, description, messages, context, http code). */
function serialize(value: unknown): string {
	return JSON.stringify(value, (_key, entry: unknown) => {
		if (entry instanceof Error) {
			const error = entry as Error & Record<string, unknown>;
			return {
				name: error.name,
				message: error.message,
				description: error.description,
				messages: error.messages,
				httpCode: error.httpCode,
				context: error.context,
				cause: error.cause,
				errorResponse: error.errorResponse,
			};
		}
		return entry;
	});
}
