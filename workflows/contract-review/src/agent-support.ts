// What every contract-review agent shares outside the workflow sandbox: the injected step
// failure the reliability report measures. Five of the six steps call no external system of
// their own that a simulator could fail (the model chain falls back to rules by design), so the
// report injects their 3% where a failing dependency would surface: at the start of the handler,
// before any work, as the retryable error a flaky dependency gives. The sixth step (filing) is
// failed by its simulator's own `/_faults`. Off (0) unless BATON_CONTRACT_FAULT_RATE says so.
// Beside errors, the model-backed steps can answer wrong (BATON_CONTRACT_WRONG_RATE, see
// wrong-answers.ts): an answer that passes the contract and is wrong in content.
import { z } from 'zod';
import { AgentError } from '@baton/agent';
import { wrongDraw, type WrongAnswerConfig } from './wrong-answers.js';

export { WrongAnswerConfig, wrongClassification, wrongDraft, wrongExtraction } from './wrong-answers.js';

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

/** The wrong-answer draw for one task of a model-backed agent (see wrong-answers.ts), from its
 *  config: a generator to shape the wrong answer with, or undefined when the answer stands. */
export function wrongAnswerFor(
  config: WrongAnswerConfig,
  ctx: { workflowId: string; stepId: string },
): (() => number) | undefined {
  return wrongDraw(
    config.BATON_CONTRACT_WRONG_RATE ?? 0,
    config.BATON_CONTRACT_WRONG_SEED ?? 1,
    ctx.workflowId,
    ctx.stepId,
  );
}
