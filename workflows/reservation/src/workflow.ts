// The reservation as a business process: intake -> hold a table -> safety check -> (a person
// decides when flagged) -> deposit -> book -> confirm. Effects register their undo in the saga; a
// declined, expired or failed request undoes them newest first and tells the customer. The kit does
// states, audit, search attributes, stuck watch, gates and the attention gate. No zod in the sandbox.
import { log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  BatonCustomer,
  DEFAULT_APPROVAL_TIERS,
  runWorkflow,
  type GateTier,
  type RunOf,
} from '@baton/workflow-kit/workflow';
import type { NoticeKind, ReservationRequest } from './contracts.js';
import { reservation, type ReservationInput, type ReservationState, type ReservationStatus } from './definition.js';
import { AGENT_STEP, COMPENSATION_STEP, DEPOSIT_PER_GUEST_CENTS, DEPOSIT_STEP } from './policies.js';
import {
  DEFAULT_BOOKING_POLICY,
  approvalGateOf,
  bookingUndone,
  depositUndone,
  depositWaiverFor,
  holdUndone,
  eventTimeFlagOf,
  localDateOf,
  noticeOf,
  partialReadingRefusal,
  receivedOnOf,
  refusalOf,
  undoneInWords,
} from './rules.js';
import { patches } from './patches.js';
import { withStated } from './events.js';

/**
 * The reservation whose approval gate has these tiers: the kit's default ones here; a test's workflows folder registers
 * short ones (docs/test.md).
 */
export const reservationWorkflowWith =
  (tiers: GateTier[]) =>
  (input: ReservationInput): Promise<ReservationStatus> =>
    runWorkflow(
      reservation,
      { state: 'Understanding request', eventId: input.event.id, holdReleased: false },
      input,
      (run) => reserve(run, input, tiers),
    );
export const reservationWorkflow = reservationWorkflowWith(DEFAULT_APPROVAL_TIERS);

