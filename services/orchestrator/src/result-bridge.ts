// The result bridge: agent results from JetStream complete (or fail) the waiting callAgent
// activity by its task token. A result whose activity is gone (late after a timeout, or a
// duplicate) is recognised by Temporal's NotFound answer and dropped.
import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { ActivityNotFoundError, type AsyncCompletionClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { agentSchema, consumers, streams, subjects, AgentResult } from '@baton/contracts';
import { describeIssues, startConsumer, type Bus, type RunningConsumer } from '@baton/bus';
import { inSpan, type Logger } from '@baton/telemetry';

export interface ResultBridgeOptions {
  bus: Bus;
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
            'messaging.system': 'nats',
            'messaging.operation.type': 'process',
            'messaging.destination.name': msg.subject,
            'messaging.message.id': result.taskId,
            'baton.agent': result.agent,
            'baton.workflow.id': result.workflowId,
            'baton.step': result.stepId,
            'baton.attempt': result.attempt,
            'baton.result.status': result.status,
          },
        },
        async (span) => {
          const outcome = await deliver(options.activities, result);
          span.setAttribute('baton.bridge.outcome', outcome);
          options.logger.info({ workflowId: result.workflowId, stepId: result.stepId, attempt: result.attempt, agent: result.agent, outcome }, 'result bridged');
        },
        traceContext,
      ),
  });
}

type Outcome = 'completed' | 'failed' | 'rejected-output' | 'dropped-late';

async function deliver(activities: AsyncCompletionClient, result: AgentResult): Promise<Outcome> {
  const token = new Uint8Array(Buffer.from(result.taskToken, 'base64'));
  try {
    if (result.status === 'error') {
      const { code, message, retryable } = result.error;
      await activities.fail(token, ApplicationFailure.create({ type: code, message, nonRetryable: !retryable }));
      return 'failed';
    }
    const checked = agentSchema(result.agent, result.kind, 'output')?.safeParse(result.output);
    if (!checked?.success) {
      // Invalid output never reaches workflow state: the attempt fails and is retried.
      const reason = checked ? describeIssues(checked.error.issues) : 'no output schema';
      await activities.fail(token, ApplicationFailure.retryable(`${result.agent} output breaks its contract: ${reason}`, 'INVALID_OUTPUT'));
      return 'rejected-output';
    }
    await activities.complete(token, checked.data);
    return 'completed';
  } catch (err) {
    if (err instanceof ActivityNotFoundError) return 'dropped-late';
    throw err;
  }
}
