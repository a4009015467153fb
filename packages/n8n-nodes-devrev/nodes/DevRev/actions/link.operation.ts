/**
 * Link: POST /links.create. Not idempotent (DevRev does not say whether it refuses a second
 * identical link): the link is looked up with POST /links.list first (Return Existing Link), and
 * after an answer was lost, before anything is sent again.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { FollowUp, LinkOperation } from '@record-links/engine';
import { optionsCollection, RequestFailure, saysNoChangeNeeded } from '@record-links/engine';
import { devRev } from '../vendor';
import { endsSchema, findLink, linkEndsProperties, requireCustomLinkType, summarizeLink } from './fields';

const linkSchema = z
	.object({
		...endsSchema,
		options: z.object({ includeFullResponse: z.boolean().optional(), returnExisting: z.boolean().optional() }).default({}),
	})
	.superRefine(requireCustomLinkType);

export type LinkParams = z.infer<typeof linkSchema>;

const existingLink = async (params: LinkParams, follow: FollowUp) => {
	const existing = await findLink(params, follow);
	return existing ? [{ ...summarizeLink(existing), alreadyLinked: true }] : undefined;
};

export const link: LinkOperation<LinkParams> = {
	name: 'link',
	label: 'Link',
	description: 'Create a link between two objects',
	action: 'Link two objects',
	properties: [
		...linkEndsProperties,
		optionsCollection(devRev, {
			extra: [
				{
					displayName: 'Return Existing Link',
					name: 'returnExisting',
					type: 'boolean',
					default: true,
					description:
						'Whether to look for the same link first (one links.list call) and return it with "alreadyLinked" instead of creating a second one. DevRev does not document whether it refuses a duplicate link. Turn off only when the links are certainly new.',
				},
				{
					displayName: 'Include Full Response',
					name: 'includeFullResponse',
					type: 'boolean',
					default: false,
					description: 'Whether to add DevRev\'s whole answer under "response"',
				},
			],
		}),
	],
	schema: linkSchema,
	// DevRev does not document whether it refuses a second identical link, so a create whose answer
	// was lost is never sent again blindly: the link is looked up first (findEffect).
	idempotent: false,
	uncertainNote:
		'DevRev may have made the link before the connection failed, and looking it up did not settle it: check the source\'s links in DevRev before running this item again.',
	buildRequest: ([params]) => ({
		method: 'POST',
		path: '/links.create',
		body: {
			link_type: params.linkType,
			source: params.source,
			target: params.target,
			...(params.customLinkType ? { custom_link_type: params.customLinkType } : {}),
		},
	}),
	toOutput(response, [params]) {
		const body = response.body as IDataObject | undefined;
		const created = body?.link;
		if (!created || typeof created !== 'object') {
			throw new RequestFailure('DevRev confirmed the request but did not return the created link', {
				outcome: 'unknown',
				description: 'The link may exist: check it in DevRev.',
			});
		}
		return [{ ...summarizeLink(created as IDataObject), ...(params.options.includeFullResponse ? { response: body } : {}) }];
	},
	findExisting: async ([params], follow) => (params.options.returnExisting !== false ? await existingLink(params, follow) : undefined),
	findEffect: async ([params], follow) => await existingLink(params, follow),
	recover: async (failure, [params], follow) => (saysNoChangeNeeded('link', failure) ? await existingLink(params, follow) : undefined),
};
