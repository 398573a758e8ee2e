// An agent's budget of model calls: at most N calls and/or T tokens (input + output) per period,
// counted for the agent across all its replicas in the JetStream KV bucket baton_model_budgets
// (key `<agent>.<period start>`, compare-and-set, so two replicas never lose a count). A call is
// reserved before it is made; its tokens are added when it answers. Past the budget the call is
// not made: the step fails with the non-retryable MODEL_BUDGET_EXCEEDED, which the workflow kit's
// attention gate hands to a person with the whole case (retrying within the period cannot help).
//
//   BATON_MODEL_BUDGET_CALLS=500  BATON_MODEL_BUDGET_TOKENS=200000  BATON_MODEL_BUDGET_PERIOD_MS=3600000
//
// Unset: no budget, and nothing is counted. Periods are fixed windows (hour 10:00-11:00, ...),
// so a burst at a window's end and its next start may use up to twice a budget in one period.
import { Kvm } from '@nats-io/kv';
import { buckets } from '@baton/contracts';
import { isRevisionConflict, type Bus, type KV } from '@baton/bus';
import { AgentError } from '../errors.js';

export interface BudgetLimits {
  /** Model calls per period (each provider request, a repair included). */
  calls?: number;
  /** Input + output tokens per period, as the providers report them. */
  tokens?: number;
  periodMs: number;
}

interface Usage {
  calls: number;
  tokens: number;
}

export class ModelBudgetExceededError extends AgentError {
  constructor(agent: string, what: string, periodStart: number, periodMs: number) {
    super(
      'MODEL_BUDGET_EXCEEDED',
      `agent ${agent} has used its model budget (${what}) for the period from ${new Date(periodStart).toISOString()} to ${new Date(periodStart + periodMs).toISOString()}; no model was called. A person may retry after the period, or raise BATON_MODEL_BUDGET_CALLS / BATON_MODEL_BUDGET_TOKENS`,
      false,
    );
  }
}

export class ModelBudget {
  constructor(
    private readonly kv: KV | undefined,
    readonly agent: string,
    readonly limits: BudgetLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** The agent's budget; without limits no bucket is opened and nothing is counted. */
  static async open(bus: Bus, agent: string, limits: BudgetLimits | undefined): Promise<ModelBudget> {
    const enabled = limits && (limits.calls !== undefined || limits.tokens !== undefined);
    return new ModelBudget(
      enabled ? await new Kvm(bus.js).create(buckets.modelBudgets) : undefined,
      agent,
      limits ?? { periodMs: 3_600_000 },
    );
  }

  /** No limits: every method is a no-op. */
  get enabled(): boolean {
    return this.kv !== undefined && (this.limits.calls !== undefined || this.limits.tokens !== undefined);
  }

  private key(): { key: string; periodStart: number } {
    const periodStart = Math.floor(this.now() / this.limits.periodMs) * this.limits.periodMs;
    return { key: `${this.agent}.${periodStart}`, periodStart };
  }

  /** Counts one call, or throws ModelBudgetExceededError without counting it. */
  async reserve(): Promise<void> {
    if (!this.enabled) return;
    const { key, periodStart } = this.key();
    await this.change(key, (u) => {
      if (this.limits.calls !== undefined && u.calls >= this.limits.calls)
        throw new ModelBudgetExceededError(
          this.agent,
          `${u.calls} of ${this.limits.calls} calls`,
          periodStart,
          this.limits.periodMs,
        );
      if (this.limits.tokens !== undefined && u.tokens >= this.limits.tokens)
        throw new ModelBudgetExceededError(
          this.agent,
          `${u.tokens} of ${this.limits.tokens} tokens`,
          periodStart,
          this.limits.periodMs,
        );
      return { calls: u.calls + 1, tokens: u.tokens };
    });
  }

  /** Adds the tokens a call used (after it answered). */
  async spend(tokens: number): Promise<void> {
    if (!this.enabled || !(tokens > 0)) return;
    await this.change(this.key().key, (u) => ({ calls: u.calls, tokens: u.tokens + tokens }));
  }

  /** What the current period has used. */
  async usage(): Promise<Usage> {
    const entry = this.kv ? await this.kv.get(this.key().key) : null;
    return entry && entry.operation === 'PUT' ? entry.json<Usage>() : { calls: 0, tokens: 0 };
  }

  private async change(key: string, next: (u: Usage) => Usage): Promise<void> {
    const kv = this.kv!;
    for (let attempt = 0; attempt < 50; attempt++) {
      const entry = await kv.get(key);
      const current = entry && entry.operation === 'PUT' ? entry.json<Usage>() : { calls: 0, tokens: 0 };
      const value = JSON.stringify(next(current));
      try {
        if (entry) await kv.update(key, value, entry.revision);
        else await kv.create(key, value);
        return;
      } catch (err) {
        if (!isRevisionConflict(err)) throw err;
      }
    }
    throw new AgentError(
      'MODEL_BUDGET_UNAVAILABLE',
      `could not count a model call of agent ${this.agent}: the budget record kept changing`,
      true,
    );
  }
}
