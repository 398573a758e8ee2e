// Saga compensation and the fallbacks around the deposit, with faults set at the external
// systems' boundary (the simulators), never inside the agents: what the real agents and
// simulators make of a refusal. Every undo path itself (an undo that fails and reaches a
// person, a first-time guest's failed deposit) is specified in
// workflows/reservation/test/reservation.workflow.test.ts.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { postEvent, reservationEvent } from '@baton/testkit';
import { messaging, payments, pos, startStack, waitForState, withEarlierBooking, type Stack } from './support.js';

describe('saga compensation', () => {
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

  const notices = async (customerId: string) =>
    (await messaging.messages()).filter((m) => m.to === customerId).map((m) => m.template);

  it('undoes a reservation whose booking fails for good: refunds the deposit, releases the hold, tells the customer', async () => {
    await pos.setFaults({ refuse: ['POST /reservations'] });
    const event = reservationEvent('Table for 4, Friday 8pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const done = await waitForState(stack, workflowId, 'Compensated');

    assert.match(done.failure ?? '', /REFUSED_BY_PROVIDER|refuses/);
    assert.deepEqual(done.compensated, ['refund-deposit', 'release-hold'], 'newest effect undone first');
    const deposit = done.deposit && 'chargeId' in done.deposit ? done.deposit : assert.fail('a deposit was charged');
    assert.equal(deposit.amountCents, 4_000);
    const refunds = (await payments.refunds()).filter((r) => r.chargeId === deposit.chargeId);
    assert.equal(refunds.length, 1, 'refunded exactly once');
    assert.equal((await pos.holds()).find((h) => h.holdId === done.hold?.holdId)?.status, 'released');
    assert.deepEqual(await notices(event.data.customer.id), ['reservation-cancelled']);
  });

  it('waives the deposit of a regular when the payment provider refuses, and still books', async () => {
    // A regular by the POS's record, booked before the payment provider started refusing.
    const event = await withEarlierBooking(stack, reservationEvent('Table for 2, Saturday 6pm, customer is a regular'));
    await payments.setFaults({ refuse: ['POST /charges'] });
    const workflowId = String((await postEvent(event)).body.workflowId);
    const done = await waitForState(stack, workflowId, 'Confirmed');
    assert.ok(done.deposit && 'waived' in done.deposit && done.deposit.waived);
    assert.equal((await pos.reservations()).filter((r) => r.holdId === done.hold?.holdId).length, 1);
  });
});
