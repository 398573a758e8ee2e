// Saga compensation and the fallbacks around the deposit, with faults set at the external
// systems' boundary (the simulators), never inside the agents.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { postEvent, reservationEvent } from '@baton/testkit';
import { resolveUpdate } from '@baton/workflow-kit';
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

  const notices = async (customerId: string) => (await messaging.messages()).filter((m) => m.to === customerId).map((m) => m.template);

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

  it('hands a compensation that cannot succeed to a person with the context, and waits until they resolve it', async () => {
    await pos.setFaults({ refuse: ['POST /reservations'] });
    await payments.setFaults({ refuse: ['POST /refunds'] });
    const event = reservationEvent('Table for 2, Friday 9pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const waiting = await waitForState(stack, workflowId, 'Needs attention');

    assert.deepEqual(waiting.attention?.failures.map((f) => f.name), ['refund-deposit']);
    assert.match(waiting.attention?.failures[0]?.error ?? '', /refuses POST \/refunds/);
    // The other compensations still ran: the hold is free and the customer was told.
    assert.deepEqual(waiting.compensated, ['release-hold']);
    assert.equal((await pos.holds()).find((h) => h.holdId === waiting.hold?.holdId)?.status, 'released');
    assert.deepEqual(await notices(event.data.customer.id), ['reservation-cancelled']);
    const chargeId = waiting.deposit && 'chargeId' in waiting.deposit ? waiting.deposit.chargeId : assert.fail('a deposit was charged');
    assert.equal((await payments.charges()).find((c) => c.chargeId === chargeId)?.refunded, false, 'the refund really did not happen');

    // A person refunds by hand and says so; the workflow then ends.
    const after = await stack.temporal.workflow.getHandle(workflowId).executeUpdate(resolveUpdate, { args: [{ resolvedBy: 'finance-fay', note: 'refunded by phone' }] });
    assert.equal(after.attention?.resolution?.resolvedBy, 'finance-fay');
    await waitForState(stack, workflowId, 'Compensated');
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

  it('does not waive the deposit of a first-time customer: the hold is released and the customer told', async () => {
    await payments.setFaults({ refuse: ['POST /charges'] });
    const event = reservationEvent('Table for 2, Saturday 6:30pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const done = await waitForState(stack, workflowId, 'Compensated');
    assert.deepEqual(done.compensated, ['release-hold']);
    assert.equal(done.booking, undefined);
    assert.deepEqual(await notices(event.data.customer.id), ['reservation-cancelled']);
  });
});
