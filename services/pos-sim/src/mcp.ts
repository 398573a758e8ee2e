// The POS simulator as an MCP server (Streamable HTTP, stateless, at POST /mcp), so agents can
// reach it as tools. Each tool goes through the same HTTP endpoints as direct callers (via
// Fastify's inject): faults, validation and Idempotency-Key handling apply to tools too.
import { SpanKind, trace } from '@opentelemetry/api';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';
import { inSpan, injectTraceHeaders } from '@baton/telemetry';
import { DEFAULT_TABLES, type Hold } from './pos.js';

const idempotencyKey = z
  .string()
  .min(1)
  .max(300)
  .describe('the same key for every retry of one step, e.g. workflowId/stepId/effect');
const slot = { partySize: z.number().int().min(1), date: z.iso.date(), time: z.string().regex(/^\d\d:\d\d$/) };

export function mountPosMcp(sim: SimulatorContext, tables = DEFAULT_TABLES): void {
  const tracer = trace.getTracer('pos-sim-mcp');

  const json = (value: unknown): CallToolResult => ({
    content: [{ type: 'text', text: JSON.stringify(value) }],
    structuredContent: value as Record<string, unknown>,
  });
  /** Runs one tool as a server span joined to the caller's trace (the MCP request's traceparent). */
  const traced =
    <A>(tool: string, fn: (args: A) => Promise<CallToolResult>) =>
    (args: A) =>
      inSpan(
        tracer,
        `tools/call ${tool}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': tool, 'baton.simulator': 'pos' },
        },
        () => fn(args),
      );
  /** Calls the simulator's own endpoint; a 4xx/5xx answer becomes a tool error with its code. */
  const viaHttp = async (
    method: 'POST' | 'DELETE',
    url: string,
    key: string,
    body: unknown,
  ): Promise<CallToolResult> => {
    const res = await sim.app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', 'idempotency-key': key, ...injectTraceHeaders() },
      payload: JSON.stringify(body),
    });
    const answer = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
    if (res.statusCode < 400) return json(answer);
    const retryable = res.statusCode >= 500 || res.statusCode === 429 || answer.code === 'IDEMPOTENCY_KEY_IN_USE';
    return {
      isError: true,
      content: [{ type: 'text', text: `${res.statusCode} ${String(answer.message ?? res.body)}` }],
      structuredContent: { ...answer, status: res.statusCode, retryable },
    };
  };

  const build = () => {
    const server = new McpServer({ name: 'pos-sim', version: '0.1.0' });
    server.registerTool(
      'list_tables',
      {
        description: 'The floor plan: every table and its seats.',
        inputSchema: z.object({}),
        annotations: { readOnlyHint: true },
      },
      traced('list_tables', async () => json({ tables: tables.map((seats, i) => ({ tableId: `T${i + 1}`, seats })) })),
    );
    server.registerTool(
      'list_holds',
      {
        description: 'Table holds, optionally for one date.',
        inputSchema: z.object({ date: z.iso.date().optional() }),
        annotations: { readOnlyHint: true },
      },
      traced('list_holds', async ({ date }: { date?: string }) => {
        const holds = (await sim.store.list<Hold>('holds')).filter((h) => !date || h.date === date);
        return json({
          holds: holds.map(({ holdId, tableId, seats, date: d, time, status }) => ({
            holdId,
            tableId,
            seats,
            date: d,
            time,
            status,
          })),
        });
      }),
    );
    server.registerTool(
      'hold_table',
      {
        description: 'Holds the smallest free table that seats the party at date and time.',
        inputSchema: z.object({ ...slot, idempotencyKey }),
      },
      traced(
        'hold_table',
        async ({ idempotencyKey: key, ...body }: z.infer<z.ZodObject<typeof slot>> & { idempotencyKey: string }) =>
          viaHttp('POST', '/holds', key, body),
      ),
    );
    server.registerTool(
      'release_hold',
      {
        description: 'Releases a table hold.',
        inputSchema: z.object({ holdId: z.string().min(1), idempotencyKey }),
        annotations: { destructiveHint: true },
      },
      traced('release_hold', async ({ holdId, idempotencyKey: key }: { holdId: string; idempotencyKey: string }) =>
        viaHttp('DELETE', `/holds/${encodeURIComponent(holdId)}`, key, {}),
      ),
    );
    server.registerTool(
      'book_table',
      {
        description: 'Turns a hold into a reservation.',
        inputSchema: z.object({
          holdId: z.string().min(1),
          partySize: z.number().int().min(1),
          customerId: z.string().min(1),
          idempotencyKey,
        }),
      },
      traced(
        'book_table',
        async ({
          idempotencyKey: key,
          ...body
        }: {
          holdId: string;
          partySize: number;
          customerId: string;
          idempotencyKey: string;
        }) => viaHttp('POST', '/reservations', key, body),
      ),
    );
    return server;
  };

  // Stateless: a fresh server and transport per request, so any replica can answer any call.
  sim.app.post('/mcp', async (req, reply) => {
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // Inside the HTTP server span, which continues the caller's trace.
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });
  const notAllowed = {
    jsonrpc: '2.0',
    error: { code: -32000, message: 'this MCP server is stateless: POST only' },
    id: null,
  };
  sim.app.get('/mcp', async (_req, reply) => reply.code(405).header('allow', 'POST').send(notAllowed));
  sim.app.delete('/mcp', async (_req, reply) => reply.code(405).header('allow', 'POST').send(notAllowed));
}
