// Effects whose answer comes too late: the external system did the work, but the agent's call
// timed out before the answer arrived. The outcome is unknown, never guessed: the next attempt
// asks the system by the step's reference and records what it finds, so the guest is charged
// once, booked once, and never told something the records contradict.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { postEvent, reservationEvent } from '@baton/testkit';
import { messaging, payments, pos, startStack, waitForState, withEarlierBooking, type Stack } from './support.js';

// Past the agents' 5 s client timeout (BATON_*_TIMEOUT_MS), well inside a step's retry budget.
const LATE_MS = 7_000;

describe('unknown outcomes', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await Promise.all([pos.clearFaults(), payments.clearFaults(), messaging.clearFaults()]);
  });
  after(async () => {
    await stack?.close();
  });

  it('finds a charge the provider took but answered too late: charged once, the booking goes on', async () => {
    await payments.setFaults({ latencyAfterCommitMs: LATE_MS });
    const event = reservationEvent('Table for 2, Friday 9pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const done = await waitForState(stack, workflowId, 'Confirmed', 120_000);
    const chargeId =
      done.deposit && 'chargeId' in done.deposit
        ? done.deposit.chargeId
        : assert.fail('the deposit is recorded, not waived');
    const charges = (await payments.charges()).filter((c) => c.idempotencyKey?.startsWith(`${workflowId}/`));
    assert.deepEqual(
      charges.map((c) => c.chargeId),
      [chargeId],
      'one charge, the one the workflow recorded',
    );
    assert.equal(done.steps.filter((s) => s.stepId === 'deposit' && s.status === 'ok').length, 1);
  });

  it("never waives a regular's deposit while a charge stands", async () => {
    const event = await withEarlierBooking(
      stack,
      reservationEvent('Table for 3, Friday 9:30pm, customer is a regular'),
    );
    await payments.setFaults({ latencyAfterCommitMs: LATE_MS });
    const workflowId = String((await postEvent(event)).body.workflowId);
    const done = await waitForState(stack, workflowId, 'Confirmed', 120_000);
    assert.equal(done.request?.customer.regular, true);
    const charges = (await payments.charges()).filter((c) => c.idempotencyKey?.startsWith(`${workflowId}/`));
    assert.equal(charges.length, 1, 'charged once');
    assert.ok(
      done.deposit && 'chargeId' in done.deposit && done.deposit.chargeId === charges[0]!.chargeId,
      'the standing charge is the recorded deposit, not waived',
    );
  });

  it('finds a hold and a booking the POS made but answered too late: one hold, one booking, confirmed', async () => {
    await pos.setFaults({ latencyAfterCommitMs: LATE_MS });
    const event = reservationEvent('Table for 2, Thursday 6pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const done = await waitForState(stack, workflowId, 'Confirmed', 180_000);
    const holds = (await pos.holds()).filter((h) => h.idempotencyKey?.startsWith(`${workflowId}/`));
    assert.deepEqual(
      holds.map((h) => [h.holdId, h.status]),
      [[done.hold?.holdId, 'booked']],
    );
    const bookings = (await pos.reservations()).filter((r) => r.idempotencyKey?.startsWith(`${workflowId}/`));
    assert.deepEqual(
      bookings.map((b) => b.reservationId),
      [done.booking?.reservationId],
    );
    assert.deepEqual(
      (await messaging.messages()).filter((m) => m.to === event.data.customer.id).map((m) => m.template),
      ['reservation-confirmed'],
    );
  });
});
