// Experiment fixture for replay-cost.ts, never run by a worker: benchChainWorkflow's exact
// commands (same activity, arguments and options as callAgent) with nothing imported but
// @temporalio/workflow, i.e. without @baton/contracts and zod in the bundle. Replaying the bench's
// recorded histories with it shows what keeping zod out of workflow module scope would save.
import { proxyActivities } from '@temporalio/workflow';

interface CallAgentRequest {
  agent: string;
  kind: 'run';
  stepId: string;
  input: { text: string };
}

const { callAgent } = proxyActivities<{ callAgent(request: CallAgentRequest): Promise<{ text: string }> }>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['INVALID_INPUT', 'NOT_SUPPORTED', 'WRONG_AGENT'] },
});

export async function benchChainWorkflow(input: { steps: number; text: string }): Promise<{ text: string; steps: number }> {
  let text = input.text;
  for (let step = 1; step <= input.steps; step++) {
    ({ text } = await callAgent({ agent: 'echo', kind: 'run', stepId: `echo-${step}`, input: { text } }));
  }
  return { text, steps: input.steps };
}
