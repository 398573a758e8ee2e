// One model turn of a tool-using agent loop (the workflow kit's `agentLoop`): the transcript so
// far and the tools the model may call go in; the model's final answer or the tool calls it asks
// for come out, with the tokens the turn used. Each turn is one agent task, so a finished turn is
// in the workflow's history and never paid for again. An agent answering it declares its contract
// with `modelTurnContract('<name>')` in the folder of the workflow that uses it.
import { z } from 'zod';
import { defineAgentContract } from './agents.js';
import { ArtifactRef } from './artifacts.js';

/** A tool result kept by reference: the full text stays out of the model's context. */
export const ResultReference = z.object({
  /** What the built-in tool `read_result` takes to return the full text. */
  ref: z.string().min(1).max(200),
  /** Characters of the full result (JSON). */
  size: z.number().int().min(0),
  /** The start of the result, for the model to decide whether it needs the rest. */
  summary: z.string().max(2000),
});
export type ResultReference = z.infer<typeof ResultReference>;

export const ToolCall = z.object({
  /** The call's id within the loop (the model's, or one the loop gave it). */
  id: z.string().min(1).max(100),
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/),
  args: z.record(z.string(), z.unknown()),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const LoopMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), text: z.string().max(20_000) }),
  z.object({
    role: z.literal('assistant'),
    text: z.string().max(20_000).optional(),
    calls: z.array(ToolCall).max(20).optional(),
  }),
  z.object({
    role: z.literal('tool'),
    callId: z.string().min(1).max(100),
    name: z.string().min(1).max(64),
    /** The tool's result (small), or its reference and summary (large), or why it did not run. */
    result: z.unknown().optional(),
    reference: ResultReference.optional(),
    /** A page of a result in the object store that the model asked for (read_result): the agent
     *  playing the turn reads it and gives the model its text; the workflow never holds it. */
    page: z
      .object({ artifact: ArtifactRef, offset: z.number().int().min(0), length: z.number().int().min(1).max(100_000) })
      .optional(),
    error: z.string().max(2000).optional(),
  }),
]);
export type LoopMessage = z.infer<typeof LoopMessage>;

export const ToolDescriptor = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/),
  description: z.string().min(1).max(2000),
  /** JSON Schema of the tool's arguments (an object). */
  parameters: z.record(z.string(), z.unknown()),
});
export type ToolDescriptor = z.infer<typeof ToolDescriptor>;

export const ModelTurnInput = z.object({
  /** What the loop is for (`support-resolution`); names the turn's span. */
  purpose: z.string().min(1).max(100),
  /** 1 for the first turn. */
  turn: z.number().int().min(1),
  system: z.string().max(20_000),
  messages: z.array(LoopMessage).min(1).max(400),
  tools: z.array(ToolDescriptor).max(50),
});
export type ModelTurnInput = z.infer<typeof ModelTurnInput>;

export const TurnUsage = z.object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) });
export type TurnUsage = z.infer<typeof TurnUsage>;

export const ModelTurnOutput = z.object({
  /** `final`: the model answered; `tools`: it asks for `calls` first. */
  finish: z.enum(['final', 'tools']),
  text: z.string().max(20_000).optional(),
  calls: z.array(ToolCall).max(20).optional(),
  usage: TurnUsage,
  /** The model that answered (`rules` when no model is configured). */
  model: z.string().min(1).max(200),
  /** As the provider reported it (`stop`, `tool-calls`, `length`). */
  finishReason: z.string().max(50),
});
export type ModelTurnOutput = z.infer<typeof ModelTurnOutput>;

/** The contract of an agent that plays model turns for a loop. */
export function modelTurnContract<const N extends string>(name: N) {
  return defineAgentContract(name, { input: ModelTurnInput, output: ModelTurnOutput });
}

/** An allow-listed MCP tool as its server describes it (`server.tool`), for a loop's model. */
export const McpToolDescription = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*\.[A-Za-z0-9_.-]+$/),
  description: z.string().max(2000).optional(),
  /** The tool's input schema (JSON Schema): the model's arguments are checked against it. */
  inputSchema: z.record(z.string(), z.unknown()),
});
export type McpToolDescription = z.infer<typeof McpToolDescription>;

/** What a loop asks of the agent that reaches its MCP tools: describe them (once, at the start of
 *  the loop, so the descriptions are in the workflow's history), or call one. */
export const McpToolInput = z.discriminatedUnion('op', [
  z.object({ op: z.literal('describe'), tools: z.array(McpToolDescription.shape.name).min(1).max(50) }),
  z.object({ op: z.literal('call'), tool: McpToolDescription.shape.name, args: z.record(z.string(), z.unknown()) }),
]);
export type McpToolInput = z.infer<typeof McpToolInput>;

export const McpToolOutput = z.union([
  z.object({ tools: z.array(McpToolDescription) }),
  z.object({ result: z.unknown() }),
]);
export type McpToolOutput = z.infer<typeof McpToolOutput>;

/** The contract of an agent that runs a loop's MCP tools through its tool gateway (its allow-list,
 *  audit and spans): `defineMcpToolAgent` in @baton/agent. */
export function mcpToolContract<const N extends string>(name: N) {
  return defineAgentContract(name, { input: McpToolInput, output: McpToolOutput });
}
