// One agent step on its own, through the real handoff: for trying an agent (a new one, from a
// script or a test) with the same contract validation as any workflow step, and a bounded
// number of attempts so a broken agent fails fast instead of retrying for ten minutes.
import { DEFAULT_STEP_POLICY, stepActivities, stepActivityId } from './call-agent.js';

export interface AgentStepInput {
  agent: string;
  /** Checked against the agent's input contract by the agent. */
  input: unknown;
  stepId?: string;
  /** Default 3. */
  maximumAttempts?: number;
}

export async function agentStepWorkflow(request: AgentStepInput): Promise<unknown> {
  const policy = { ...DEFAULT_STEP_POLICY, maximumAttempts: request.maximumAttempts ?? 3 };
  const step = { agent: request.agent, kind: 'run' as const, stepId: request.stepId ?? 'step' };
  return stepActivities(policy, stepActivityId(step)).callAgent({ ...step, input: request.input });
}
