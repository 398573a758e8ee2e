// Events for a workflow that is already running (a bill's payment, for the workflow that holds
// the bill's reminders): validated against the type's registered schema, then delivered as a
// Temporal signal to the workflow the route names. A replayed event signals again; the
// workflows' signal handlers are idempotent (a bill paid twice is paid). An event for a workflow
// that already finished has nothing left to change (recorded as `closed`); one for a workflow that
// never existed is a dead letter with that reason, never dropped silently.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AnyEventEnvelope } from '@baton/contracts';
import { describeIssues } from '@baton/bus';
import type { Registry } from '@baton/workflow-kit';

export interface SignalDelivery {
  workflowType: string;
  workflowId: string;
  signal: string;
  args: unknown[];
}
export type SignalValidation =
  | { ok: true; event: AnyEventEnvelope; delivery: SignalDelivery }
  | { ok: false; reason: string };

/** Undefined when the payload's type is not a signal route (the caller validates it as a start). */
export function validateSignalEvent(registry: Registry, payload: unknown): SignalValidation | undefined {
  const type = (payload as { type?: unknown } | null)?.type;
  const routed = typeof type === 'string' ? registry.signals.get(type) : undefined;
  if (!routed) return undefined;
  const typed = routed.route.schema.safeParse(payload);
  if (!typed.success) return { ok: false, reason: `invalid ${String(type)}: ${describeIssues(typed.error.issues)}` };
  const event = typed.data as AnyEventEnvelope;
  return {
    ok: true,
    event,
    delivery: { workflowType: routed.workflow.definition.type, ...routed.route.signal(event) },
  };
}

/** Signals the workflow: 'closed' when it already finished, 'not-running' when there is none. */
export async function deliverSignal(
  temporal: Client,
  delivery: SignalDelivery,
): Promise<'signalled' | 'closed' | 'not-running'> {
  const handle = temporal.workflow.getHandle(delivery.workflowId);
  try {
    await handle.signal(delivery.signal, ...delivery.args);
    return 'signalled';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  try {
    await handle.describe();
    return 'closed';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'not-running';
    throw err;
  }
}
