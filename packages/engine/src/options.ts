import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Vendor } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 5;
const MAX_CONCURRENCY = 64;
/** Auto's ceiling where the vendor documents none: far above what a fixed cap would dare, since Auto backs off. */
const AUTO_CEILING = 256;

export interface EngineSettings {
	/** The user's fixed cap; undefined is Auto (see concurrency.ts). */
	concurrency: number | undefined;
	batchSize: number;
	ratePerSecond: number | undefined;
	/** Reads per second per read scope (the vendor's documented read limit), or undefined. */
	readRatePerSecond: number | undefined;
	timeoutMs: number;
	maxRetries: number;
}

interface OptionsFor {
	/** The operation groups items into one request (shows Batch Size). */
	batching?: boolean;
	/** Operation-specific options shown beside the engine's. */
	extra?: INodeProperties[];
}

/**
 * The node's "Options" collection for an operation: the operation's own options plus the engine's
 * (concurrency, batch size, rate, timeout, retries), with this vendor's defaults.
 */
export function optionsCollection(vendor: Vendor, { batching, extra = [] }: OptionsFor = {}): INodeProperties {
	// Plain names: n8n's node-param-default-missing rule reads a `default` given as `vendor.x` as missing.
	const { defaultConcurrency, defaultBatchSize = 100, defaultRatePerSecond } = vendor;
	const engineOptions: INodeProperties[] = [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: defaultConcurrency,
			description: autoCeiling(vendor) > vendor.defaultConcurrency
				? `Most requests in flight at once, as a fixed cap. Without this option the node finds ${vendor.displayName}'s pace itself (Auto): it starts at ${vendor.defaultConcurrency}, sends more while answers come back fine and no slower, and halves on a 429, 503 or time-out.`
				: `Most requests in flight at once (default ${vendor.defaultConcurrency})`,
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How often a request is retried after a gateway error (502/503/504) or a network failure. A request that is not safe to repeat is retried only when it certainly did not reach the server. Rate limits (429) do not count: they are waited out as the vendor asks, for up to 10 minutes per request.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_MS,
			description: 'How long to wait for an answer, in milliseconds',
		},
	];
	if (batching) {
		engineOptions.push({
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: defaultBatchSize,
			description: 'Most items sent in one request; items are grouped only when they target the same place',
		});
	}
	if (vendor.defaultRatePerSecond) {
		engineOptions.push({
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: defaultRatePerSecond,
			description: `Paces writes to ${vendor.displayName}'s documented limit (${vendor.defaultRatePerSecond} per second); 0 sends as fast as Concurrency allows`,
		});
	}
	const options = [...extra, ...engineOptions].sort((a, b) => a.displayName.localeCompare(b.displayName));
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}

/** Most requests in flight Auto ever allows: the vendor's own ceiling, else AUTO_CEILING. */
export function autoCeiling(vendor: Vendor): number {
	return vendor.maxConcurrency ?? AUTO_CEILING;
}

function positiveInteger(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

export function readEngineSettings(context: IExecuteFunctions, vendor: Vendor): EngineSettings {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const rate = options.requestsPerSecond ?? vendor.defaultRatePerSecond;
	const retries = options.maxRetries;
	return {
		concurrency: options.concurrency === undefined ? undefined : positiveInteger(options.concurrency, vendor.defaultConcurrency),
		batchSize: positiveInteger(options.batchSize, vendor.defaultBatchSize ?? 100),
		ratePerSecond: typeof rate === 'number' && rate > 0 ? rate : undefined,
		readRatePerSecond: vendor.defaultReadRatePerSecond,
		timeoutMs: positiveInteger(options.timeout, DEFAULT_TIMEOUT_MS),
		maxRetries:
			typeof retries === 'number' && Number.isFinite(retries) && retries >= 0
				? Math.floor(retries)
				: DEFAULT_MAX_RETRIES,
	};
}
