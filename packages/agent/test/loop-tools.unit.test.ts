// The agent side of a loop's MCP tools (defineMcpToolAgent): it describes only allow-listed tools
// their server offers, checks the model's arguments against the tool's input schema before the
// gateway is asked, makes the call once through the ledger, and leaves a refusal to the gateway
// (which records it). The gateway is faked here: its own behaviour has tests of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mcpToolContract, type McpToolInput } from '@baton/contracts';
import { AgentError, checkArguments, defineMcpToolAgent, type AgentContext, type AgentTools } from '../src/index.js';

const schema = {
  type: 'object',
  properties: { seats: { type: 'integer', minimum: 1 } },
  required: ['seats'],
  additionalProperties: false,
};
const agent = defineMcpToolAgent(mcpToolContract('pos-tools'));

function context(allowed: string[]) {
  const calls: Array<{ tool: string; args: Record<string, unknown> }> = [];
  const effects: string[] = [];
  const tools: AgentTools = {
    allowed,
    list: async () =>
      [
        { name: 'pos.list_tables', description: 'Free tables', inputSchema: schema },
        { name: 'pos.cancel_hold', inputSchema: { type: 'object' } },
      ].filter((t) => allowed.includes(t.name)),
    call: async <T>(tool: string, args: Record<string, unknown> = {}) => {
      if (!allowed.includes(tool)) throw new AgentError('TOOL_NOT_ALLOWED', `${tool} refused by the gateway`, false);
      calls.push({ tool, args });
      return { tables: [7] } as T;
    },
  };
  const ctx = {
    tools,
    effect: async (name: string, fn: (key: string) => Promise<unknown>) => (effects.push(name), fn(`wf/step/${name}`)),
  } as unknown as AgentContext;
  return { ctx, calls, effects };
}
const handle = (input: McpToolInput, ctx: AgentContext) => agent.handle!(input as never, ctx as never);

describe('MCP tools for a loop (defineMcpToolAgent)', () => {
  it("describes the allow-listed tools with their servers' input schemas", async () => {
    const { ctx } = context(['pos.list_tables']);
    assert.deepEqual(await handle({ op: 'describe', tools: ['pos.list_tables'] }, ctx), {
      tools: [{ name: 'pos.list_tables', description: 'Free tables', inputSchema: schema }],
    });
    await assert.rejects(handle({ op: 'describe', tools: ['pos.cancel_hold'] }, ctx), /TOOL_NOT_ALLOWED|allow-list/);
  });

  it('calls a tool with arguments its schema accepts, once through the ledger', async () => {
    const { ctx, calls, effects } = context(['pos.list_tables']);
    assert.deepEqual(await handle({ op: 'call', tool: 'pos.list_tables', args: { seats: 4 } }, ctx), {
      result: { tables: [7] },
    });
    assert.deepEqual(calls, [{ tool: 'pos.list_tables', args: { seats: 4 } }]);
    assert.deepEqual(effects, ['mcp:pos.list_tables']);
  });

  it('refuses arguments the schema does not accept, before the gateway is asked', async () => {
    const { ctx, calls } = context(['pos.list_tables']);
    await assert.rejects(
      handle({ op: 'call', tool: 'pos.list_tables', args: { seats: 'four' } }, ctx),
      (err: AgentError) => err.code === 'INVALID_ARGUMENTS' && !err.retryable,
    );
    await assert.rejects(
      handle({ op: 'call', tool: 'pos.list_tables', args: { seats: 4, extra: true } }, ctx),
      (err: AgentError) => err.code === 'INVALID_ARGUMENTS',
    );
    assert.deepEqual(calls, []);
    assert.throws(
      () => checkArguments({ name: 'pos.list_tables', inputSchema: schema }, {}),
      /INVALID_ARGUMENTS|seats/,
    );
  });

  it('leaves a tool outside the allow-list to the gateway, which refuses it', async () => {
    const { ctx, calls } = context(['pos.list_tables']);
    await assert.rejects(handle({ op: 'call', tool: 'pos.cancel_hold', args: {} }, ctx), /refused by the gateway/);
    assert.deepEqual(calls, []);
  });
});
