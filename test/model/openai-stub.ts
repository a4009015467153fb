/**
 * A scripted stand-in for an OpenAI-compatible chat model, for n8n's AI Agent: `POST
 * /v1/chat/completions` (plain JSON or server-sent events when `stream` is asked for) and `GET
 * /v1/models` (the credential test and the model picker). It checks the API key, records every chat
 * request (the messages, including the tool results the agent sends back, and the tools offered), and
 * answers with the next scripted reply: tool calls or a final text.
 *
 * With no reply queued it plays the part of a model that follows a plan, round by round: it calls
 * each offered tool of a round, once, with the plan's arguments, takes the next round once those are
 * answered (a read after the writes it checks), and then sums up what the tools answered. That lets `npm start` run the AI agent example without a real model.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const MODEL_STUB_API_KEY = 'sk-sandbox-model-4f1c9a7e2b';
export const MODEL_STUB_MODEL = 'sandbox-model';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

export type ToolCall = { name: string; arguments: Record<string, unknown> };
export type PlanRound = Record<string, Record<string, unknown>>;
export type Reply = { toolCalls: ToolCall[] } | { content: string };

export interface ModelStub {
	url: string;
	/** The base URL an OpenAI credential takes (`…/v1`). */
	baseUrl: string;
	/** Every chat request received, in order. */
	readonly requests: ChatRequest[];
	/** Replies to give, in order, before falling back to the plan. */
	readonly replies: Reply[];
	/** Rounds of tool calls the planning fallback makes: per round, tool name → arguments. */
	plan: PlanRound[];
	/** The tool messages the agent sent back, by tool call ID, with the call they answer. */
	toolResults(): Array<{ name: string; arguments: Record<string, unknown>; content: string }>;
	reset(): void;
	stop(): Promise<void>;
}

/** The text of a message's content (a string, or text parts). */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

/** The reply of a model that calls each planned tool once, a round at a time, then sums up their results. */
function planReply(request: ChatRequest, plan: PlanRound[]): Reply {
	const called = new Set(
		request.messages.flatMap((message) => message.tool_calls ?? []).map((call) => call.function.name),
	);
	const offered = (request.tools ?? []).map((tool) => tool.function.name);
	for (const round of plan) {
		const toCall = offered.filter((name) => round[name] && !called.has(name));
		if (toCall.length > 0) return { toolCalls: toCall.map((name) => ({ name, arguments: round[name] })) };
	}
	const results = request.messages.filter((message) => message.role === 'tool').map(messageText);
	if (results.length === 0) return { content: 'No tool was offered that I know how to call.' };
	return { content: `Done. The tools answered:\n${results.map((result) => `- ${result}`).join('\n')}` };
}

let callCounter = 0;

function completion(request: ChatRequest, reply: Reply): Record<string, unknown> {
	const message =
		'toolCalls' in reply
			? {
					role: 'assistant',
					content: null,
					tool_calls: reply.toolCalls.map((call) => ({
						id: `call_${++callCounter}`,
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.arguments) },
					})),
				}
			: { role: 'assistant', content: reply.content };
	return {
		id: `chatcmpl-${++callCounter}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: request.model,
		choices: [{ index: 0, message, finish_reason: 'toolCalls' in reply ? 'tool_calls' : 'stop', logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same completion as server-sent chunks: the whole message in one delta, then the finish. */
function streamCompletion(response: ServerResponse, body: Record<string, unknown>): void {
	const [choice] = body.choices as Array<{ message: Record<string, unknown>; finish_reason: string }>;
	const { role, content, tool_calls } = choice.message as { role: string; content: string | null; tool_calls?: Array<Record<string, unknown>> };
	const base = { id: body.id, object: 'chat.completion.chunk', created: body.created, model: body.model };
	const delta = {
		role,
		content: content ?? '',
		...(tool_calls ? { tool_calls: tool_calls.map((call, index) => ({ index, ...call })) } : {}),
	};
	response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	response.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
	response.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }], usage: body.usage })}\n\n`);
	response.end('data: [DONE]\n\n');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startModelStub(options: { port?: number; host?: string } = {}): Promise<ModelStub> {
	const requests: ChatRequest[] = [];
	const replies: Reply[] = [];
	const sockets = new Set<Socket>();

	const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
		const path = new URL(incoming.url ?? '/', 'http://stub').pathname.replace(/\/+$/, '');
		const raw = await readBody(incoming);
		if (incoming.headers.authorization !== `Bearer ${MODEL_STUB_API_KEY}`) {
			sendJson(outgoing, 401, {
				error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
			});
			return;
		}
		if (incoming.method === 'GET' && path === '/v1/models') {
			sendJson(outgoing, 200, { object: 'list', data: [{ id: MODEL_STUB_MODEL, object: 'model', created: 0, owned_by: 'sandbox' }] });
			return;
		}
		if (incoming.method === 'POST' && path === '/v1/chat/completions') {
			const request = JSON.parse(raw) as ChatRequest;
			requests.push(request);
			const body = completion(request, replies.shift() ?? planReply(request, stub.plan));
			if (request.stream) streamCompletion(outgoing, body);
			else sendJson(outgoing, 200, body);
			return;
		}
		sendJson(outgoing, 404, { error: { message: `Unknown path ${incoming.method} ${path}`, type: 'invalid_request_error' } });
	};

	const server: Server = createServer((incoming, outgoing) => {
		handle(incoming, outgoing).catch((error: unknown) => sendJson(outgoing, 500, { error: { message: String(error) } }));
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;

	const stub: ModelStub = {
		url,
		baseUrl: `${url}/v1`,
		requests,
		replies,
		plan: [],
		toolResults() {
			const calls = new Map<string, ToolCall>();
			const results = new Map<string, ToolCall & { content: string }>();
			for (const request of requests) {
				for (const message of request.messages) {
					for (const call of message.tool_calls ?? []) {
						calls.set(call.id, { name: call.function.name, arguments: JSON.parse(call.function.arguments) as Record<string, unknown> });
					}
					if (message.role === 'tool' && message.tool_call_id) {
						const call = calls.get(message.tool_call_id);
						if (call) results.set(message.tool_call_id, { ...call, content: messageText(message) });
					}
				}
			}
			return [...results.values()];
		},
		reset() {
			requests.length = 0;
			replies.length = 0;
		},
		async stop() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	return stub;
}
