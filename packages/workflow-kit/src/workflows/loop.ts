// A tool-using agent loop as workflow steps: observe, ask the model, call the tools it asks for,
// give it their results, repeat until it answers or a limit ends the loop. Every model turn is
// one agent step (an agent answering `modelTurnContract`), every tool call one step of the agent
// that owns the tool, typed by that agent's contract: each result is in the workflow's history,
// so a crash or a kill -9 resumes the loop without paying for a finished turn again, and a tool
// with effects keeps its step's idempotency key (the agent's ledger) on every retry.
//
// A tool that needs approval (always, or for some arguments, e.g. a refund above a limit) opens
// the workflow's approval gate with the call and the transcript so far; the person approves,
// declines with a reason (the model sees it as the tool's result) or approves with changed
// arguments (the tool runs with those). A tool result larger than `inlineLimit` characters stays
// out of the model's context: the model gets a reference and a short summary (the result's
// start), and the built-in tool `read_result` gives it the rest, a page at a time. The tool's
// agent puts such a result in the object store itself (the step asks for large outputs by
// reference), so the workflow's history and the bus carry only the reference, and the agent that
// plays the next turn reads the page; a tool with a `result` function (the workflow reads its
// output) or marked `inline` answers inline, and a large answer is then paged from the results
// the loop holds. The transcript (in the status query, so in the console, and handed
// to the next step) is bounded the same way. Pure workflow code: types only from the contracts.
import type {
  AgentTable,
  ArtifactRef,
  LoopMessage,
  McpToolOutput,
  ModelTurnInput,
  ModelTurnOutput,
  ResultReference,
  ToolCall,
  ToolDescriptor,
  TurnUsage,
} from '@baton/contracts';
import { APPROVAL_OPTIONS, type GateTier, type WorkflowStatus } from '../definitions.js';
import type { StepPolicy } from './call-agent.js';
import { GateRefusedError } from './gate.js';
import { failureCode, type WorkflowRun } from './run.js';
import { causeOf } from './causes.js';

/** The built-in tool that reads a result kept by reference. */
export const READ_RESULT_TOOL = 'read_result';
/** Default: results above this many characters of JSON go by reference. */
export const DEFAULT_INLINE_LIMIT = 4_000;

/** A tool the model may call: one step of `agent`. */
export interface LoopTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments the model gives (an object). */
  parameters: Record<string, unknown>;
  /** The agent that runs the tool; its contract types `input`'s answer and the result. */
  agent: string;
  /** The agent's input for the model's arguments. Throws to refuse them: the model sees why. */
  input(args: Record<string, unknown>): unknown;
  /** The call waits for a person first: always (`true`), or when this says so for the arguments. */
  needsApproval?: boolean | ((args: Record<string, unknown>) => boolean);
  /** What the model sees of the agent's output (default: all of it); `args` are the arguments
   *  the tool ran with (a person's changes included). */
  result?: (output: unknown, args: Record<string, unknown>) => unknown;
  /** The agent's output always comes back inline, even when large (the loop then pages it from
   *  its history). Default: inline only for a tool with `result` (the workflow reads its output);
   *  any other's large output goes to the object store and comes back as a reference. */
  inline?: boolean;
}

export interface LoopLimits {
  /** Model turns at most (default 8). */
  maxTurns?: number;
  /** Input + output tokens of all turns together. */
  maxTokens?: number;
  /** Cost of all turns together, in cents (at `price`). */
  maxCostCents?: number;
  /** Cents per million tokens. */
  price?: { inputPerMillion: number; outputPerMillion: number };
}

