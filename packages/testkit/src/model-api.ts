// A simulated model API for tests: a local HTTP server that speaks the OpenAI chat-completions
// protocol (what Ollama, vLLM and llama.cpp serve too). Each provider of a test's chain gets its
// own route, scripted to answer, ask for tool calls, fail or talk nonsense. No real model is ever
// called.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }>;
  response_format?: unknown;
  /** The tools the request offered (OpenAI's function tools). */
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
}

/** A tool call a scripted reply asks for (finish reason `tool_calls`). */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

export type ModelReply =
  | { content: string; toolCalls?: ScriptedToolCall[]; promptTokens?: number; completionTokens?: number }
  | { status: number; error: string };
/** A function may answer later (a promise): a model still thinking when its caller dies. */
export type ModelScript = ModelReply | ((request: ChatRequest) => ModelReply | Promise<ModelReply>);

export interface SimulatedModelApi {
  /** The base URL a provider on `route` is configured with (BATON_MODEL_<NAME>_BASE_URL). */
  baseUrl(route: string): string;
  /** What `route` answers from now on; an unscripted route answers 404. */
  script(route: string, reply: ModelScript): void;
  /** Requests `route` received, oldest first. */
  requests(route: string): ChatRequest[];
  close(): Promise<void>;
}

/** The text of the last user message of a request. */
export function lastUserText(request: ChatRequest): string {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return (last.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('');
}

export async function startSimulatedModelApi(): Promise<SimulatedModelApi> {
  const scripts = new Map<string, ModelScript>();
  const received = new Map<string, ChatRequest[]>();
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
    const match = /^\/([a-z0-9_-]+)\/v1\/chat\/completions$/.exec(req.url ?? '');
    const route = match?.[1];
    const script = route ? scripts.get(route) : undefined;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!route || !script || req.method !== 'POST')
      return send(404, { error: { message: `no scripted model at ${req.method} ${req.url}` } });
    const request = JSON.parse(await readBody(req)) as ChatRequest;
    received.set(route, [...(received.get(route) ?? []), request]);
    const reply = typeof script === 'function' ? await script(request) : script;
    if ('status' in reply) return send(reply.status, { error: { message: reply.error, type: 'server_error' } });
    const promptTokens = reply.promptTokens ?? 120;
    const completionTokens = reply.completionTokens ?? 30;
    send(200, {
      id: `chatcmpl-${++counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.content,
            ...(reply.toolCalls?.length
              ? {
                  tool_calls: reply.toolCalls.map((c, i) => ({
                    id: c.id ?? `call_${counter}_${i + 1}`,
                    type: 'function',
                    function: { name: c.name, arguments: JSON.stringify(c.arguments) },
                  })),
                }
              : {}),
          },
          finish_reason: reply.toolCalls?.length ? 'tool_calls' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: (route) => `http://127.0.0.1:${port}/${route}/v1`,
    script: (route, reply) => void scripts.set(route, reply),
    requests: (route) => received.get(route) ?? [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
