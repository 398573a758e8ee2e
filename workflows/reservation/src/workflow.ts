// The reservation as a business process: intake -> hold a table -> safety check -> (a person
// decides when flagged) -> deposit -> book -> confirm. Effects register their undo in the saga;
// a declined, expired or failed request undoes them newest first and tells the customer. The
// kit does states, audit, search attributes, stuck watch, gates and the attention gate for a
// step that fails for good. Types only from the contracts: no zod in the workflow sandbox.
import { log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { BatonCustomer, causeOf, runWorkflow, type RunOf } from '@baton/workflow-kit/workflow';
import type { NoticeKind, ReservationRequest } from './contracts.js';
import { reservation, type ReservationInput, type ReservationState, type ReservationStatus } from './definition.js';
import { AGENT_STEP, COMPENSATION_STEP, DEPOSIT_PER_GUEST_CENTS, DEPOSIT_STEP } from './policies.js';
import { DEFAULT_BOOKING_POLICY, approvalGateOf, eventTimeFlagOf, localDateOf, noticeOf, partialReadingRefusal, refusalOf, undoneInWords } from './rules.js';
import { patches } from './patches.js';
import { withStated } from './events.js';

export async function reservationWorkflow(input: ReservationInput): Promise<ReservationStatus> {
  return runWorkflow(reservation, { state: 'Understanding request', eventId: input.event.id, holdReleased: false }, input, (run) => reserve(run, input));
}

async function reserve(run: RunOf<typeof reservation>, input: ReservationInput): Promise<ReservationStatus> {
  const { status } = run;
  const customer = input.event.data.customer;
  const tell = (kind: NoticeKind, policy = AGENT_STEP, reason?: string) => run.step('notifier', `notify-${kind}`, noticeOf(customer, kind, status, reason), { policy, handles: 'all' });
  /** Undo every effect, tell the customer (only what the records support), and hand whatever
   *  could not be done to a person. `outcome` is chosen once the undo is known. */
  const unwind = (kind: NoticeKind, outcome: ReservationState | (() => ReservationState), cause?: unknown) =>
    run.unwind({ state: 'Compensating', reason: 'could not finish undoing the reservation', ...(cause !== undefined ? { cause } : {}), end: () => run.end(typeof outcome === 'function' ? outcome() : outcome), then: (failures) => {
      run.enter('Telling customer');
      return tell(kind, COMPENSATION_STEP, undoneInWords(kind, failures.map((f) => f.name), status.compensated)).catch((err: unknown) => failures.push({ name: `notify-${kind}`, error: causeOf(err) }));
    } });
  /** Nothing is held yet: tell the guest why, and a person if even that fails. */
  const refuse = (refusal: string) => {
    status.refusal = refusal;
    return run.conclude('Telling customer', () => tell('refused', COMPENSATION_STEP, refusal), { reason: 'the request was refused but the guest could not be told', name: 'notify-refused' }, 'Refused');
  };

  run.enter('Understanding request');
  // Weekdays in the guest's words are read relative to the day they were taken; whether a date
  // has passed is checked against the workflow's own now (Date.now() is deterministic here).
  const receivedOn = input.event.data.receivedOn ?? input.event.time.slice(0, 10);
  // An event whose own time is far from when it arrived (the run's start) is flagged, not refused.
  const eventTimeFlag = eventTimeFlagOf(input.event.time, workflowInfo().startTime.getTime());
  if (eventTimeFlag) {
    status.eventTimeFlag = eventTimeFlag;
    log.warn('event time far from its arrival', { eventId: input.event.id, eventTime: input.event.time, flag: eventTimeFlag });
  }
  const policy = input.bookingPolicy ?? DEFAULT_BOOKING_POLICY;
  let request: ReservationRequest;
  /** Why what intake did read is refused, when it could not read everything. */
  let partialRefusal: string | undefined;
  try {
    // A request intake cannot read goes to a person, who may fill in what is missing, unless what
    // it did read is refused anyway (a party larger than the restaurant seats). What a person
    // gives here corrects intake's reading: kept, and used for this customer's next request.
    request = await run.step('intake', 'intake', { ...input.event.data, receivedOn }, { policy: AGENT_STEP, personMaySupplyOutput: true, teaches: { text: input.event.data.text, subject: customer.id }, handles: ({ details }) => {
      const refusal = partialReadingRefusal(input.event.data, details, policy);
      if (refusal === undefined || !patches.has('refuse-partial-reading')) return false;
      partialRefusal = refusal;
      return true;
    } });
  } catch (err) {
    if (partialRefusal) return refuse(partialRefusal);
    return unwind('unreadable', 'Failed', err);
  }
  request = withStated(request, input.event.data);
  status.request = request;
  upsertSearchAttributes([{ key: BatonCustomer, value: request.customer.id }]);
  const today = patches.has('dates-against-now') ? localDateOf(Date.now(), policy.timezone) : undefined;
  const refusal = refusalOf(request, receivedOn, policy, today);
  if (refusal) return refuse(refusal);

  let refund: () => Promise<boolean>;
  try {
    run.enter('Holding table');
    // Each undo is registered before its call, by the step's reference: a hold (or charge) whose
    // answer came too late is found and undone; nothing held means nothing to undo.
    run.undoWith('availability', 'release-hold', () => (status.hold ? { holdId: status.hold.holdId } : { holdReference: run.reference('hold-table') }), COMPENSATION_STEP, ({ released, nothingHeld }, input) => {
      // Not released means the table is booked after all: a live booking stands, a person decides.
      if (!released) throw new Error(`the POS did not release the hold (${'holdId' in input ? input.holdId : input.holdReference}): the table is booked`);
      status.holdReleased = true;
      return !nothingHeld;
    });
    const hold = await run.step('availability', 'hold-table', { request }, { policy: AGENT_STEP, handles: ['NO_TABLE'] });
    status.hold = hold;

    run.enter('Checking safety');
    status.safety = await run.step('safety', 'safety-check', { request, originalText: input.event.data.text }, { policy: AGENT_STEP });
    if (status.safety.needsReview) {
      const outcome = await run.gate(approvalGateOf(`${workflowInfo().workflowId}/approval`, input, request, hold, status.safety.reasons));
      if (outcome.kind === 'timed-out') return await unwind('expired', 'Expired');
      if (outcome.kind !== 'approved') return await unwind('declined', 'Declined');
      // From here on, exactly the approved payload.
      request = status.request = outcome.payload.request;
    }

    run.enter('Charging deposit');
    const amountCents = request.partySize * DEPOSIT_PER_GUEST_CENTS;
    // Refunded by its charge id, or by the deposit step's reference when no answer came.
    refund = run.undoWith('payment', 'refund-deposit', () => (status.deposit && 'chargeId' in status.deposit ? { chargeId: status.deposit.chargeId } : { chargeReference: run.reference('deposit') }), COMPENSATION_STEP, ({ refunded, nothingCharged }) => {
      if (!refunded) throw new Error('the payment provider did not refund the deposit');
      return !nothingCharged;
    });
    // Fallback: a regular's table is not lost to a payment outage; anyone else's request fails.
    status.deposit = await run.step('payment', 'deposit', { request, amountCents }, { policy: DEPOSIT_STEP, handles: 'all', fallback: (err: unknown) => {
      if (!request.customer.regular) throw err;
      return { waived: true as const, reason: `payment failed for a regular: ${causeOf(err)}` };
    } });

    run.enter('Booking');
    // Registered before the call, like every effect: a booking whose answer never came is found
    // by the step's reference and cancelled (its table is free again), or refused if it comes later.
    if (patches.has('undo-late-commits')) {
      run.undoWith('booking', 'cancel-booking', () => (status.booking ? { reservationId: status.booking.reservationId } : { bookingReference: run.reference('book') }), COMPENSATION_STEP, ({ cancelled, nothingBooked }, input) => {
        if (!cancelled) throw new Error(`the POS did not cancel the booking (${'reservationId' in input ? input.reservationId : input.bookingReference})`);
        return !nothingBooked;
      });
    }
    // The POS refusing for good is a business answer: undo and tell the customer.
    status.booking = await run.step('booking', 'book', { request, hold }, { policy: AGENT_STEP, handles: ['REFUSED_BY_PROVIDER', 'HOLD_NOT_ACTIVE'] });
  } catch (err) {
    return await unwind('cancelled', () => (status.compensated.length > 0 ? 'Compensated' : 'Failed'), err);
  }
  // A waived deposit must not leave a charge behind: a charge whose answer never came is refunded.
  if (status.deposit && 'waived' in status.deposit) await run.orEscalate(refund(), 'a deposit was waived but a charge may stand', 'refund-deposit');
  // The booking stands from here on: a confirmation that cannot be sent goes to a person, it
  // does not undo the reservation.
  return run.conclude('Confirming to customer', () => tell('confirmed'), { reason: 'the booking is made but the customer could not be told', name: 'notify-confirmed' }, 'Confirmed');
}
