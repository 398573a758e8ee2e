// The result bridge: agent results from JetStream complete (or fail) the waiting callAgent
// activity by its task token. A result whose activity no longer waits (late after a timeout, a
// duplicate, or an activity cancelled, paused or reset meanwhile) is recognised by Temporal's
// answer and dropped. Any other failure to complete (Temporal unreachable, a token it refuses)
// is retried by redelivery, bounded by the consumer's max_deliver, and then dead-lettered with
// its reason: the activity's own timeout and retry policy then take over.
//
// Who answered is read from the subject the result arrived on (baton.result.<agent>), which the
// NATS permissions let only that agent publish to, never from the body. A result whose body names
// another agent, or that does not carry the seal of a task sent to that agent (see @baton/bus
// seal.ts), is refused: dead-lettered with the reason, and its activity left to its timeout.
import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import {
  ActivityCancelledError,
  ActivityNotFoundError,
  ActivityPausedError,
  ActivityResetError,
  type AsyncCompletionClient,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  contractSchema,
  contractVersionOf,
  consumers,
  streams,
  subjects,
  AgentResult,
  type AgentContract,
} from '@baton/contracts';
import {
  PoisonMessageError,
  describeIssues,
  sealMatches,
  startConsumer,
  type Bus,
  type RunningConsumer,
} from '@baton/bus';
import { inSpan, messagingAttributes, type Logger } from '@baton/telemetry';

export interface ResultBridgeOptions {
  bus: Bus;
  /** Every registered agent's contract: outputs are checked here, before workflow code sees them. */
  agents: ReadonlyMap<string, AgentContract>;
  activities: AsyncCompletionClient;
  logger: Logger;
  tracer?: Tracer;
  ackWaitMs: number;
  concurrency: number;
  /** The key the callAgent activity seals tasks with. */
  sealKey: string;
}

const RESULT_PREFIX = subjects.result('');

/** The agent a result came from: the last token of its subject, never the body's claim. */
export function agentOfSubject(subject: string): string | undefined {
  return subject.startsWith(RESULT_PREFIX) && !subject.slice(RESULT_PREFIX.length).includes('.')
    ? subject.slice(RESULT_PREFIX.length) || undefined
    : undefined;
}

/** Why a result cannot be believed, or undefined when its subject, body and seal agree. */
export function refusalOf(subject: string, result: AgentResult, sealKey: string): string | undefined {
  const agent = agentOfSubject(subject);
  if (!agent) return `a result on ${subject}, which names no agent`;
  if (result.agent !== agent)
    return `a result on ${subject} claims to come from agent ${result.agent}; results are taken from the agent of their subject (${agent})`;
  if (
    !sealMatches(sealKey, { agent, kind: result.kind, taskId: result.taskId, taskToken: result.taskToken }, result.seal)
  ) {
    return `the result of ${agent} for task ${result.taskId} does not carry the seal of a task sent to ${agent}`;
  }
  return undefined;
}

export async function startResultBridge(options: ResultBridgeOptions): Promise<RunningConsumer> {
  const tracer = options.tracer ?? trace.getTracer('result-bridge');
  return startConsumer(options.bus, {
    stream: streams.results,
    durable: consumers.bridge,
    filterSubject: subjects.resultsAll,
    schema: AgentResult,
    rejectedBy: 'bridge',
    ackWaitMs: options.ackWaitMs,
    concurrency: options.concurrency,
    logger: options.logger,
    handle: ({ data: result, msg, traceContext }) => {
      const refusal = refusalOf(msg.subject, result, options.sealKey);
      if (refusal) {
        options.logger.warn(
          { subject: msg.subject, workflowId: result.workflowId, stepId: result.stepId, claimed: result.agent },
          'result refused: its agent does not match its task',
        );
        throw new PoisonMessageError(`refused: ${refusal}`);
      }
      const agent = agentOfSubject(msg.subject)!;
      return inSpan(
        tracer,
        `process ${msg.subject}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            ...messagingAttributes('process', msg.subject, result.taskId),
            'baton.agent': agent,
            'baton.workflow.id': result.workflowId,
            'baton.step': result.stepId,
            'baton.attempt': result.attempt,
            'baton.result.status': result.status,
          },
        },
        async (span) => {
          const outcome = await deliver(options.activities, options.agents, agent, result);
          span.setAttribute('baton.bridge.outcome', outcome);
          options.logger.info(
            { workflowId: result.workflowId, stepId: result.stepId, attempt: result.attempt, agent, outcome },
            'result bridged',
          );
        },
        traceContext,
      );
    },
  });
}

type Outcome = 'completed' | 'failed' | 'rejected-output' | 'dropped-late' | 'dropped-not-waiting';

async function deliver(
  activities: AsyncCompletionClient,
  agents: ResultBridgeOptions['agents'],
  agent: string,
  result: AgentResult,
): Promise<Outcome> {
  const token = new Uint8Array(Buffer.from(result.taskToken, 'base64'));
  try {
    if (result.status === 'error') {
      const { code, message, retryable, details } = result.error;
      await activities.fail(
        token,
        ApplicationFailure.create({
          type: code,
          message,
          nonRetryable: !retryable,
          ...(details !== undefined ? { details: [details] } : {}),
        }),
      );
      return 'failed';
    }
    const contract = agents.get(agent);
    // The output is read as the version this orchestrator's workflow code expects.
    const answered = result.contractVersion ?? 1;
    if (contract && answered !== contractVersionOf(contract)) {
      const reason = `${agent} answered version ${answered} of its contract; the workflow expects version ${contractVersionOf(contract)}`;
      await activities.fail(token, ApplicationFailure.nonRetryable(reason, 'CONTRACT_VERSION_MISMATCH'));
      return 'rejected-output';
    }
    if (result.outputRef) {
      // Asked for by reference (a large output): the agent checked it against its contract
      // before it stored it; the workflow gets the reference, never the bytes.
      await activities.complete(token, { byReference: result.outputRef });
      return 'completed';
    }
    const checked = contract && contractSchema(contract, result.kind, 'output')?.safeParse(result.output);
    if (!checked?.success) {
      // Invalid output never reaches workflow state: the attempt fails and is retried.
      const reason = checked
        ? describeIssues(checked.error.issues)
        : `no registered workflow declares a ${result.kind} output for agent ${agent}`;
      await activities.fail(
        token,
        ApplicationFailure.retryable(`${agent} output breaks its contract: ${reason}`, 'INVALID_OUTPUT'),
      );
      return 'rejected-output';
    }
    await activities.complete(token, checked.data);
    return 'completed';
  } catch (err) {
    if (err instanceof ActivityNotFoundError) return 'dropped-late';
    if (
      err instanceof ActivityCancelledError ||
      err instanceof ActivityPausedError ||
      err instanceof ActivityResetError
    )
      return 'dropped-not-waiting';
    throw err;
  }
}
