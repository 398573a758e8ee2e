// Workflow side of the durable handoff: run one agent step as an asynchronously completed
// activity, with the step's timeouts and retry policy. Typed by the workflow's own agent
// contracts (types only: the result bridge has already validated the output against the
// contract, so no zod is loaded into the workflow sandbox).
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { AgentTable, ContractInput, ContractOutput } from '@baton/contracts';
import type { HandoffActivities } from '../activities/handoff.js';
import { kitPatches } from './patches.js';

type Duration = NonNullable<ActivityOptions['startToCloseTimeout']>;

export interface StepPolicy {
  /** One attempt: task published, agent ran, result bridged. */
  startToCloseTimeout: Duration;
  /** All attempts of the step together. */
  scheduleToCloseTimeout?: Duration;
  maximumAttempts?: number;
  initialInterval?: Duration;
  maximumInterval?: Duration;
}

/** Defaults for an agent step: an agent answers in seconds; if it is down, retry for 10 minutes. */
export const DEFAULT_STEP_POLICY: StepPolicy = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  initialInterval: '1 second',
};

/** Error codes no retry can fix. Agents also mark their errors retryable or not; this list
 *  guards the codes Baton itself produces. */
export const NON_RETRYABLE_CODES = [
  'INVALID_INPUT',
  'NOT_SUPPORTED',
  'WRONG_AGENT',
  'CONTRACT_VERSION_UNSUPPORTED',
  'CONTRACT_VERSION_MISMATCH',
];

/** The activity id of one agent step: `run/intake/intake`. Every step is the same activity type
 *  (callAgent), so without it replay could not tell two swapped steps apart (Temporal compares
 *  the type and id of each scheduled activity, not its input). Runs started before the kit's
 *  `step-activity-ids` patch keep the default ids (a sequence number). */
export function stepActivityId(request: {
  agent: string;
  kind: 'run' | 'compensate';
  stepId: string;
  round?: number;
}): string | undefined {
  if (!kitPatches.has('step-activity-ids')) return undefined;
  return `${request.kind}/${request.agent}/${request.stepId}${request.round ? `/r${request.round}` : ''}`;
}

/** The handoff activity with a step's timeouts and retry policy (and its activity id). */
export function stepActivities(policy: StepPolicy, activityId?: string): HandoffActivities {
  return proxyActivities<HandoffActivities>({
    ...(activityId ? { activityId } : {}),
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

/** Runs one agent step and returns its contract-checked output: for workflows that want the bare
 *  handoff without the kit's run (the benchmark's chain). Workflows on the kit use `run.step`. */
export async function callAgent<T extends AgentTable, A extends keyof T & string>(
  agent: A,
  stepId: string,
  input: ContractInput<T[A]>,
  policy: StepPolicy = DEFAULT_STEP_POLICY,
): Promise<ContractOutput<T[A]>> {
  return (await stepActivities(policy, stepActivityId({ agent, kind: 'run', stepId })).callAgent({
    agent,
    kind: 'run',
    stepId,
    input,
  })) as ContractOutput<T[A]>;
}
