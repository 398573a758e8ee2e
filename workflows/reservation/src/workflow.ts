// The reservation as a business process: intake -> hold a table -> safety check -> (a person
// decides when flagged) -> deposit -> book -> confirm. Effects register their undo in the saga;
// a declined, expired or failed request undoes them newest first and tells the customer. The
// kit does states, audit, search attributes, stuck watch, gates and the attention gate for a
// step that fails for good. Types only from the contracts: no zod in the workflow sandbox.
import { log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { APPROVAL_OPTIONS, BatonCustomer, DEFAULT_APPROVAL_TIERS, StepAbandonedError, causeOf, runWorkflow, type RunOf } from '@baton/workflow-kit/workflow';
import type { NoticeKind, ReservationAgents, ReservationRequest } from './contracts.js';
import { reservation, type ReservationGatePayload, type ReservationInput, type ReservationState, type ReservationStatus } from './definition.js';
import { AGENT_STEP, COMPENSATION_STEP, DEPOSIT_PER_GUEST_CENTS, DEPOSIT_STEP } from './policies.js';
import { DEFAULT_BOOKING_POLICY, applyChanges, eventTimeFlagOf, gateTypeOf, localDateOf, partySizeRefusal, refusalOf } from './rules.js';
import { patches } from './patches.js';
import { withStated } from './events.js';

type Run = RunOf<typeof reservation>;

export async function reservationWorkflow(input: ReservationInput): Promise<ReservationStatus> {
  return runWorkflow(reservation, { state: 'Understanding request', eventId: input.event.id, holdReleased: false }, input, (run) => reserve(run, input));
}

async function reserve(run: Run, input: ReservationInput): Promise<ReservationStatus> {
  const { status } = run;
  const customer = input.event.data.customer;
  const tell = (kind: NoticeKind, policy = AGENT_STEP, reason?: string) =>
    run.step(
      'notifier',
      `notify-${kind}`,
      { customer, kind, ...(status.request ? { request: status.request } : {}), ...(status.booking ? { reservationId: status.booking.reservationId } : {}), ...(reason ? { reason } : {}) },
      { policy, handles: 'all' },
    );
  /** What the guest is told about their deposit and table, from the undo's own records: refunded
   *  only when a refund was made, no deposit taken when the provider has none under the deposit's
   *  reference (and, cancelled, never will), a refund or a cancellation that failed as staff's. */
  const undoneInWords = (kind: NoticeKind, failed: string[]): string | undefined => {
    const words: string[] = [];
    if (failed.includes('refund-deposit')) words.push('your deposit will be refunded by our staff');
    else if (kind === 'cancelled') words.push(status.compensated.includes('refund-deposit') ? 'your deposit has been refunded' : 'no deposit was taken');
    if (failed.includes('cancel-booking') || failed.includes('release-hold')) words.push('our staff will call you about your table');
    return words.length > 0 ? words.join(', and ') : undefined;
  };
  /** Undo every effect, tell the customer (only what the records support), and hand whatever
   *  could not be done to a person. `outcome` is chosen once the undo is known. */
  const unwind = async (kind: NoticeKind, outcome: ReservationState | (() => ReservationState)) => {
    run.enter('Compensating');
    const failures = await run.saga.compensate();
    run.enter('Telling customer');
    await tell(kind, COMPENSATION_STEP, undoneInWords(kind, failures.map((f) => f.name))).catch((err: unknown) => failures.push({ name: `notify-${kind}`, error: causeOf(err) }));
    if (failures.length > 0) await run.escalate(`could not finish undoing the reservation (${failures.map((f) => f.name).join(', ')})`, failures);
    run.enter(typeof outcome === 'function' ? outcome() : outcome);
    return status;
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
  /** Nothing is held yet: tell the guest why, and a person if even that fails. */
  const refuse = async (refusal: string) => {
    status.refusal = refusal;
    run.enter('Telling customer');
    await tell('refused', COMPENSATION_STEP, refusal).catch((err: unknown) => run.escalate('the request was refused but the guest could not be told', [{ name: 'notify-refused', error: causeOf(err) }]));
    run.enter('Refused');
    return status;
  };
  let request: ReservationRequest;
  /** Why what intake did read is refused, when it could not read everything. */
  let partialRefusal: string | undefined;
  try {
    // A request intake cannot read goes to a person, who may fill in what is missing, unless
    // what it did read is refused anyway (a party larger than the restaurant seats).
    // What a person gives here corrects intake's reading: kept, and used for this customer's next request.
    request = await run.step('intake', 'intake', { ...input.event.data, receivedOn }, {
      policy: AGENT_STEP,
      personMaySupplyOutput: true,
      teaches: { text: input.event.data.text, subject: customer.id },
      handles: ({ details }) => {
        // What the publisher's form stated wins over intake's reading, as below.
        const stated = 'partySize' in input.event.data ? input.event.data.partySize : null;
        const read = stated ?? (details as { partySize?: unknown } | null | undefined)?.partySize;
        if (typeof read !== 'number' || read <= policy.maxPartySize || !patches.has('refuse-partial-reading')) return false;
        partialRefusal = partySizeRefusal(read, policy);
        return true;
      },
    });
  } catch (err) {
    if (partialRefusal) return refuse(partialRefusal);
    status.failure = causeOf(err);
    return unwind('unreadable', 'Failed');
  }
  request = withStated(request, input.event.data);
  status.request = request;
  upsertSearchAttributes([{ key: BatonCustomer, value: request.customer.id }]);
  const today = patches.has('dates-against-now') ? localDateOf(Date.now(), policy.timezone) : undefined;
  const refusal = refusalOf(request, receivedOn, policy, today);
  if (refusal) return refuse(refusal);

  const { workflowId } = workflowInfo();
  /** Refunds the deposit by its charge id, or by the deposit step's reference when no answer came;
   *  true when there was a charge to refund. */
  const refund = async () => {
    const input = status.deposit && 'chargeId' in status.deposit ? { chargeId: status.deposit.chargeId } : { chargeReference: `${workflowId}/deposit` };
    const { refunded, nothingCharged } = await run.compensate('payment', 'refund-deposit', input, COMPENSATION_STEP);
    if (!refunded) throw new Error('the payment provider did not refund the deposit');
    return !nothingCharged;
  };
  try {
    run.enter('Holding table');
    // Each undo is registered before its call, by the step's reference: a hold (or charge) whose
    // answer came too late is found and undone; nothing held means nothing to undo.
    run.saga.add('release-hold', async () => {
      const input = status.hold ? { holdId: status.hold.holdId } : { holdReference: `${workflowId}/hold-table` };
      const { released, nothingHeld } = await run.compensate('availability', 'release-hold', input, COMPENSATION_STEP);
      // Not released means the table is booked after all: a live booking stands, a person decides.
      if (!released) throw new Error(`the POS did not release the hold (${'holdId' in input ? input.holdId : input.holdReference}): the table is booked`);
      status.holdReleased = true;
      if (!nothingHeld) status.compensated.push('release-hold');
    });
    const hold = await run.step('availability', 'hold-table', { request }, { policy: AGENT_STEP, handles: ['NO_TABLE'] });
    status.hold = hold;

    run.enter('Checking safety');
    status.safety = await run.step('safety', 'safety-check', { request, originalText: input.event.data.text }, { policy: AGENT_STEP });
    if (status.safety.needsReview) {
      const outcome = await run.gate<ReservationGatePayload>({
        gateId: `${workflowId}/approval`,
        gateType: gateTypeOf(status.safety.reasons),
        payload: { request, table: { tableId: hold.tableId, seats: hold.seats }, reasons: status.safety.reasons },
        options: [...APPROVAL_OPTIONS],
        tiers: input.approvalTiers ?? (input.approvalTimeoutMs !== undefined ? [{ role: 'manager', timeoutMs: input.approvalTimeoutMs }] : DEFAULT_APPROVAL_TIERS),
        safeDefault: 'release the hold and tell the customer',
        applyChanges,
        // A party size changed here corrects intake's reading of the text.
        teaches: { agent: 'intake', text: input.event.data.text, subject: customer.id, reading: (p) => ({ partySize: p.request.partySize }) },
      });
      if (outcome.kind === 'timed-out') return await unwind('expired', 'Expired');
      if (outcome.kind !== 'approved') return await unwind('declined', 'Declined');
      // From here on, exactly the approved payload.
      request = outcome.payload.request;
      status.request = request;
    }

    run.enter('Charging deposit');
    const amountCents = request.partySize * DEPOSIT_PER_GUEST_CENTS;
    run.saga.add('refund-deposit', async () => {
      if (await refund()) status.compensated.push('refund-deposit');
    });
    try {
      status.deposit = await run.step('payment', 'deposit', { request, amountCents }, { policy: DEPOSIT_STEP, handles: 'all' });
    } catch (err) {
      // Fallback: a regular's table is not lost to a payment outage; anyone else's request fails.
      if (err instanceof StepAbandonedError || !request.customer.regular) throw err;
      status.deposit = { waived: true, reason: `payment failed for a regular: ${causeOf(err)}` };
    }

    run.enter('Booking');
    // Registered before the call, like every effect: a booking whose answer never came is found
    // by the step's reference and cancelled (its table is free again), or refused if it comes later.
    if (patches.has('undo-late-commits')) {
      run.saga.add('cancel-booking', async () => {
        const input = status.booking ? { reservationId: status.booking.reservationId } : { bookingReference: `${workflowId}/book` };
        const { cancelled, nothingBooked } = await run.compensate('booking', 'cancel-booking', input, COMPENSATION_STEP);
        if (!cancelled) throw new Error(`the POS did not cancel the booking (${'reservationId' in input ? input.reservationId : input.bookingReference})`);
        if (!nothingBooked) status.compensated.push('cancel-booking');
      });
    }
    // The POS refusing for good is a business answer: undo and tell the customer.
    status.booking = await run.step('booking', 'book', { request, hold }, { policy: AGENT_STEP, handles: ['REFUSED_BY_PROVIDER', 'HOLD_NOT_ACTIVE'] });
  } catch (err) {
    status.failure = causeOf(err);
    return await unwind('cancelled', () => (status.compensated.length > 0 ? 'Compensated' : 'Failed'));
  }
  // A waived deposit must not leave a charge behind: a charge whose answer never came is refunded.
  if (status.deposit && 'waived' in status.deposit) {
    await refund().catch((err: unknown) => run.escalate('a deposit was waived but a charge may stand', [{ name: 'refund-deposit', error: causeOf(err) }]));
  }

  // The booking stands from here on: a confirmation that cannot be sent goes to a person, it
  // does not undo the reservation.
  run.enter('Confirming to customer');
  await tell('confirmed').catch((err: unknown) => run.escalate('the booking is made but the customer could not be told', [{ name: 'notify-confirmed', error: causeOf(err) }]));
  run.enter('Confirmed');
  return status;
}
