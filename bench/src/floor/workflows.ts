// The Temporal floor: the same chain as benchChainWorkflow (packages/workflows), with a plain
// activity in place of callAgent. Same timeouts and retry policy as callAgent's defaults, so the
// only difference between the two is the transport of each step.
import { proxyActivities } from '@temporalio/workflow';
import type { EchoMessage, FloorActivities } from './activities.js';

/** Mirrors DEFAULT_STEP_POLICY of callAgent (packages/workflows/src/workflows/call-agent.ts). */
const { echo } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export interface FloorChainInput extends EchoMessage {
  steps: number;
}

export async function floorChainWorkflow(input: FloorChainInput): Promise<{ text: string; steps: number }> {
  let text = input.text;
  for (let step = 1; step <= input.steps; step++) {
    ({ text } = await echo({ text }));
  }
  return { text, steps: input.steps };
}