export interface AgentLoopSpec {
  /** Names the loop's steps (`<name>/turn-1`), its gates and its transcript. */
  name: string;
  /** What the loop is for: the model-turn agent's span and prompt purpose. */
  purpose: string;
  /** The agent that plays model turns (its contract is `modelTurnContract(...)`). */
  modelAgent: string;
  system: string;
  /** The task, as the first user message. */
  prompt: string;
  tools: LoopTool[];
  limits?: LoopLimits;
  /** A tool needing approval opens this gate type (declared by the workflow). */
  approval?: { gateType: string; tiers?: GateTier[]; safeDefault?: string };
  /** Results above this many characters of JSON go by reference (default 4000). */
  inlineLimit?: number;
  /** Step policies of the model turns and the tool calls. */
  turnPolicy?: StepPolicy;
  toolPolicy?: StepPolicy;
  /** Allow-listed MCP tools (`server.tool`) the model may call too, run by `agent` (its contract
   *  is `mcpToolContract(...)`, its service `defineMcpToolAgent`: the tool gateway's allow-list,
   *  audit and spans apply). The loop asks the agent to describe them once, as its first step
   *  (`<name>/mcp-tools`, so the descriptions are in the history); the model sees each as
   *  `server_tool` with its server's description and input schema, and the agent checks the
   *  model's arguments against that schema before it calls the tool. */
  mcp?: { agent: string; tools: readonly string[] };
  /** Error codes of a model turn the workflow handles itself (e.g. MODEL_NOT_CONFIGURED, to fall
   *  back to its rules): the loop ends `failed` with the code. Any other failure of a turn goes
   *  to a person, as a failed step does. */
  turnHandles?: readonly string[];
}

/** One entry of the transcript: a message, and for a model turn what it cost. */
export type TranscriptEntry = LoopMessage & {
  turn?: number;
  model?: string;
  usage?: TurnUsage;
  finishReason?: string;
  by?: string;
};

export type LoopLimit = 'turns' | 'tokens' | 'cost';

/** The loop as the status query shows it: bounded (large results by reference). */
export interface LoopTranscript {
  purpose: string;
  status: 'running' | 'awaiting-approval' | 'answered' | 'limit' | 'failed';
  turns: number;
  usage: TurnUsage;
  costCents: number;
  entries: TranscriptEntry[];
  limit?: { kind: LoopLimit; detail: string };
  answer?: string;
}

export type LoopOutcome =
  | { kind: 'answered'; text: string; transcript: LoopTranscript }
  | { kind: 'limit'; limit: LoopLimit; detail: string; transcript: LoopTranscript }
  | { kind: 'failed'; code: string; detail: string; transcript: LoopTranscript };

/** What a person at a tool's approval gate sees. */
export interface ToolApprovalPayload {
  loop: string;
  tool: string;
  /** The arguments the tool would run with (changed ones, after approve-with-changes). */
  args: Record<string, unknown>;
  /** The model's words with the call, and everything before it (bounded). */
  transcript: TranscriptEntry[];
}

/** A tool call's result as the model sees it; `page`: a page of an artifact, read by the agent
 *  that plays the next turn. */
type ToolAnswer =
  | { result: unknown }
  | { error: string }
  | { page: NonNullable<Extract<LoopMessage, { role: 'tool' }>['page']> };

/** A tool's output that is an ArtifactRef (@baton/contracts): its bytes are in the object store. */
function artifactOf(value: unknown): ArtifactRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    ['bucket', 'key', 'digest', 'contentType', 'summary'].every((k) => typeof v[k] === 'string') &&
    typeof v.size === 'number';
  return ok ? (v as unknown as ArtifactRef) : undefined;
}

/** The reference a step returned instead of its large output (OutputByReference). */
function referencedOutput(value: unknown): ArtifactRef | undefined {
  if (typeof value !== 'object' || value === null || !('byReference' in value)) return undefined;
  return artifactOf((value as { byReference: unknown }).byReference);
}

export class AgentLoop<S extends string = string> {
  readonly transcript: LoopTranscript;
  /** Every tool result in full, by reference (rebuilt from history on replay: no I/O). */
  private readonly full = new Map<string, string>();
  /** Results a tool put in the object store (it returned their ArtifactRef), by reference. */
  private readonly artifacts = new Map<string, ArtifactRef>();
  private readonly inlineLimit: number;
  /** The MCP tools the model may call, by the name it sees: their `server.tool`. */
  private readonly mcpTools = new Map<string, string>();

  constructor(
    private readonly run: WorkflowRun<S, AgentTable, WorkflowStatus<S>>,
    private readonly spec: AgentLoopSpec,
  ) {
    this.inlineLimit = spec.inlineLimit ?? DEFAULT_INLINE_LIMIT;
    this.transcript = {
      purpose: spec.purpose,
      status: 'running',
      turns: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      costCents: 0,
      entries: [{ role: 'user', text: spec.prompt }],
    };
  }

