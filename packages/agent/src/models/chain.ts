// The model an agent's handler sees: structured output from a chain of providers, validated by
// the step's zod schema. Each provider gets one repair attempt on invalid output; any failure
// moves on to the next provider; the agent's deterministic rules are the last link. Every call is
// a span with model, latency and tokens (OpenTelemetry GenAI attribute names).
import { performance } from 'node:perf_hooks';
import { SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import { generateText, NoObjectGeneratedError, Output, type LanguageModelUsage, type ModelMessage } from 'ai';
import { z } from 'zod';
import { describeIssues, describeJsonError } from '@baton/bus';
import { inSpan, type Logger } from '@baton/telemetry';
import { AgentError, ExternalSystemError } from '../errors.js';
import type { ModelConfig } from './config.js';
import { createProvider, type ModelProvider } from './providers.js';
import { ModelBudgetExceededError, type ModelBudget } from './budget.js';
import { playTurn, type TurnRules } from './turn.js';
import type { ModelTurnInput, ModelTurnOutput } from '@baton/contracts';

// The AI SDK prints its warnings to the console; Baton's logs are JSON lines, so the warnings go
// on the call's span instead (e.g. "responseFormat not supported": the schema is in the prompt).
(globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = false;

export interface StructuredRequest<S extends z.ZodType> {
  /** What the call is for, e.g. `extract-reservation`; names its span. */
  purpose: string;
  /** The step's schema: nothing that fails it is returned. */
  schema: S;
  system?: string;
  prompt: string;
  /** The deterministic last resort: serves when no provider is configured or every one failed. */
  rules?: () => z.output<S> | Promise<z.output<S>>;
}

export interface AgentModel {
  /** Provider names in chain order; empty when only rules serve. */
  readonly chain: readonly string[];
  object<S extends z.ZodType>(request: StructuredRequest<S>): Promise<z.output<S>>;
  /** One turn of a tool-using loop (models/turn.ts); `rules` play it when no model can. */
  turn(input: ModelTurnInput, rules?: TurnRules): Promise<ModelTurnOutput>;
}

/** Runs fn through the circuit breaker of `system`; the runtime passes its breaker registry. */
export type BreakerRun = <T>(system: string, fn: () => Promise<T>) => Promise<T>;

export interface ModelBindings {
  logger: Logger;
  /** The attempt's deadline: when it aborts, the chain stops instead of falling back. */
  signal: AbortSignal;
  breaker?: BreakerRun;
  /** The agent's model budget: each call is counted, and none is made past it. */
  budget?: ModelBudget;
}

export interface ModelChainOptions {
  timeoutMs: number;
  maxRetries: number;
  tracer?: Tracer;
}

/** A provider answered, but not with what the schema asks for (after the repair attempt too). */
export class InvalidModelOutputError extends Error {
  constructor(
    readonly provider: string,
    readonly reason: string,
  ) {
    super(`${provider}: invalid output: ${reason}`);
    this.name = 'InvalidModelOutputError';
  }
}

export class ModelChain {
  readonly tracer: Tracer;

  constructor(
    readonly providers: readonly ModelProvider[],
    readonly options: ModelChainOptions = { timeoutMs: 30_000, maxRetries: 1 },
  ) {
    this.tracer = options.tracer ?? trace.getTracer('baton-model');
  }

  static fromConfig(config: ModelConfig, tracer?: Tracer): ModelChain {
    return new ModelChain(config.providers.map(createProvider), {
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      ...(tracer ? { tracer } : {}),
    });
  }

  bind(bindings: ModelBindings): AgentModel {
    return {
      chain: this.providers.map((p) => p.name),
      object: (request) => this.object(request, bindings),
      turn: (input, rules) => playTurn(this, input, bindings, rules),
    };
  }

  async object<S extends z.ZodType>(request: StructuredRequest<S>, bindings: ModelBindings): Promise<z.output<S>> {
    const attributes = {
      'baton.model.purpose': request.purpose,
      'baton.model.chain': this.providers.map((p) => p.name).join(',') || 'rules',
    };
    return inSpan(this.tracer, `model ${request.purpose}`, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
      const failures: string[] = [];
      let lastInvalid = false;
      for (const provider of this.providers) {
        try {
          const value = await this.fromProvider(provider, request, bindings);
          span.setAttribute('baton.model.served_by', provider.name);
          return value;
        } catch (err) {
          // The attempt's deadline passed: falling back would only run past it. The budget is
          // the agent's, not the provider's: no other provider, and no rules, hide it.
          if (bindings.signal.aborted || err instanceof ModelBudgetExceededError) throw err;
          lastInvalid = err instanceof InvalidModelOutputError;
          const reason =
            err instanceof InvalidModelOutputError ? err.message : `${provider.name}: ${(err as Error).message}`;
          failures.push(reason);
          span.addEvent('model fallback', {
            'baton.model.provider': provider.name,
            'baton.model.reason': reason.slice(0, 500),
          });
          bindings.logger.warn(
            { provider: provider.name, purpose: request.purpose, reason },
            'model provider failed; falling back',
          );
        }
      }
      if (request.rules) {
        const ruled = request.schema.safeParse(await request.rules());
        if (!ruled.success)
          throw new AgentError(
            'RULES_OUTPUT_INVALID',
            `rule-based ${request.purpose} breaks its schema: ${describeIssues(ruled.error.issues)}`,
            false,
          );
        span.setAttribute('baton.model.served_by', 'rules');
        if (failures.length)
          bindings.logger.info({ purpose: request.purpose }, 'rule-based path served after every model failed');
        return ruled.data as z.output<S>;
      }
      if (failures.length === 0)
        throw new AgentError(
          'MODEL_NOT_CONFIGURED',
          `no model provider is configured for ${request.purpose} and it has no rules`,
          false,
        );
      throw new AgentError(
        lastInvalid ? 'MODEL_OUTPUT_INVALID' : 'MODEL_UNAVAILABLE',
        `every model failed for ${request.purpose}: ${failures.join('; ')}`,
        true,
      );
    });
  }

  /** One provider: a call, and on invalid output one repair call that shows the model its error. */
  private async fromProvider<S extends z.ZodType>(
    provider: ModelProvider,
    request: StructuredRequest<S>,
    bindings: ModelBindings,
  ): Promise<z.output<S>> {
    const system = [
      request.system ?? '',
      'Answer with one JSON object and nothing else. It must match this JSON Schema:',
      JSON.stringify(z.toJSONSchema(request.schema, { io: 'input', unrepresentable: 'any' })),
    ]
      .filter(Boolean)
      .join('\n\n');
    const messages: ModelMessage[] = [{ role: 'user', content: request.prompt }];
    const first = await this.call(provider, request, system, messages, false, bindings);
    if (first.ok) return first.value;
    messages.push(
      { role: 'assistant', content: first.text },
      {
        role: 'user',
        content: `That answer is invalid: ${first.reason}. Reply again with only the corrected JSON object.`,
      },
    );
    const repaired = await this.call(provider, request, system, messages, true, bindings);
    if (repaired.ok) return repaired.value;
    throw new InvalidModelOutputError(provider.name, repaired.reason);
  }

  private async call<S extends z.ZodType>(
    provider: ModelProvider,
    request: StructuredRequest<S>,
    system: string,
    messages: ModelMessage[],
    repair: boolean,
    bindings: ModelBindings,
  ): Promise<{ ok: true; value: z.output<S> } | { ok: false; text: string; reason: string }> {
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': provider.kind,
      'gen_ai.request.model': provider.model,
      'baton.model.provider': provider.name,
      'baton.model.purpose': request.purpose,
      'baton.model.repair': repair,
    };
    return inSpan(this.tracer, `chat ${provider.model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      await bindings.budget?.reserve();
      const started = performance.now();
      const system_ = `model:${provider.name}`;
      const run = async () => {
        try {
          return await generateText({
            model: provider.languageModel,
            system,
            messages,
            output: Output.object({ schema: request.schema }),
            maxRetries: this.options.maxRetries,
            abortSignal: AbortSignal.any([bindings.signal, AbortSignal.timeout(this.options.timeoutMs)]),
          });
        } catch (err) {
          // Invalid output says the provider works; anything else counts against its breaker.
          if (NoObjectGeneratedError.isInstance(err) || bindings.signal.aborted) throw err;
          throw new ExternalSystemError(system_, (err as Error).message);
        }
      };
      try {
        const result = await (bindings.breaker ? bindings.breaker(system_, run) : run());
        await spend(bindings, result.usage);
        record(span, started, result.usage, result.response.modelId, 'ok');
        for (const warning of result.warnings ?? [])
          span.addEvent('model warning', { 'baton.model.warning': JSON.stringify(warning).slice(0, 300) });
        return { ok: true as const, value: result.output as z.output<S> };
      } catch (err) {
        if (!NoObjectGeneratedError.isInstance(err)) {
          record(span, started, undefined, undefined, 'error');
          throw err;
        }
        const text = err.text ?? '';
        // Local models often wrap the JSON in a code fence or a sentence: read it out if it is there.
        await spend(bindings, err.usage);
        const salvaged = salvage(request.schema, text);
        record(span, started, err.usage, err.response?.modelId, salvaged.success ? 'ok' : 'invalid-output');
        if (salvaged.success) return { ok: true as const, value: salvaged.data as z.output<S> };
        return { ok: false as const, text, reason: invalidReason(request.schema, text) };
      }
    });
  }
}

async function spend(bindings: ModelBindings, usage: LanguageModelUsage | undefined): Promise<void> {
  await bindings.budget?.spend((usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
}

function record(
  span: Span,
  started: number,
  usage: LanguageModelUsage | undefined,
  responseModel: string | undefined,
  outcome: string,
): void {
  span.setAttribute('baton.model.latency_ms', Math.round(performance.now() - started));
  span.setAttribute('baton.model.outcome', outcome);
  if (responseModel) span.setAttribute('gen_ai.response.model', responseModel);
  if (usage?.inputTokens !== undefined) span.setAttribute('gen_ai.usage.input_tokens', usage.inputTokens);
  if (usage?.outputTokens !== undefined) span.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
}

/** Why text is not a valid answer, phrased for the repair prompt. */
export function invalidReason(schema: z.ZodType, text: string): string {
  if (!text.trim()) return 'the answer was empty';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the model's text, which may echo personal data.
    return `it is not valid JSON (${describeJsonError(err)})`;
  }
  const checked = schema.safeParse(value);
  return checked.success
    ? 'it could not be read as the requested object'
    : `it does not match the schema: ${describeIssues(checked.error.issues)}`;
}

/** The JSON object inside a code fence or surrounding prose, if it matches the schema. */
export function salvage(schema: z.ZodType, text: string): { success: true; data: unknown } | { success: false } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1];
  const braced = text.includes('{') ? text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1) : undefined;
  for (const candidate of [fenced, braced]) {
    if (!candidate) continue;
    try {
      const checked = schema.safeParse(JSON.parse(candidate));
      if (checked.success) return { success: true, data: checked.data };
    } catch {
      // Not JSON either: try the next reading, then report the original text as invalid.
    }
  }
  return { success: false };
}
