// Tools over MCP, behind the agent's allow-list. A handler reaches tools only through this
// gateway: a call outside the list is refused before any server is contacted, recorded on the
// audit stream, and fails the step (not retryable: no retry makes a forbidden call allowed). An
// allowed call is recorded there too (tool.called), before it is made: no call goes unaudited.
// Every call, refused or made, is a span; the MCP request carries the trace context onward.
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { auditKinds, subjects, type AuditRecord } from '@baton/contracts';
import { publishJson, type Bus } from '@baton/bus';
import { currentTraceId, inSpan, type Logger } from '@baton/telemetry';
import { AgentError, ExternalSystemError } from '../errors.js';
import type { BreakerRun } from '../models/chain.js';
import type { ToolConfig } from './config.js';

export interface ToolInfo {
  /** `server.tool` */
  name: string;
  description?: string;
  inputSchema: unknown;
}

export interface AgentTools {
  /** Tools this agent may call, as `server.tool`. */
  readonly allowed: readonly string[];
  /** Calls `server.tool` with args; returns the tool's structured result (or its text as JSON). */
  call<T = unknown>(tool: string, args?: Record<string, unknown>): Promise<T>;
  /** The allowed tools as their servers describe them. */
  list(): Promise<ToolInfo[]>;
}

export class ToolNotAllowedError extends AgentError {
  constructor(agent: string, tool: string) {
    super(
      'TOOL_NOT_ALLOWED',
      `agent ${agent} may not call ${tool}: it is not in the agent's allow-list (BATON_TOOLS_ALLOW)`,
      false,
    );
  }
}

export interface ToolGatewayOptions extends ToolConfig {
  agent: string;
  bus: Bus;
  tracer?: Tracer;
  /** Bound on one tool call. */
  timeoutMs?: number;
}

export interface ToolBindings {
  workflowId?: string;
  stepId?: string;
  logger: Logger;
  signal?: AbortSignal;
  breaker?: BreakerRun;
}

export class ToolGateway {
  private readonly clients = new Map<string, Promise<Client>>();
  private readonly allow: ReadonlySet<string>;
  private readonly tracer: Tracer;

  constructor(private readonly options: ToolGatewayOptions) {
    this.allow = new Set(options.allow);
    this.tracer = options.tracer ?? trace.getTracer('baton-tools');
  }

  bind(bindings: ToolBindings): AgentTools {
    return {
      allowed: [...this.allow],
      call: (tool, args) => this.call(tool, args ?? {}, bindings),
      list: () => this.list(bindings),
    };
  }

  async call<T>(tool: string, args: Record<string, unknown>, bindings: ToolBindings): Promise<T> {
    const dot = tool.indexOf('.');
    const [server, name] = dot > 0 ? [tool.slice(0, dot), tool.slice(dot + 1)] : ['', tool];
    const allowed = this.allow.has(tool);
    const attributes = {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': tool,
      'baton.agent': this.options.agent,
      'baton.tool.server': server,
      'baton.tool.allowed': allowed,
    };
    return inSpan(this.tracer, `tools/call ${tool}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      if (!allowed) {
        await this.audit(
          auditKinds.toolRefused,
          tool,
          args,
          bindings,
          `not in the allow-list of agent ${this.options.agent}`,
        );
        bindings.logger.warn({ tool }, 'tool call refused: not in the allow-list');
        throw new ToolNotAllowedError(this.options.agent, tool);
      }
      await this.audit(auditKinds.toolCalled, tool, args, bindings, `in the allow-list of agent ${this.options.agent}`);
      const system = `mcp:${server}`;
      const run = async () => {
        const client = await this.client(server);
        try {
          return await client.callTool({ name, arguments: args }, undefined, {
            timeout: this.options.timeoutMs ?? 10_000,
            ...(bindings.signal ? { signal: bindings.signal } : {}),
          });
        } catch (err) {
          this.clients.delete(server);
          throw new ExternalSystemError(system, `${tool}: ${(err as Error).message}`);
        }
      };
      const result = await (bindings.breaker ? bindings.breaker(system, run) : run());
      const text =
        (result.content as Array<{ type: string; text?: string }> | undefined)?.find((c) => c.type === 'text')?.text ??
        '';
      if (result.isError) {
        const info = (result.structuredContent ?? {}) as { code?: string; retryable?: boolean };
        span.setStatus({ code: SpanStatusCode.ERROR, message: text.slice(0, 300) });
        throw new AgentError(info.code ?? 'TOOL_ERROR', `${tool}: ${text.slice(0, 500)}`, info.retryable === true);
      }
      if (result.structuredContent !== undefined) return result.structuredContent as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        return text as T;
      }
    });
  }

  async list(bindings: ToolBindings): Promise<ToolInfo[]> {
    const servers = [...new Set([...this.allow].map((t) => t.slice(0, t.indexOf('.'))))];
    const out: ToolInfo[] = [];
    for (const server of servers) {
      const run = async () => {
        try {
          return await (await this.client(server)).listTools(
            undefined,
            bindings.signal ? { signal: bindings.signal } : {},
          );
        } catch (err) {
          this.clients.delete(server);
          throw new ExternalSystemError(`mcp:${server}`, `tools/list: ${(err as Error).message}`);
        }
      };
      const listed = await (bindings.breaker ? bindings.breaker(`mcp:${server}`, run) : run());
      for (const t of listed.tools) {
        const name = `${server}.${t.name}`;
        if (this.allow.has(name))
          out.push({ name, ...(t.description ? { description: t.description } : {}), inputSchema: t.inputSchema });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map(async (c) => (await c).close()));
  }

  private client(server: string): Promise<Client> {
    let client = this.clients.get(server);
    if (!client) {
      const url = this.options.servers[server];
      if (!url) return Promise.reject(new AgentError('TOOL_SERVER_UNKNOWN', `no MCP server named "${server}"`, false));
      client = (async () => {
        const c = new Client({ name: `agent-${this.options.agent}`, version: '0.1.0' });
        // Each request carries the trace context active when it is sent (the undici instrumentation).
        await c.connect(new StreamableHTTPClientTransport(new URL(url)));
        return c;
      })();
      client.catch(() => this.clients.delete(server));
      this.clients.set(server, client);
    }
    return client;
  }

  /** A call (or its refusal) is recorded before anything else happens; if it cannot be recorded,
   *  the step fails retryably and the call is not made. Argument names only, never values. */
  private async audit(
    kind: typeof auditKinds.toolRefused | typeof auditKinds.toolCalled,
    tool: string,
    args: Record<string, unknown>,
    bindings: ToolBindings,
    reason: string,
  ): Promise<void> {
    const traceId = currentTraceId();
    const record: AuditRecord = {
      id: randomUUID(),
      kind,
      at: new Date().toISOString(),
      actor: `agent-${this.options.agent}`,
      subject: tool,
      reason,
      ...(bindings.workflowId ? { workflowId: bindings.workflowId } : {}),
      ...(bindings.stepId ? { stepId: bindings.stepId } : {}),
      ...(traceId ? { traceId } : {}),
      detail: { allowed: [...this.allow], argumentNames: Object.keys(args) },
    };
    try {
      await publishJson(this.options.bus.js, subjects.audit(this.options.bus.name, kind), record, {
        msgID: `audit:${record.id}`,
      });
    } catch (err) {
      const what =
        kind === auditKinds.toolRefused
          ? `refused ${tool} but could not record it`
          : `did not call ${tool}: the call could not be recorded`;
      throw new AgentError('AUDIT_UNAVAILABLE', `${what}: ${(err as Error).message}`, true);
    }
  }
}