  /** Runs the loop to the model's answer or a limit. */
  async execute(): Promise<LoopOutcome> {
    const { spec, transcript } = this;
    const maxTurns = spec.limits?.maxTurns ?? 8;
    const tools: ToolDescriptor[] = [
      ...spec.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
      ...(await this.describeMcpTools()),
      {
        name: READ_RESULT_TOOL,
        description:
          'Reads a tool result that was too large to show in full: give its ref, and the offset to read from (0 for the start).',
        parameters: {
          type: 'object',
          properties: { ref: { type: 'string' }, offset: { type: 'integer', minimum: 0 } },
          required: ['ref'],
          additionalProperties: false,
        },
      },
    ];
    for (;;) {
      if (transcript.turns >= maxTurns)
        return this.stop('turns', `the loop used its ${maxTurns} model turns without an answer`);
      const turn = transcript.turns + 1;
      const input: ModelTurnInput = {
        purpose: spec.purpose,
        turn,
        system: spec.system,
        messages: this.messages(),
        tools,
      };
      let out: ModelTurnOutput;
      try {
        // The status shows the turn, not the transcript again (it is in the loop's transcript).
        const shownInput = { purpose: spec.purpose, turn, messages: input.messages.length };
        const options = {
          ...(spec.turnPolicy ? { policy: spec.turnPolicy } : {}),
          handles: spec.turnHandles ?? [],
          shownInput,
        };
        out = (await this.run.step(
          spec.modelAgent,
          `${spec.name}/turn-${turn}`,
          input as never,
          options,
        )) as ModelTurnOutput;
      } catch (err) {
        const code = failureCode(err);
        if (!(spec.turnHandles ?? []).includes(code)) throw err;
        transcript.status = 'failed';
        return { kind: 'failed', code, detail: causeOf(err), transcript };
      }
      transcript.turns = turn;
      transcript.usage = {
        inputTokens: transcript.usage.inputTokens + out.usage.inputTokens,
        outputTokens: transcript.usage.outputTokens + out.usage.outputTokens,
      };
      transcript.costCents = this.costOf(transcript.usage);
      const calls = out.finish === 'tools' ? (out.calls ?? []) : [];
      transcript.entries.push({
        role: 'assistant',
        ...(out.text !== undefined ? { text: out.text } : {}),
        ...(calls.length ? { calls } : {}),
        turn,
        model: out.model,
        usage: out.usage,
        finishReason: out.finishReason,
      });
      const over = this.overBudget();
      if (over) return this.stop(over.kind, over.detail);
      if (calls.length === 0) {
        transcript.status = 'answered';
        transcript.answer = out.text ?? '';
        return { kind: 'answered', text: transcript.answer, transcript };
      }
      for (const [i, call] of calls.entries()) {
        const answer = await this.callTool(call, `${spec.name}/t${turn}-${i + 1}-${call.name}`);
        this.addResult(call, answer, `${turn}-${i + 1}`);
      }
    }
  }

  /** The MCP tools as the model sees them (one step of the MCP agent: its answer is in the history). */
  private async describeMcpTools(): Promise<ToolDescriptor[]> {
    const mcp = this.spec.mcp;
    if (!mcp || mcp.tools.length === 0) return [];
    const described = (await this.run.step(
      mcp.agent as never,
      `${this.spec.name}/mcp-tools`,
      { op: 'describe', tools: [...mcp.tools] } as never,
      this.spec.toolPolicy ? { policy: this.spec.toolPolicy } : {},
    )) as McpToolOutput;
    return ('tools' in described ? described.tools : []).map((t) => {
      const name = t.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
      this.mcpTools.set(name, t.name);
      return { name, description: t.description ?? `The MCP tool ${t.name}.`, parameters: t.inputSchema };
    });
  }

  /** The messages for the next turn: the transcript without its bookkeeping. */
  private messages(): LoopMessage[] {
    return this.transcript.entries.map((e) => {
      const { turn: _t, model: _m, usage: _u, finishReason: _f, by: _b, ...message } = e;
      return message as LoopMessage;
    });
  }

  private costOf(usage: TurnUsage): number {
    const price = this.spec.limits?.price;
    if (!price) return 0;
    return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000;
  }