async function reserve(
  run: RunOf<typeof reservation>,
  input: ReservationInput,
  tiers: GateTier[],
): Promise<ReservationStatus> {
  const { status } = run;
  const customer = input.event.data.customer;
  const tell = (kind: NoticeKind, policy = AGENT_STEP, reason?: string) =>
    run.step('notifier', `notify-${kind}`, noticeOf(customer, kind, status, reason), { policy, handles: 'all' });
  /** Undo every effect and tell the customer what the records support; `outcome` is chosen once the undo is known. */
  const unwind = (kind: NoticeKind, outcome: ReservationState | (() => ReservationState), cause?: unknown) =>
    run.unwind({
      state: 'Compensating',
      reason: 'could not finish undoing the reservation',
      ...(cause !== undefined ? { cause } : {}),
      end: () => run.end(typeof outcome === 'function' ? outcome() : outcome),
      notify: {
        state: 'Telling customer',
        name: `notify-${kind}`,
        work: (failed) => tell(kind, COMPENSATION_STEP, undoneInWords(kind, failed, status.compensated)),
      },
    });
  /** Nothing is held yet: tell the guest why, and a person if even that fails. */
  const refuse = (refusal: string) => {
    status.refusal = refusal;
    return run.conclude(
      'Telling customer',
      () => tell('refused', COMPENSATION_STEP, refusal),
      { reason: 'the request was refused but the guest could not be told', name: 'notify-refused' },
      'Refused',
    );
  };

  run.enter('Understanding request');
  const receivedOn = receivedOnOf(input.event);
  // An event whose own time is far from when it arrived (the run's start) is flagged, not refused.
  const eventTimeFlag = eventTimeFlagOf(input.event.time, workflowInfo().startTime.getTime());
  if (eventTimeFlag) {
    status.eventTimeFlag = eventTimeFlag;
    log.warn('event time far from its arrival', {
      eventId: input.event.id,
      eventTime: input.event.time,
      flag: eventTimeFlag,
    });
  }
  const policy = input.bookingPolicy ?? DEFAULT_BOOKING_POLICY;
  // partialRefusal: why what intake did read is refused, when it could not read all
  let request: ReservationRequest, partialRefusal: string | undefined;
  try {
    // A request intake cannot read goes to a person, who may fill in what is missing, unless what
    // it did read is refused anyway (a party larger than the restaurant seats). What a person
    // gives here corrects intake's reading: kept, and used for this customer's next request.
    request = await run.step(
      'intake',
      'intake',
      { ...input.event.data, receivedOn },
      {
        policy: AGENT_STEP,
        personMaySupplyOutput: true,
        teaches: { text: input.event.data.text, subject: customer.id },
        handles: ({ details }) => {
          const refusal = partialReadingRefusal(input.event.data, details, policy);
          if (refusal === undefined || !patches.has('refuse-partial-reading')) return false;
          partialRefusal = refusal;
          return true;
        },
      },
    );
  } catch (err) {
    return partialRefusal ? refuse(partialRefusal) : unwind('unreadable', 'Failed', err);
  }
  request = status.request = withStated(request, input.event.data);
  upsertSearchAttributes([{ key: BatonCustomer, value: request.customer.id }]);
  // Whether a date has passed is checked against the workflow's own now (deterministic here).
  const refusal = refusalOf(
    request,
    receivedOn,
    policy,
    patches.has('dates-against-now') ? localDateOf(Date.now(), policy.timezone) : undefined,
  );
  if (refusal) return refuse(refusal);

  let refund: () => Promise<boolean>;
  try {
    run.enter('Holding table');
    // Each undo is registered before its call: a hold (or charge, or booking) whose answer came too late is found by
    // reference.
    run.undoWith(
      'availability',
      'release-hold',
      () => (status.hold ? { holdId: status.hold.holdId } : { holdReference: run.reference('hold-table') }),
      COMPENSATION_STEP,
      (output, input) => {
        const counted = holdUndone(output, input);
        status.holdReleased = true;
        return counted;
      },
    );
    const hold = await run.step(
      'availability',
      'hold-table',
      { request },
      { policy: AGENT_STEP, handles: ['NO_TABLE'] },
    );
    status.hold = hold;

    run.enter('Checking safety');
    status.safety = await run.step(
      'safety',
      'safety-check',
      { request, originalText: input.event.data.text },
      { policy: AGENT_STEP },
    );
    if (status.safety.needsReview) {
      const outcome = await run.gate(
        approvalGateOf(`${workflowInfo().workflowId}/approval`, input, request, hold, status.safety.reasons, tiers),
      );
      if (outcome.kind === 'timed-out') return await unwind('expired', 'Expired');
      if (outcome.kind !== 'approved') return await unwind('declined', 'Declined');
      // From here on, exactly the approved payload.
      request = status.request = outcome.payload.request;
    }

    run.enter('Charging deposit');
    refund = run.undoWith(
      'payment',
      'refund-deposit',
      () =>
        status.deposit && 'chargeId' in status.deposit
          ? { chargeId: status.deposit.chargeId }
          : { chargeReference: run.reference('deposit') },
      COMPENSATION_STEP,
      depositUndone,
    );
    // A regular's table is not lost to a payment outage (the deposit is waived); anyone else's request fails.
    status.deposit = await run.step(
      'payment',
      'deposit',
      { request, amountCents: request.partySize * DEPOSIT_PER_GUEST_CENTS },
      { policy: DEPOSIT_STEP, handles: 'all', fallback: depositWaiverFor(request) },
    );

    run.enter('Booking');
    if (patches.has('undo-late-commits'))
      run.undoWith(
        'booking',
        'cancel-booking',
        () =>
          status.booking
            ? { reservationId: status.booking.reservationId }
            : { bookingReference: run.reference('book') },
        COMPENSATION_STEP,
        bookingUndone,
      );
    // The POS refusing for good is a business answer: undo and tell the customer.
    status.booking = await run.step(
      'booking',
      'book',
      { request, hold },
      { policy: AGENT_STEP, handles: ['REFUSED_BY_PROVIDER', 'HOLD_NOT_ACTIVE'] },
    );
  } catch (err) {
    return await unwind('cancelled', () => (status.compensated.length > 0 ? 'Compensated' : 'Failed'), err);
  }
  // A waived deposit must not leave a charge behind: a charge whose answer never came is refunded.
  if (status.deposit && 'waived' in status.deposit)
    await run.orEscalate(refund(), 'a deposit was waived but a charge may stand', 'refund-deposit');
  // The booking stands from here on: a confirmation that cannot be sent goes to a person.
  return run.conclude(
    'Confirming to customer',
    () => tell('confirmed'),
    { reason: 'the booking is made but the customer could not be told', name: 'notify-confirmed' },
    'Confirmed',
  );
}
