// Allow-listed MCP tools as a tool loop's tools (the workflow kit's agentLoop, `mcp` in its spec):
// an agent declared with `mcpToolContract('<name>')` runs them through its tool gateway, so its
// allow-list (BATON_TOOLS_ALLOW), the audit of every call and the spans apply as to any tool call.
// At the start of a loop it describes the tools (their servers' descriptions and input schemas go
// to the model); each call the model makes is checked against the tool's input schema before the
// gateway makes it, and made once per step (the agent's ledger: a retried step gets the first
// call's result).
import { z } from 'zod';
import type { AgentContract, ContractOutput, McpToolDescription, McpToolInput, McpToolOutput } from '@baton/contracts';
import { describeIssues } from '@baton/bus';
import { defineAgent, type AgentDefinition } from '../define.js';
import { AgentError } from '../errors.js';
import type { AgentTools } from './gateway.js';

/** The named tools as their servers describe them; each must be allowed and offered. */
export async function describeTools(tools: AgentTools, names: readonly string[]): Promise<McpToolDescription[]> {
  const refused = names.filter((n) => !tools.allowed.includes(n));
  if (refused.length > 0)
    throw new AgentError(
      'TOOL_NOT_ALLOWED',
      `not in the agent's allow-list (BATON_TOOLS_ALLOW): ${refused.join(', ')}`,
      false,
    );
  const listed = await tools.list();
  return names.map((name) => {
    const tool = listed.find((t) => t.name === name);
    if (!tool) throw new AgentError('TOOL_UNKNOWN', `${name}: its MCP server does not offer it`, false);
    const inputSchema =
      typeof tool.inputSchema === 'object' && tool.inputSchema !== null
        ? (tool.inputSchema as Record<string, unknown>)
        : { type: 'object' };
    return { name, ...(tool.description ? { description: tool.description.slice(0, 2000) } : {}), inputSchema };
  });
}

/** The arguments checked against the tool's input schema (JSON Schema, read with zod). */
export function checkArguments(tool: McpToolDescription, args: Record<string, unknown>): Record<string, unknown> {
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (err) {
    throw new AgentError(
      'TOOL_SCHEMA_UNSUPPORTED',
      `${tool.name}: its input schema cannot be checked: ${(err as Error).message}`,
      false,
    );
  }
  const checked = schema.safeParse(args);
  if (!checked.success)
    throw new AgentError('INVALID_ARGUMENTS', `${tool.name}: ${describeIssues(checked.error.issues)}`, false);
  return checked.data as Record<string, unknown>;
}

/** An agent that runs a loop's MCP tools: its contract is `mcpToolContract(name)`. */
export function defineMcpToolAgent<C extends AgentContract<string, typeof McpToolInput, typeof McpToolOutput>>(
  contract: C,
): AgentDefinition<C> {
  return defineAgent(contract, {
    handle: async (input, ctx) => {
      const request = input as McpToolInput;
      if (request.op === 'describe')
        return { tools: await describeTools(ctx.tools, request.tools) } as ContractOutput<C>;
      // A tool outside the allow-list is refused by the gateway, which records the refusal.
      if (!ctx.tools.allowed.includes(request.tool)) await ctx.tools.call(request.tool, request.args);
      const [tool] = await describeTools(ctx.tools, [request.tool]);
      const args = checkArguments(tool!, request.args);
      const result = await ctx.effect(`mcp:${request.tool}`, () => ctx.tools.call(request.tool, args));
      return { result: result ?? null } as ContractOutput<C>;
    },
  });
}
