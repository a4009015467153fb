import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '../engine';
import { optionsCollection, RequestFailure, saysNoChangeNeeded } from '../engine';
import { optionalText, requiredText } from '../engine/validation';
import { customLinkTypeProperty, devRev, findLink, linkTypeOptions, linkTypeSchema, requireCustomLinkType, summarizeLink } from './vendor';

const show = { show: { operation: ['link'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Link Type',
		name: 'linkType',
		type: 'options',
		required: true,
		default: 'is_related_to',
		displayOptions: show,
		description: 'How the source relates to the target',
		options: linkTypeOptions,
	},
	{
		displayName: 'Source',
		name: 'source',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:issue/1',
		displayOptions: show,
		description: 'Object ID (DON) of the source: an issue, ticket, part, …',
	},
	{
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:ticket/2',
		displayOptions: show,
		description: 'Object ID (DON) of the target',
	},
	customLinkTypeProperty({ operation: ['link'] }, 'ID of the custom link type to use'),
	optionsCollection(devRev, 'link', {
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
];

const schema = z
	.object({
		linkType: linkTypeSchema,
		source: requiredText(),
		target: requiredText(),
		customLinkType: optionalText(),
		options: z.object({ includeFullResponse: z.boolean().optional(), returnExisting: z.boolean().optional() }).default({}),
	})
	.superRefine(requireCustomLinkType);

type LinkParams = z.infer<typeof schema>;

export const link: LinkOperation<LinkParams> = {
	name: 'link',
	properties,
	schema,
	// DevRev does not document whether it refuses a second identical link, so a create whose answer
	// was lost is never sent again blindly: the link is looked up first (findEffect).
	idempotent: false,
	uncertainNote:
		'DevRev may have made the link before the connection failed, and looking it up did not settle it: check the source\'s links in DevRev before running this item again.',
	buildRequest([params]) {
		return {
			method: 'POST',
			path: '/links.create',
			body: {
				link_type: params.linkType,
				source: params.source,
				target: params.target,
				...(params.customLinkType ? { custom_link_type: params.customLinkType } : {}),
			},
		};
	},
	toOutput(response, [params]) {
		const body = response.body as IDataObject | undefined;
		const created = body?.link;
		if (!created || typeof created !== 'object') {
			throw new RequestFailure('DevRev confirmed the request but did not return the created link', {
				description: 'The link may exist: check it in DevRev.',
				mayHaveReachedServer: true,
			});
		}
		return [
			{
				...summarizeLink(created as IDataObject),
				...(params.options.includeFullResponse ? { response: body } : {}),
			},
		];
	},
	lookFirst: ([params]) => params.options.returnExisting !== false,
	async findEffect([params], follow) {
		const existing = await findLink(params, follow);
		return existing ? [{ ...summarizeLink(existing), alreadyLinked: true }] : undefined;
	},
	async recover(failure, [params], follow) {
		if (!saysNoChangeNeeded('link', failure)) return undefined;
		const existing = await findLink(params, follow);
		if (!existing) return undefined;
		return [{ ...summarizeLink(existing), alreadyLinked: true }];
	},
};
