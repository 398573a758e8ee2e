// The reservation workflow: intake -> hold a table -> safety check -> (a person decides when
// flagged) -> book -> confirm. A declined, expired or failed request releases its hold and tells
// the customer. Every move between states happens in `enter`, so the state machine reads top down.
import { ApplicationFailure, condition, setHandler, upsertSearchAttributes, workflowInfo, log } from '@temporalio/workflow';
import type { NoticeKind, ReservationRequested } from '@baton/contracts';
import {
  BatonState,
  BatonWorkflowType,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  Decision,
  decideReservation,
  getReservationStatus,
  type ReservationState,
  type ReservationStatus,
  type StepRecord,
} from '../definitions.js';
import { callAgent, compensateAgent } from './call-agent.js';
import type { AgentName } from '@baton/contracts';

export interface ReservationInput {
  event: ReservationRequested;
  /** How long a flagged request waits for a person before it expires. */
  approvalTimeoutMs?: number;
}

export async function reservationWorkflow(input: ReservationInput): Promise<ReservationStatus> {
  const status: ReservationStatus = { state: 'Understanding request', eventId: input.event.id, holdReleased: false, steps: [] };
  const enter = (state: ReservationState) => {
    status.state = state;
    upsertSearchAttributes([
      { key: BatonState, value: state },
      { key: BatonWorkflowType, value: 'reservation' },
    ]);
    log.info('reservation state', { state });
  };
  const step = async <T>(stepId: string, agent: AgentName, kind: StepRecord['kind'], run: () => Promise<T>): Promise<T> => {
    const record: StepRecord = { stepId, agent, kind, status: 'running', startedAt: new Date().toISOString() };
    status.steps.push(record);
    try {
      const output = await run();
      Object.assign(record, { status: 'ok', output, finishedAt: new Date().toISOString() });
      return output;
    } catch (err) {
      Object.assign(record, { status: 'failed', error: (err as Error).message, finishedAt: new Date().toISOString() });
      throw err;
    }
  };

  setHandler(getReservationStatus, () => status);
  setHandler(
    decideReservation,
    async (decision) => {
      status.decision = { ...Decision.parse(decision), decidedAt: new Date().toISOString() };
      await condition(() => status.state !== 'Awaiting approval');
      return status;
    },
    {
      validator: (decision) => {
        if (status.state !== 'Awaiting approval') throw new Error(`no decision is awaited: the reservation is in state "${status.state}"`);
        if (status.decision) throw new Error('a decision was already taken');
        const parsed = Decision.safeParse(decision);
        if (!parsed.success) throw new Error(`invalid decision: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      },
    },
  );

  enter('Understanding request');
  const receivedOn = input.event.data.receivedOn ?? input.event.time.slice(0, 10);
  const request = await step('intake', 'intake', 'run', () => callAgent('intake', 'intake', { ...input.event.data, receivedOn }));
  status.request = request;

  enter('Holding table');
  const hold = await step('hold-table', 'availability', 'run', () => callAgent('availability', 'hold-table', { request }));
  status.hold = hold;

  const release = async () => {
    enter('Releasing hold');
    await step('release-hold', 'availability', 'compensate', () => compensateAgent('availability', 'release-hold', { holdId: hold.holdId }));
    status.holdReleased = true;
  };
  const tell = async (kind: NoticeKind) => {
    enter('Telling customer');
    await step(`notify-${kind}`, 'notifier', 'run', () =>
      callAgent('notifier', `notify-${kind}`, { request, kind, ...(status.booking ? { reservationId: status.booking.reservationId } : {}) }),
    );
  };

  try {
    enter('Checking safety');
    const safety = await step('safety-check', 'safety', 'run', () =>
      callAgent('safety', 'safety-check', { request, originalText: input.event.data.text }),
    );
    status.safety = safety;

    if (safety.needsReview) {
      enter('Awaiting approval');
      const decided = await condition(() => status.decision !== undefined, input.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS);
      if (!decided) {
        await release();
        await tell('expired');
        enter('Expired');
        return status;
      }
      if (status.decision?.decision === 'decline') {
        await release();
        await tell('declined');
        enter('Declined');
        return status;
      }
    }

    enter('Booking');
    status.booking = await step('book', 'booking', 'run', () => callAgent('booking', 'book', { request, hold }));
    enter('Confirming to customer');
    await step('notify-confirmed', 'notifier', 'run', () =>
      callAgent('notifier', 'notify-confirmed', { request, kind: 'confirmed', reservationId: status.booking?.reservationId }),
    );
    enter('Confirmed');
    return status;
  } catch (err) {
    status.failure = (err as Error).message;
    if (!status.booking && !status.holdReleased) await release();
    enter('Failed');
    throw ApplicationFailure.nonRetryable(`reservation ${workflowInfo().workflowId} failed: ${status.failure}`, 'RESERVATION_FAILED');
  }
}
