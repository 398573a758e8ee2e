// test-tier: own-services, own stack (it kills agents mid-task; on the long track to balance the two)
// A crashed agent loses nothing and repeats nothing: kill -9 while it holds a task.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postEvent, reservationEvent, waitFor } from '@baton/testkit';
import { consumers, streams } from '@baton/contracts';
import { messaging, pos, startStack, waitForState, type Stack } from './support.js';

// Short ack wait so the task comes back quickly after the crash (the default is 10 s).
const ACK_WAIT_MS = 2_000;

describe('agent crash during a handoff', () => {
  let stack: Stack;
  before(async () => {
    // Its agents are processes of their own: the test kills two of them.
    stack = await startStack({ hosted: false, env: { BATON_AGENT_ACK_WAIT_MS: String(ACK_WAIT_MS) } });
  });
  after(async () => {
    await pos.setFaults({ latencyMs: 0, latencyAfterCommitMs: 0 }).catch(() => undefined);
    await stack?.close();
  });

  it('kill -9 of the booking agent after the POS stored the booking, before the agent heard back, still ends in one booking', async () => {
    // The POS commits the reservation, then takes 5 s to answer: the agent is killed in between,
    // so the effect happened but neither the ledger nor the workflow knows it yet.
    await pos.setFaults({ latencyAfterCommitMs: 5_000 });
    const event = reservationEvent('Table for 2, Wednesday 7:30pm');
    const workflowId = String((await postEvent(event)).body.workflowId);

    const booked = await waitFor('the POS to store the booking', async () => {
      const all = await pos.reservations();
      return all.find((r) => r.idempotencyKey === `${workflowId}/book/reserve`);
    });
    const pendingAck = (await stack.bus.jsm.consumers.info(streams.tasks, consumers.agent('booking'))).num_ack_pending;
    assert.equal(pendingAck, 1, 'the booking agent holds the task unacknowledged');

    await stack.services.get('booking').kill9();
    await pos.setFaults({ latencyAfterCommitMs: 0 });
    await stack.services.get('booking').start();

    const done = await waitForState(stack, workflowId, 'Confirmed', 90_000);
    assert.equal(
      done.booking?.reservationId,
      booked.reservationId,
      'the workflow records the booking made before the crash',
    );
    const bookings = (await pos.reservations()).filter((r) => r.holdId === done.hold?.holdId);
    assert.equal(bookings.length, 1, 'exactly one booking in the POS');
    const confirmations = (await messaging.messages()).filter((m) => m.to === event.data.customer.id);
    assert.equal(confirmations.length, 1, 'exactly one confirmation sent');
  });

  it('kill -9 of the availability agent before it reached the POS: the redelivered task holds exactly one table', async () => {
    const startedAt = new Date().toISOString();
    await pos.setFaults({ latencyMs: 4_000 });
    const event = reservationEvent('Table for 4, Tuesday 6pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitFor(
      'the availability agent to hold the task',
      async () =>
        (await stack.bus.jsm.consumers.info(streams.tasks, consumers.agent('availability'))).num_ack_pending === 1 ||
        undefined,
    );
    await stack.services.get('availability').kill9();
    await pos.setFaults({ latencyMs: 0 });
    await stack.services.get('availability').start();

    const done = await waitForState(stack, workflowId, 'Confirmed', 90_000);
    // The request the killed agent sent is still applied by the POS; the redelivered one
    // replays its answer under the same Idempotency-Key, so one hold exists for the step.
    const holds = (await pos.holds()).filter((h) => h.holdId === done.hold?.holdId);
    assert.equal(holds.length, 1);
    assert.equal(holds[0]?.status, 'booked');
    const allHeldOrBooked = (await pos.holds()).filter((h) => h.status !== 'released');
    const forThisSlot = allHeldOrBooked.filter(
      (h) => h.time === '18:00' && h.date === done.request?.date && h.createdAt >= startedAt,
    );
    assert.equal(forThisSlot.length, 1, 'no orphan hold for the slot');
  });
});
