import { z } from 'zod';

/** Shared field rules, so every vendor words the same problem the same way. */

/** A required, trimmed, single-line text value (ids, names). */
/** Whether a text holds a line break or another control character (U+0000–U+001F, U+007F). */
export function hasControlCharacter(value: string): boolean {
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}

export function requiredText(maxLength = 512) {
	return z
		.string({ invalid_type_error: 'must be text' })
		.trim()
		.min(1, 'must not be empty')
		.max(maxLength, `must be at most ${maxLength} characters`)
		.refine((value) => !hasControlCharacter(value), 'must not contain line breaks or control characters');
}

/** An optional text value: empty means "not set". */
export function optionalText(maxLength = 512) {
	return z.preprocess(
		(value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
		requiredText(maxLength).optional(),
	);
}

/** A path segment: letters, digits and `_`, `-`, `.`, `:` only, never `.` or `..` (no path injection). */
export function pathSegment(pattern = /^[A-Za-z0-9_\-.:]+$/, hint = 'letters, digits, "_", "-", "." and ":"') {
	return requiredText(256)
		.refine((value) => pattern.test(value), `may contain only ${hint}`)
		.refine((value) => value !== '.' && value !== '..', 'must not be "." or ".."');
}

/** A UUID, as a regular expression's source: for the schemas here and n8n's "By ID" checks alike. */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`);

export function isUuid(value: string): boolean {
	return UUID.test(value);
}

/** A UUID that goes into a URL path or body: anything else, `../x` included, never reaches the vendor. */
export function uuid(problem = 'must be a UUID such as 21224153-2f85-4b24-a306-4cfbc7e73f70') {
	return requiredText(64).refine(isUuid, problem);
}

/**
 * A list from a comma- or line-separated text, or from an expression's array (numbers are taken as
 * their text); entries are trimmed, empty ones dropped and duplicates kept once. Each entry must pass
 * `entry`. An empty list is allowed here: the operation says what an empty list means.
 */
export function textList<Entry>(entry: z.ZodType<Entry, z.ZodTypeDef, unknown>, maxEntries = 10_000) {
	return z
		.preprocess(
			(value) => {
				if (value === undefined || value === null) return [];
				const parts = typeof value === 'string' ? value.split(/[\n,]/) : typeof value === 'number' ? [value] : value;
				if (!Array.isArray(parts)) return parts;
				return parts
					.map((part: unknown) => (typeof part === 'number' ? String(part) : typeof part === 'string' ? part.trim() : part))
					.filter((part: unknown) => part !== '');
			},
			z.array(entry, { invalid_type_error: 'must be a comma-separated list or an array' }).max(maxEntries, `must hold at most ${maxEntries} entries`),
		)
		.transform((entries) => [...new Set(entries)]);
}
