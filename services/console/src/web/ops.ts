// What the operations views show, gathered from Temporal visibility, the metrics endpoints and
// the dead-letter stream; and the replay of a dead letter.
import type { Client } from '@temporalio/client';
import { AnyEventEnvelope, streams, subjects, type DeadLetter } from '@baton/contracts';
import { describeIssues, publishJson, type Bus } from '@baton/bus';
import { BatonState, BatonStateSince, type Registry } from '@baton/workflow-kit/internal';
import { approverDeliveries, breakerStates, errorsByCause, latencyByAgent, scrapeAll } from './metrics.js';

export interface OpsView {
  windowMs: number;
  outcomes: Array<{ workflowType: string; counts: Record<string, number>; successRate?: number }>;
  latency: ReturnType<typeof latencyByAgent>;
  errors: ReturnType<typeof errorsByCause>;
  breakers: ReturnType<typeof breakerStates>;
  /** Approvers told that a gate waits for them, per channel and outcome. */
  approverDeliveries?: ReturnType<typeof approverDeliveries>;
  unreachable: string[];
  deadLetters: Array<DeadLetter & { seq: number }>;
  stuck: Array<{ workflowId: string; state: string; since?: string }>;
}

export async function gatherOps(
  deps: { registry: Registry; temporal: Client; bus: Bus; metricsTargets: Record<string, string> },
  windowMs: number,
): Promise<OpsView> {
  const since = new Date(Date.now() - windowMs).toISOString();
  // Per registered workflow with declared end states, queried side by side, in the states' order.
  const outcomes = await Promise.all(
    [...deps.registry.workflows.values()]
      .filter((w) => w.definition.terminal.length > 0)
      .map(async ({ definition }) => {
        const counts: Record<string, number> = Object.fromEntries(
          await Promise.all(
            definition.terminal.map(async (state) => {
              const { count } = await deps.temporal.workflow.count(
                `BatonWorkflowType = "${definition.type}" AND BatonState = "${state}" AND StartTime > "${since}"`,
              );
              return [state, count] as const;
            }),
          ),
        );
        const ended = Object.values(counts).reduce((a, b) => a + b, 0);
        // Ended as intended: the states the workflow declares as such (else every end state).
        const succeeded = (definition.succeeded ?? definition.terminal).reduce((sum, s) => sum + (counts[s] ?? 0), 0);
        return { workflowType: definition.type, counts, ...(ended > 0 ? { successRate: succeeded / ended } : {}) };
      }),
  );

  const stuck: OpsView['stuck'] = [];
  for await (const wf of deps.temporal.workflow.list({
    query: 'BatonStuck = true AND ExecutionStatus = "Running"',
    pageSize: 100,
  })) {
    stuck.push({
      workflowId: wf.workflowId,
      state: wf.typedSearchAttributes.get(BatonState) ?? '?',
      since: wf.typedSearchAttributes.get(BatonStateSince)?.toISOString(),
    });
    if (stuck.length >= 100) break;
  }

  const { samples, unreachable } = await scrapeAll(deps.metricsTargets);
  return {
    windowMs,
    outcomes,
    latency: latencyByAgent(samples),
    errors: errorsByCause(samples),
    breakers: breakerStates(samples),
    approverDeliveries: approverDeliveries(samples),
    unreachable: unreachable.sort(),
    deadLetters: await readDeadLetters(deps.bus, 100),
    stuck,
  };
}

/** The newest `limit` dead letters, newest first. */
export async function readDeadLetters(bus: Bus, limit: number): Promise<Array<DeadLetter & { seq: number }>> {
  const info = await bus.jsm.streams.info(streams.deadLetters);
  const { first_seq: first, last_seq: last, messages } = info.state;
  if (messages === 0) return [];
  const out: Array<DeadLetter & { seq: number }> = [];
  for (let seq = last; seq >= first && out.length < limit; seq--) {
    try {
      const m = await bus.jsm.streams.getMessage(streams.deadLetters, { seq });
      if (m) out.push({ ...m.json<DeadLetter>(), seq });
    } catch {
      // A gap in the sequence (limits retention): keep going.
    }
  }
  return out;
}

export class ReplayError extends Error {
  readonly code = 'REPLAY_REFUSED';
  readonly retryable = false;
}

/**
 * Replays a dead-lettered event from an existing system: the stored payload, or a corrected one,
 * is published again to its event subject with a new message id. The gateway validates it as
 * it does every event; a replay of a still-invalid event is dead-lettered again with the reason.
 */
export async function replayDeadLetter(
  bus: Bus,
  seq: number,
  correctedPayload?: string,
): Promise<{ subject: string; eventId: string }> {
  const stored = await bus.jsm.streams.getMessage(streams.deadLetters, { seq }).catch(() => undefined);
  if (!stored) throw new ReplayError(`no dead letter with sequence ${seq}`);
  const letter = stored.json<DeadLetter>();
  if (letter.rejectedBy !== 'gateway')
    throw new ReplayError(
      `only events refused by the gateway can be replayed here; this one was refused by ${letter.rejectedBy}`,
    );
  const text = correctedPayload?.trim() ? correctedPayload : letter.payload;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new ReplayError(`the payload is not JSON: ${(err as Error).message}`);
  }
  const envelope = AnyEventEnvelope.safeParse(payload);
  if (!envelope.success)
    throw new ReplayError(`the payload is not an event envelope: ${describeIssues(envelope.error.issues)}`);
  const subject = subjects.event(envelope.data.type);
  await publishJson(bus.js, subject, payload, { msgID: `replay:${seq}:${envelope.data.id}:${Date.now()}` });
  return { subject, eventId: envelope.data.id };
}