  private overBudget(): { kind: LoopLimit; detail: string } | undefined {
    const { maxTokens, maxCostCents } = this.spec.limits ?? {};
    const used = this.transcript.usage.inputTokens + this.transcript.usage.outputTokens;
    if (maxTokens !== undefined && used > maxTokens)
      return { kind: 'tokens', detail: `the loop used ${used} tokens, over its limit of ${maxTokens}` };
    if (maxCostCents !== undefined && this.transcript.costCents > maxCostCents) {
      return {
        kind: 'cost',
        detail: `the loop cost ${this.transcript.costCents.toFixed(2)} cents, over its limit of ${maxCostCents}`,
      };
    }
    return undefined;
  }

  private stop(kind: LoopLimit, detail: string): LoopOutcome {
    this.transcript.status = 'limit';
    this.transcript.limit = { kind, detail };
    return { kind: 'limit', limit: kind, detail, transcript: this.transcript };
  }

  /** One tool call: the built-in reader, or its agent's step (after a person, if it needs one). */
  private async callTool(call: ToolCall, stepId: string): Promise<ToolAnswer> {
    if (call.name === READ_RESULT_TOOL) return this.readResult(call.args);
    const mcpTool = this.mcpTools.get(call.name);
    if (mcpTool !== undefined) return this.callMcpTool(mcpTool, call, stepId);
    const tool = this.spec.tools.find((t) => t.name === call.name);
    if (!tool)
      return {
        error: `there is no tool "${call.name}"; the tools are ${[...this.spec.tools.map((t) => t.name), ...this.mcpTools.keys()].join(', ')}`,
      };
    let args = call.args;
    let agentInput: unknown;
    try {
      agentInput = tool.input(args);
    } catch (err) {
      return { error: `invalid arguments: ${causeOf(err)}` };
    }
    const needs = typeof tool.needsApproval === 'function' ? tool.needsApproval(args) : tool.needsApproval === true;
    if (needs) {
      const approved = await this.approve(tool, call);
      if ('error' in approved) return approved;
      args = approved.args;
      agentInput = tool.input(args);
    }
    try {
      // A tool whose output the workflow only passes on to the model gets it by reference when
      // it is large: the agent puts it in the object store, so neither the bus nor the history
      // holds it. One with a `result` function reads the output, so it comes inline.
      const byReference = tool.inline || tool.result ? {} : { byReference: { limit: this.inlineLimit } };
      const output: unknown = await this.run.step(tool.agent as never, stepId, agentInput as never, {
        handles: 'all',
        ...byReference,
        ...(this.spec.toolPolicy ? { policy: this.spec.toolPolicy } : {}),
      });
      const stored = referencedOutput(output);
      if (stored) return { result: stored };
      return { result: tool.result ? tool.result(output, args) : output };
    } catch (err) {
      return { error: `the tool failed: ${causeOf(err)}` };
    }
  }

  /** An MCP tool's call: a step of the MCP agent (large results by reference, as any tool's). */
  private async callMcpTool(tool: string, call: ToolCall, stepId: string): Promise<ToolAnswer> {
    try {
      const options = {
        handles: 'all' as const,
        byReference: { limit: this.inlineLimit },
        ...(this.spec.toolPolicy ? { policy: this.spec.toolPolicy } : {}),
      };
      const output: unknown = await this.run.step(
        this.spec.mcp!.agent as never,
        stepId,
        { op: 'call', tool, args: call.args } as never,
        options,
      );
      const stored = referencedOutput(output);
      if (stored) return { result: stored };
      return { result: (output as { result?: unknown }).result ?? null };
    } catch (err) {
      return { error: `the tool failed: ${causeOf(err)}` };
    }
  }

