// Benchmark fixture: a chain of handoffs to the echo agent through callAgent, nothing else. The
// bench (bench/) runs it beside the same chain of plain Temporal activities, so the difference
// is what Baton's durable handoff costs. Deliberately not on the kit's run (no states, queries
// or search attributes): they would add Temporal work the floor does not have.
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { callAgent } from '@baton/workflow-kit/workflow';
import type { SampleAgents } from './contracts.js';

export interface BenchChainInput {
  /** Handoffs in sequence: 1 for a single handoff, 6 for the six-step chain. */
  steps: number;
  text: string;
}

export async function benchChainWorkflow(input: BenchChainInput): Promise<{ text: string; steps: number }> {
  let text = input.text;
  for (let step = 1; step <= input.steps; step++) {
    ({ text } = await callAgent<SampleAgents, 'echo'>('echo', `echo-${step}`, { text }));
  }
  return { text, steps: input.steps };
}

/** Released by `releaseSignal`; `stageQuery` says whether its handoff is done. */
export const releaseSignal = defineSignal('release');
export const stageQuery = defineQuery<'handing off' | 'waiting'>('stage');

/** Benchmark fixture for the orchestrator's memory per cached workflow: the same handoffs, then
 *  the workflow waits (kept in the worker's cache) until it is released. */
export async function benchWaitWorkflow(input: BenchChainInput): Promise<{ text: string; steps: number }> {
  let released = false;
  let stage: 'handing off' | 'waiting' = 'handing off';
  setHandler(releaseSignal, () => void (released = true));
  setHandler(stageQuery, () => stage);
  const result = await benchChainWorkflow(input);
  stage = 'waiting';
  await condition(() => released);
  return result;
}
