import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { LinkOperation } from '../engine';
import { optionsCollection, RequestFailure, saysNoChangeNeeded } from '../engine';
import { optionalText, requiredText } from '../engine/validation';
import { devRev, findLink, linkTypeOptions, linkTypeSchema, summarizeLink } from './vendor';

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
		description: 'ID of the source object (an issue, ticket, part, …); a display ID such as ISS-1 also works',
	},
	{
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:ticket/2',
		displayOptions: show,
		description: 'ID of the target object',
	},
	{
		displayName: 'Custom Link Type',
		name: 'customLinkType',
		type: 'string',
		// Not marked required: with Link Type set by an expression n8n would flag it on every item;
		// the schema requires it for a custom link instead.
		hint: 'Required for a custom link',
		default: '',
		placeholder: 'don:core:dvrv-us-1:devo/0:custom_link_type/1',
		displayOptions: { show: { operation: ['link'], linkType: ['custom_link'] } },
		description: 'ID of the custom link type to use',
	},
	optionsCollection(devRev, 'link', {
		extra: [
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
		options: z.object({ includeFullResponse: z.boolean().optional() }).default({}),
	})
	.superRefine((params, context) => {
		if (params.linkType === 'custom_link' && !params.customLinkType) {
			context.addIssue({ code: 'custom', path: ['customLinkType'], message: 'is required for a custom link' });
		}
	});

type LinkParams = z.infer<typeof schema>;

export const link: LinkOperation<LinkParams> = {
	name: 'link',
	properties,
	schema,
	// Creating the same link twice is refused by DevRev (see recover), so a retry cannot duplicate it.
	idempotent: true,
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
	async recover(failure, [params], follow) {
		if (!saysNoChangeNeeded('link', failure)) return undefined;
		const existing = await findLink(params, follow);
		if (!existing) return undefined;
		return [{ ...summarizeLink(existing), alreadyLinked: true }];
	},
};
