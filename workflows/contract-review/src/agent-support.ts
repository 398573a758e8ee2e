// What every contract-review agent shares outside the workflow sandbox: the injected step
// failure the reliability report measures. Five of the six steps call no external system of
// their own that a simulator could fail (the model chain falls back to rules by design), so the
// report injects their 3% where a failing dependency would surface: at the start of the handler,
// before any work, as the retryable error a flaky dependency gives. The sixth step (filing) is
// failed by its simulator's own `/_faults`. Off (0) unless BATON_CONTRACT_FAULT_RATE says so.
import { z } from 'zod';
import { AgentError } from '@baton/agent';

export const ContractFaultConfig = z.object({
  /** Share of tasks each contract-review agent fails before doing anything, 0..1 (tests only). */
  BATON_CONTRACT_FAULT_RATE: z.coerce.number().min(0).max(1).default(0),
});
export type ContractFaultConfig = z.output<typeof ContractFaultConfig>;

export class InjectedFaultError extends AgentError {
  constructor(agent: string) {
    super('INJECTED_FAULT', `${agent}: injected failure (BATON_CONTRACT_FAULT_RATE)`, true);
  }
}

/** Throws a retryable InjectedFaultError with probability `rate`. */
export function injectFault(agent: string, rate: number, random: () => number = Math.random): void {
  if (rate > 0 && random() < rate) throw new InjectedFaultError(agent);
}
