// The activity half of the durable handoff: publish the task for an agent and return without a
// result. The orchestrator's result bridge completes the activity by its task token when the
// agent's result arrives; Temporal's timeouts and retries govern the agent like a local activity.
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { contractVersionOf, subjects, type AgentContract, type AgentTask, type TaskKind } from '@baton/contracts';
import { publishJson, sealTask, type Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';

export interface CallAgentRequest {
  agent: string;
  kind: TaskKind;
  stepId: string;
  input: unknown;
  /** Set when a person asked for the step again at an attention gate: the task id must differ
   *  from the first round's (JetStream deduplicates by it); the idempotency key does not. */
  round?: number;
  /** Outputs whose JSON is longer than `limit` characters come back by reference (AgentTask.byReference). */
  byReference?: { limit: number };
}

export interface HandoffActivities {
  callAgent(request: CallAgentRequest): Promise<unknown>;
  /** Publishes a notice (an envelope of type `type`) on baton.notices.<type>, once per id. */
  publishNotice(notice: { id: string; type: string; subject: string; data: unknown }): Promise<void>;
}

/** `agents`: the registered contracts; each task carries the version of its agent's contract
 *  that this orchestrator's workflow code expects (without it, 1). */
export function createHandoffActivities(deps: {
  bus: Bus;
  logger: Logger;
  agents?: ReadonlyMap<string, AgentContract>;
  /** Seals every task to its agent (see @baton/bus seal.ts); the result bridge checks it with the same key. */
  sealKey?: string;
}): HandoffActivities {
  return {
    async callAgent(request) {
      const { info } = Context.current();
      if (!info.workflowExecution) throw new Error('callAgent runs only inside a workflow');
      const { workflowId, runId } = info.workflowExecution;
      const startToCloseMs = info.startToCloseTimeoutMs ?? 30_000;
      const task: AgentTask = {
        taskId: `${workflowId}/${runId}/${request.stepId}/${request.round ? `r${request.round}/` : ''}${info.attempt}`,
        agent: request.agent,
        kind: request.kind,
        workflowId,
        runId,
        stepId: request.stepId,
        attempt: info.attempt,
        taskToken: Buffer.from(info.taskToken).toString('base64'),
        deadline: new Date(info.currentAttemptScheduledTimestampMs + startToCloseMs).toISOString(),
        contractVersion: contractVersionOf(deps.agents?.get(request.agent) ?? {}),
        input: request.input,
        ...(request.byReference ? { byReference: request.byReference } : {}),
      };
      if (deps.sealKey) task.seal = sealTask(deps.sealKey, task);
      await publishJson(deps.bus.js, subjects.task(request.agent), task, { msgID: `task:${task.taskId}` });
      deps.logger.info(
        { workflowId, stepId: request.stepId, agent: request.agent, attempt: info.attempt },
        'task published',
      );
      throw new CompleteAsyncError();
    },
    async publishNotice(notice) {
      const envelope = {
        id: notice.id,
        source: 'urn:baton:orchestrator',
        specversion: '1.0',
        type: notice.type,
        time: new Date().toISOString(),
        subject: notice.subject,
        datacontenttype: 'application/json',
        idempotencykey: notice.id,
        data: notice.data,
      };
      await publishJson(deps.bus.js, subjects.notice(notice.type), envelope, { msgID: `notice:${notice.id}` });
    },
  };
}
