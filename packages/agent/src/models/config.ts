// Which models an agent may use, read from the environment: a chain of named providers tried in
// order. Nothing configured means the deterministic rule-based path serves alone (offline demo).
//
//   BATON_MODELS=local,claude
//   BATON_MODEL_LOCAL_PROVIDER=openai-compatible   BATON_MODEL_LOCAL_BASE_URL=http://127.0.0.1:11434/v1
//   BATON_MODEL_LOCAL_MODEL=llama3.1
//   BATON_MODEL_CLAUDE_PROVIDER=anthropic           BATON_MODEL_CLAUDE_MODEL=claude-sonnet-4-5
//   BATON_MODEL_CLAUDE_API_KEY=sk-ant-...
import { z } from 'zod';
import { configFields, loadConfig, serviceEnv } from '@baton/contracts';
import type { BudgetLimits } from './budget.js';

export const ProviderKind = z.enum(['openai-compatible', 'anthropic']);
export type ProviderKind = z.infer<typeof ProviderKind>;

export interface ModelProviderConfig {
  /** The name in BATON_MODELS; shown on spans and logs. */
  name: string;
  provider: ProviderKind;
  model: string;
  /** Required for openai-compatible (e.g. http://127.0.0.1:11434/v1 for Ollama); optional for anthropic. */
  baseUrl?: string;
  apiKey?: string;
  /** openai-compatible only: send the JSON Schema as response_format (servers that support it). */
  structuredOutputs: boolean;
}

export interface ModelConfig {
  providers: ModelProviderConfig[];
  /** Bound on one model call, repair included separately. */
  timeoutMs: number;
  /** Retries of one provider on a transient API error before the chain moves on. */
  maxRetries: number;
  /** The agent's model budget per period (models/budget.ts); undefined: none. */
  budget?: BudgetLimits;
}

const NAME = /^[a-z][a-z0-9_]{0,30}$/;
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const ChainConfig = z.object({
  BATON_MODELS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (names) => names.every((n) => NAME.test(n)),
      'must be a comma-separated list of names such as "local,claude" (lowercase letters, digits, _)',
    )
    .refine((names) => new Set(names).size === names.length, 'names must not repeat'),
  BATON_MODEL_TIMEOUT_MS: configFields.durationMs.default(30_000),
  BATON_MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** Model calls this agent may make per period (all replicas together); unset: no limit. */
  BATON_MODEL_BUDGET_CALLS: z.coerce.number().int().min(0).optional(),
  /** Input + output tokens per period; unset: no limit. */
  BATON_MODEL_BUDGET_TOKENS: z.coerce.number().int().min(0).optional(),
  BATON_MODEL_BUDGET_PERIOD_MS: configFields.durationMs.default(3_600_000),
});

/** The env variable of one provider setting: BATON_MODEL_<NAME>_<FIELD>. */
export const providerVariable = (name: string, field: string) => `BATON_MODEL_${name.toUpperCase()}_${field}`;

/** Parses the model chain; a bad value throws ConfigError naming the variable. */
export function loadModelConfig(env: Readonly<Record<string, string | undefined>> = serviceEnv()): ModelConfig {
  const chain = loadConfig(ChainConfig, env);
  const providers = chain.BATON_MODELS.map((name): ModelProviderConfig => {
    const v = (field: string) => providerVariable(name, field);
    const kind = loadConfig(z.object({ [v('PROVIDER')]: ProviderKind }), env)[v('PROVIDER')] as ProviderKind;
    const schema = z.object({
      [v('MODEL')]: z.string().min(1, 'names the model, e.g. llama3.1 or claude-sonnet-4-5'),
      [v('BASE_URL')]: kind === 'openai-compatible' ? z.url() : z.url().optional(),
      [v('API_KEY')]:
        kind === 'anthropic' ? z.string().min(1, 'an Anthropic API key is required') : z.string().optional(),
      [v('STRUCTURED_OUTPUTS')]: flag.default(false),
    });
    const parsed = loadConfig(schema, env) as Record<string, string | boolean | undefined>;
    return {
      name,
      provider: kind,
      model: parsed[v('MODEL')] as string,
      ...(parsed[v('BASE_URL')] ? { baseUrl: parsed[v('BASE_URL')] as string } : {}),
      ...(parsed[v('API_KEY')] ? { apiKey: parsed[v('API_KEY')] as string } : {}),
      structuredOutputs: parsed[v('STRUCTURED_OUTPUTS')] as boolean,
    };
  });
  const budgeted = chain.BATON_MODEL_BUDGET_CALLS !== undefined || chain.BATON_MODEL_BUDGET_TOKENS !== undefined;
  const budget: BudgetLimits | undefined = budgeted
    ? {
        ...(chain.BATON_MODEL_BUDGET_CALLS !== undefined ? { calls: chain.BATON_MODEL_BUDGET_CALLS } : {}),
        ...(chain.BATON_MODEL_BUDGET_TOKENS !== undefined ? { tokens: chain.BATON_MODEL_BUDGET_TOKENS } : {}),
        periodMs: chain.BATON_MODEL_BUDGET_PERIOD_MS,
      }
    : undefined;
  return {
    providers,
    timeoutMs: chain.BATON_MODEL_TIMEOUT_MS,
    maxRetries: chain.BATON_MODEL_MAX_RETRIES,
    ...(budget ? { budget } : {}),
  };
}
