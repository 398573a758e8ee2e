// One model turn of a tool-using loop (the workflow kit's agentLoop), played through the model
// chain: the transcript and the tools go to the first provider that answers; its final text or
// the tool calls it asks for come back with the tokens used. The tools are only described to the
// model, never run here: the workflow runs each call as a step of its own. Each provider call is
// a span with the GenAI attributes the chain's structured calls carry (model, tokens, finish
// reason); with no provider, or every one failing, the agent's rules play the turn.
import { performance } from 'node:perf_hooks';
import { SpanKind, type Span } from '@opentelemetry/api';
import { generateText, jsonSchema, tool, type ModelMessage, type ToolSet } from 'ai';
import {
  ModelTurnInput as ModelTurnInputSchema,
  ModelTurnOutput,
  type AgentContract,
  type ArtifactRef,
  type ContractOutput,
  type LoopMessage,
  type ModelTurnInput,
} from '@baton/contracts';
import { describeIssues } from '@baton/bus';
import { inSpan } from '@baton/telemetry';
import { AgentError, ExternalSystemError } from '../errors.js';
import { defineAgent, type AgentDefinition } from '../define.js';
import { ModelBudgetExceededError } from './budget.js';
import type { ModelBindings, ModelChain } from './chain.js';
import type { ModelProvider } from './providers.js';

/** The deterministic player of a turn: serves when no provider is configured or every one failed. */
export type TurnRules = (input: ModelTurnInput) => ModelTurnOutput | Promise<ModelTurnOutput>;

export async function playTurn(
  chain: ModelChain,
  input: ModelTurnInput,
  bindings: ModelBindings,
  rules?: TurnRules,
): Promise<ModelTurnOutput> {
  const attributes = {
    'baton.model.purpose': input.purpose,
    'baton.loop.turn': input.turn,
    'baton.model.chain': chain.providers.map((p) => p.name).join(',') || 'rules',
  };
  return inSpan(chain.tracer, `model turn ${input.purpose}`, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    const failures: string[] = [];
    for (const provider of chain.providers) {
      try {
        const out = await fromProvider(chain, provider, input, bindings);
        span.setAttribute('baton.model.served_by', provider.name);
        return out;
      } catch (err) {
        if (bindings.signal.aborted || err instanceof ModelBudgetExceededError) throw err;
        const reason = `${provider.name}: ${(err as Error).message}`;
        failures.push(reason);
        span.addEvent('model fallback', {
          'baton.model.provider': provider.name,
          'baton.model.reason': reason.slice(0, 500),
        });
        bindings.logger.warn(
          { provider: provider.name, purpose: input.purpose, reason },
          'model provider failed; falling back',
        );
      }
    }
    if (rules) {
      const ruled = ModelTurnOutput.safeParse(await rules(input));
      if (!ruled.success)
        throw new AgentError(
          'RULES_OUTPUT_INVALID',
          `rule-based turn of ${input.purpose} breaks its contract: ${describeIssues(ruled.error.issues)}`,
          false,
        );
      span.setAttribute('baton.model.served_by', 'rules');
      return ruled.data;
    }
    if (failures.length === 0)
      throw new AgentError(
        'MODEL_NOT_CONFIGURED',
        `no model provider is configured for ${input.purpose} and it has no rules`,
        false,
      );
    throw new AgentError('MODEL_UNAVAILABLE', `every model failed for ${input.purpose}: ${failures.join('; ')}`, true);
  });
}

