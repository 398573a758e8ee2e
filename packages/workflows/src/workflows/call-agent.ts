// Workflow side of the durable handoff: run one agent step as an asynchronously completed activity,
// with the step's timeouts and retry policy, and validate what comes back against the contract.
import { ApplicationFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { agentSchema, type AgentInput, type AgentName, type AgentOutput, type CompensableAgent, type CompensationInput, type CompensationOutput } from '@baton/contracts';
import type { HandoffActivities } from '../activities/handoff.js';

export interface StepPolicy {
  /** One attempt: task published, agent ran, result bridged. */
  startToCloseTimeout: ActivityOptions['startToCloseTimeout'];
  /** All attempts of the step together. */
  scheduleToCloseTimeout?: ActivityOptions['scheduleToCloseTimeout'];
  maximumAttempts?: number;
  initialInterval?: Duration;
  maximumInterval?: Duration;
}

type Duration = NonNullable<ActivityOptions['startToCloseTimeout']>;

/** Defaults for an agent step: an agent answers in seconds; if it is down, retry for 10 minutes. */
export const DEFAULT_STEP_POLICY: StepPolicy = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  initialInterval: '1 second',
};

/** Error codes no retry can fix. Agents also mark their errors retryable or not; this list
 *  guards the codes Baton itself produces. */
export const NON_RETRYABLE_CODES = ['INVALID_INPUT', 'NOT_SUPPORTED', 'WRONG_AGENT'];

function activitiesFor(policy: StepPolicy) {
  return proxyActivities<HandoffActivities>({
    startToCloseTimeout: policy.startToCloseTimeout,
    scheduleToCloseTimeout: policy.scheduleToCloseTimeout,
    retry: {
      initialInterval: policy.initialInterval ?? '1 second',
      backoffCoefficient: 2,
      maximumInterval: policy.maximumInterval ?? '30 seconds',
      // Unset means unlimited: the schedule-to-close timeout bounds the step instead.
      ...(policy.maximumAttempts ? { maximumAttempts: policy.maximumAttempts } : {}),
      nonRetryableErrorTypes: NON_RETRYABLE_CODES,
    },
  });
}

export async function callAgent<A extends AgentName>(agent: A, stepId: string, input: AgentInput<A>, policy: StepPolicy = DEFAULT_STEP_POLICY): Promise<AgentOutput<A>> {
  const raw = await activitiesFor(policy).callAgent({ agent, kind: 'run', stepId, input });
  return parseOutput(agent, 'run', raw) as AgentOutput<A>;
}

export async function compensateAgent<A extends CompensableAgent>(agent: A, stepId: string, input: CompensationInput<A>, policy: StepPolicy = DEFAULT_STEP_POLICY): Promise<CompensationOutput<A>> {
  const raw = await activitiesFor(policy).callAgent({ agent, kind: 'compensate', stepId, input });
  return parseOutput(agent, 'compensate', raw) as CompensationOutput<A>;
}

function parseOutput(agent: AgentName, kind: 'run' | 'compensate', raw: unknown): unknown {
  const schema = agentSchema(agent, kind, 'output');
  const parsed = schema?.safeParse(raw);
  if (!parsed?.success) {
    // The bridge validates too; reaching this means a contract changed under a running workflow.
    throw ApplicationFailure.nonRetryable(`${agent} returned output that breaks its contract`, 'INVALID_OUTPUT');
  }
  return parsed.data;
}
