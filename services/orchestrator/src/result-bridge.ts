// The result bridge: agent results from JetStream complete (or fail) the waiting callAgent
// activity by its task token. A result whose activity no longer waits (late after a timeout, a
// duplicate, or an activity cancelled, paused or reset meanwhile) is recognised by Temporal's
// answer and dropped. Any other failure to complete (Temporal unreachable, a token it refuses)
// is retried by redelivery, bounded by the consumer's max_deliver, and then dead-lettered with
// its reason: the activity's own timeout and retry policy then take over.
import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { ActivityCancelledError, ActivityNotFoundError, ActivityPausedError, ActivityResetError, type AsyncCompletionClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { contractSchema, contractVersionOf, consumers, streams, subjects, AgentResult, type AgentContract } from '@baton/contracts';
import { describeIssues, startConsumer, type Bus, type RunningConsumer } from '@baton/bus';
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
    handle: ({ data: result, msg, traceContext }) =>
      inSpan(
        tracer,
        `process ${msg.subject}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            ...messagingAttributes('process', msg.subject, result.taskId),
            'baton.agent': result.agent,
            'baton.workflow.id': result.workflowId,
            'baton.step': result.stepId,
            'baton.attempt': result.attempt,
            'baton.result.status': result.status,
          },
        },
        async (span) => {
          const outcome = await deliver(options.activities, options.agents, result);
          span.setAttribute('baton.bridge.outcome', outcome);
          options.logger.info({ workflowId: result.workflowId, stepId: result.stepId, attempt: result.attempt, agent: result.agent, outcome }, 'result bridged');
        },
        traceContext,
      ),
  });
}

type Outcome = 'completed' | 'failed' | 'rejected-output' | 'dropped-late' | 'dropped-not-waiting';

async function deliver(activities: AsyncCompletionClient, agents: ResultBridgeOptions['agents'], result: AgentResult): Promise<Outcome> {
  const token = new Uint8Array(Buffer.from(result.taskToken, 'base64'));
  try {
    if (result.status === 'error') {
      const { code, message, retryable, details } = result.error;
      await activities.fail(token, ApplicationFailure.create({ type: code, message, nonRetryable: !retryable, ...(details !== undefined ? { details: [details] } : {}) }));
      return 'failed';
    }
    const contract = agents.get(result.agent);
    // The output is read as the version this orchestrator's workflow code expects.
    const answered = result.contractVersion ?? 1;
    if (contract && answered !== contractVersionOf(contract)) {
      const reason = `${result.agent} answered version ${answered} of its contract; the workflow expects version ${contractVersionOf(contract)}`;
      await activities.fail(token, ApplicationFailure.nonRetryable(reason, 'CONTRACT_VERSION_MISMATCH'));
      return 'rejected-output';
    }
    const checked = contract && contractSchema(contract, result.kind, 'output')?.safeParse(result.output);
    if (!checked?.success) {
      // Invalid output never reaches workflow state: the attempt fails and is retried.
      const reason = checked ? describeIssues(checked.error.issues) : `no registered workflow declares a ${result.kind} output for agent ${result.agent}`;
      await activities.fail(token, ApplicationFailure.retryable(`${result.agent} output breaks its contract: ${reason}`, 'INVALID_OUTPUT'));
      return 'rejected-output';
    }
    await activities.complete(token, checked.data);
    return 'completed';
  } catch (err) {
    if (err instanceof ActivityNotFoundError) return 'dropped-late';
    if (err instanceof ActivityCancelledError || err instanceof ActivityPausedError || err instanceof ActivityResetError) return 'dropped-not-waiting';
    throw err;
  }
}
