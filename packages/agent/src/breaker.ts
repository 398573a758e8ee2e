// One circuit breaker per external system, per agent process (cockatiel's CountBreaker): it
// opens when more than 30% of the last 10 calls failed, lets one probe through after a
// cool-down (half-open), and closes again on a success. While it is open, calls fail at once
// with a retryable BREAKER_OPEN error, so the workflow's retry policy backs off instead of
// every task hammering a system that is down.
//
// Replicas: each agent process keeps its own breaker. With N replicas each one must see its own
// 10 failures before it opens, so a dead system takes up to N x 10 calls to be cut off, and one
// replica may still probe while another is open. That is deliberate: a shared breaker (in KV)
// would add a NATS round trip to every external call and a single point of failure to every
// agent, for a saving of a few calls per replica. Metrics carry the replica's view per system.
import { metrics } from '@opentelemetry/api';
import {
  BrokenCircuitError,
  CircuitState,
  CountBreaker,
  circuitBreaker,
  handleType,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Logger } from '@baton/telemetry';
import { AgentError, ExternalSystemError } from './errors.js';

export interface BreakerOptions {
  /** Share of failed calls in the window that opens the breaker. */
  failureThreshold: number;
  /** Calls in the sliding window. */
  windowSize: number;
  /** Time the breaker stays open before a probe is let through. */
  cooldownMs: number;
}

/** The policy: open at more than 30% failures over the last 10 calls. */
export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 0.3, windowSize: 10, cooldownMs: 10_000 };

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};
/** Gauge values: 0 closed, 1 half-open, 2 open (isolated counts as open). */
const STATE_VALUES: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 2 };

export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly agent: string,
    private readonly logger: Logger,
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
  ) {
    metrics
      .getMeter('baton-agent')
      .createObservableGauge('baton.breaker.state', {
        description: 'Circuit breaker state per external system: 0 closed, 1 half-open, 2 open',
      })
      .addCallback((result) => {
        for (const [system, policy] of this.breakers)
          result.observe(STATE_VALUES[STATE_NAMES[policy.state]], {
            'baton.agent': this.agent,
            'baton.external_system': system,
          });
      });
  }

  state(system: string): BreakerStateName {
    const policy = this.breakers.get(system);
    return policy ? STATE_NAMES[policy.state] : 'closed';
  }

  /** Runs fn through the system's breaker. Only ExternalSystemError counts as a failure:
   *  a 4xx business answer says the system works. */
  async run<T>(system: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policyFor(system).execute(fn);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new AgentError(
          'BREAKER_OPEN',
          `${system}: circuit open after repeated failures; retry after the cool-down`,
          true,
        );
      }
      throw err;
    }
  }

  private policyFor(system: string): CircuitBreakerPolicy {
    let policy = this.breakers.get(system);
    if (!policy) {
      policy = circuitBreaker(handleType(ExternalSystemError), {
        halfOpenAfter: this.options.cooldownMs,
        breaker: new CountBreaker({ threshold: this.options.failureThreshold, size: this.options.windowSize }),
      });
      policy.onStateChange((state) =>
        this.logger.warn({ breaker: system, state: STATE_NAMES[state] }, 'circuit breaker state changed'),
      );
      this.breakers.set(system, policy);
    }
    return policy;
  }
}