  /** The tool's approval gate; a decline (or no decision in time) is the tool's result. */
  private async approve(
    tool: LoopTool,
    call: ToolCall,
  ): Promise<{ args: Record<string, unknown> } | { error: string }> {
    const approval = this.spec.approval;
    if (!approval)
      return { error: `the tool ${tool.name} needs a person's approval and this loop has no approval gate: not run` };
    const resumeIn = this.run.status.state;
    this.transcript.status = 'awaiting-approval';
    const outcome = await this.run.gate<ToolApprovalPayload>({
      gateId: `${this.run.reference(this.spec.name)}/approve/${this.transcript.turns}-${call.id}`,
      gateType: approval.gateType,
      payload: {
        loop: this.spec.name,
        tool: tool.name,
        args: call.args,
        transcript: this.transcript.entries.map((e) => ({ ...e })),
      },
      options: [...APPROVAL_OPTIONS],
      ...(approval.tiers ? { tiers: approval.tiers } : {}),
      safeDefault: approval.safeDefault ?? `the ${tool.name} call is not made; the model is told nobody approved it`,
      applyChanges: (payload, changes) => {
        const args = { ...payload.args, ...changes };
        try {
          tool.input(args);
        } catch (err) {
          throw new GateRefusedError(`the changed arguments do not suit ${tool.name}: ${causeOf(err)}`);
        }
        return { ...payload, args };
      },
    });
    this.transcript.status = 'running';
    this.run.enter(resumeIn as S);
    if (outcome.kind === 'timed-out')
      return { error: `nobody approved the ${tool.name} call in time: it was not made` };
    if (outcome.kind === 'declined')
      return {
        error: `${outcome.decision.decidedBy} declined the ${tool.name} call: ${outcome.decision.reason || 'no reason given'}`,
      };
    if (outcome.kind === 'decided')
      return {
        error: `${outcome.decision.decidedBy} did not approve the ${tool.name} call (${outcome.decision.decision})`,
      };
    return { args: outcome.payload.args };
  }

  /** A page of a result kept by reference. */
  private readResult(args: Record<string, unknown>): ToolAnswer {
    const ref = typeof args.ref === 'string' ? args.ref : '';
    const offset =
      typeof args.offset === 'number' && Number.isInteger(args.offset) && args.offset >= 0 ? args.offset : 0;
    const artifact = this.artifacts.get(ref);
    if (artifact) return { page: { artifact, offset: offset, length: this.inlineLimit } };
    const text = this.full.get(ref);
    if (text === undefined) return { error: `no result has the ref "${ref}"` };
    const page = text.slice(offset, offset + this.inlineLimit);
    return {
      result: {
        ref,
        offset,
        size: text.length,
        text: page,
        ...(offset + page.length < text.length ? { next: offset + page.length } : {}),
      },
    };
  }

  /** The tool's answer in the transcript: in full when small, else by reference with its start. */
  private addResult(call: ToolCall, answer: ToolAnswer, key: string): void {
    if ('error' in answer) {
      this.transcript.entries.push({
        role: 'tool',
        callId: call.id,
        name: call.name,
        error: answer.error.slice(0, 2000),
      });
      return;
    }
    if ('page' in answer) {
      this.transcript.entries.push({ role: 'tool', callId: call.id, name: call.name, page: answer.page });
      return;
    }
    // The tool put its result in the object store: the model gets the reference and its summary.
    const artifact = artifactOf(answer.result);
    if (artifact) {
      const ref = `artifact:${artifact.key}`;
      this.artifacts.set(ref, artifact);
      this.transcript.entries.push({
        role: 'tool',
        callId: call.id,
        name: call.name,
        reference: { ref, size: artifact.size, summary: artifact.summary.slice(0, 2000) },
      });
      return;
    }
    const json = JSON.stringify(answer.result ?? null);
    // A page read back is already at most the limit: never referenced again.
    if (json.length <= this.inlineLimit || call.name === READ_RESULT_TOOL) {
      this.transcript.entries.push({ role: 'tool', callId: call.id, name: call.name, result: answer.result });
      return;
    }
    const ref = `${this.spec.name}/result/${key}`;
    this.full.set(ref, json);
    const reference: ResultReference = {
      ref,
      size: json.length,
      summary: json.slice(0, Math.min(500, this.inlineLimit)),
    };
    this.transcript.entries.push({ role: 'tool', callId: call.id, name: call.name, reference });
  }
}

/** Runs a tool-using loop as the run's steps (see AgentLoop). Put `loop.transcript` in the
 *  status before awaiting to show it live: `agentLoop(run, spec, (t) => (status.loop = t))`. */
export async function agentLoop<S extends string>(
  run: WorkflowRun<S, AgentTable, WorkflowStatus<S>>,
  spec: AgentLoopSpec,
  show?: (transcript: LoopTranscript) => void,
): Promise<LoopOutcome> {
  const loop = new AgentLoop<S>(run, spec);
  show?.(loop.transcript);
  return loop.execute();
}