async function fromProvider(
  chain: ModelChain,
  provider: ModelProvider,
  input: ModelTurnInput,
  bindings: ModelBindings,
): Promise<ModelTurnOutput> {
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': provider.kind,
    'gen_ai.request.model': provider.model,
    'baton.model.provider': provider.name,
    'baton.model.purpose': input.purpose,
    'baton.loop.turn': input.turn,
  };
  return inSpan(chain.tracer, `chat ${provider.model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    await bindings.budget?.reserve();
    const started = performance.now();
    const tools: ToolSet = Object.fromEntries(
      input.tools.map((t) => [
        t.name,
        tool({ description: t.description, inputSchema: jsonSchema(t.parameters as Parameters<typeof jsonSchema>[0]) }),
      ]),
    );
    const run = async () => {
      try {
        return await generateText({
          model: provider.languageModel,
          system: input.system,
          messages: toModelMessages(input.messages),
          tools,
          maxRetries: chain.options.maxRetries,
          abortSignal: AbortSignal.any([bindings.signal, AbortSignal.timeout(chain.options.timeoutMs)]),
        });
      } catch (err) {
        if (bindings.signal.aborted) throw err;
        throw new ExternalSystemError(`model:${provider.name}`, (err as Error).message);
      }
    };
    try {
      const result = await (bindings.breaker ? bindings.breaker(`model:${provider.name}`, run) : run());
      const usage = { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 };
      await bindings.budget?.spend(usage.inputTokens + usage.outputTokens);
      const calls = result.toolCalls.map((c) => ({
        id: c.toolCallId,
        name: c.toolName,
        args:
          typeof c.input === 'object' && c.input !== null && !Array.isArray(c.input)
            ? (c.input as Record<string, unknown>)
            : {},
      }));
      record(span, started, usage, result.response.modelId, result.finishReason);
      span.setAttribute('baton.loop.tool_calls', calls.map((c) => c.name).join(','));
      return ModelTurnOutput.parse({
        finish: calls.length > 0 ? 'tools' : 'final',
        ...(result.text ? { text: result.text.slice(0, 20_000) } : {}),
        ...(calls.length > 0 ? { calls } : {}),
        usage,
        model: result.response.modelId || provider.model,
        finishReason: result.finishReason,
      });
    } catch (err) {
      span.setAttribute('baton.model.outcome', 'error');
      throw err;
    }
  });
}

function record(
  span: Span,
  started: number,
  usage: { inputTokens: number; outputTokens: number },
  responseModel: string | undefined,
  finishReason: string,
): void {
  span.setAttribute('baton.model.latency_ms', Math.round(performance.now() - started));
  span.setAttribute('baton.model.outcome', 'ok');
  if (responseModel) span.setAttribute('gen_ai.response.model', responseModel);
  span.setAttribute('gen_ai.usage.input_tokens', usage.inputTokens);
  span.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
  span.setAttribute('gen_ai.response.finish_reasons', [finishReason]);
}

/** The loop's transcript as the AI SDK's messages. */
export function toModelMessages(messages: LoopMessage[]): ModelMessage[] {
  return messages.map((m): ModelMessage => {
    switch (m.role) {
      case 'user':
        return { role: 'user', content: m.text };
      case 'assistant':
        return {
          role: 'assistant',
          content: [
            ...(m.text ? [{ type: 'text' as const, text: m.text }] : []),
            ...(m.calls ?? []).map((c) => ({
              type: 'tool-call' as const,
              toolCallId: c.id,
              toolName: c.name,
              input: c.args,
            })),
          ],
        };
      case 'tool': {
        const output =
          m.error !== undefined
            ? { type: 'error-text' as const, value: m.error }
            : {
                type: 'json' as const,
                value: JSON.parse(
                  JSON.stringify(
                    m.reference
                      ? {
                          reference: m.reference,
                          note: `too large to show: call read_result with ref "${m.reference.ref}" for the full text`,
                        }
                      : (m.result ?? null),
                  ),
                ),
              };
        return { role: 'tool', content: [{ type: 'tool-result', toolCallId: m.callId, toolName: m.name, output }] };
      }
    }
  });
}

/** An agent that plays model turns for a loop: its contract is `modelTurnContract(name)`. Pages
 *  of object-store results the model asked for (read_result) are read here, for this turn only. */
export function defineModelTurnAgent<
  C extends AgentContract<string, typeof ModelTurnInputSchema, typeof ModelTurnOutput>,
>(contract: C, rules?: TurnRules): AgentDefinition<C> {
  return defineAgent(contract, {
    handle: async (input, ctx) => {
      const turn = input as ModelTurnInput;
      const messages = await withPages(turn.messages, (ref) => ctx.artifacts.getText(ref));
      return ctx.model.turn({ ...turn, messages }, rules) as Promise<ContractOutput<C>>;
    },
  });
}

/** The transcript with each requested page of an artifact read: its text, where it starts, and
 *  where the next page starts (each artifact is read once per turn). */
export async function withPages(
  messages: LoopMessage[],
  read: (ref: ArtifactRef) => Promise<string>,
): Promise<LoopMessage[]> {
  const texts = new Map<string, Promise<string>>();
  return Promise.all(
    messages.map(async (m) => {
      if (m.role !== 'tool' || !m.page) return m;
      const { artifact, offset, length } = m.page;
      if (!texts.has(artifact.key)) texts.set(artifact.key, read(artifact));
      let text: string;
      try {
        text = await texts.get(artifact.key)!;
      } catch (err) {
        return {
          role: 'tool' as const,
          callId: m.callId,
          name: m.name,
          error: `the result could not be read: ${(err as Error).message}`.slice(0, 2000),
        };
      }
      const page = text.slice(offset, offset + length);
      const result = {
        ref: `artifact:${artifact.key}`,
        offset,
        size: text.length,
        text: page,
        ...(offset + page.length < text.length ? { next: offset + page.length } : {}),
      };
      return { role: 'tool' as const, callId: m.callId, name: m.name, result };
    }),
  );
}
