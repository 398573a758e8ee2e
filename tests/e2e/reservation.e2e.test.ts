// The reservation workflow end to end, on real nats-server, Temporal dev server and services:
// what only real servers show. The workflow's own paths (declined, expired, every undo) are
// specified in workflows/reservation/test/reservation.workflow.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { publishJson } from '@baton/bus';
import { LOCAL_EVENT_SOURCE, deadLetters, postEvent, reservationEvent, waitFor } from '@baton/testkit';
import { decide, DecisionRefusedError } from '@baton/console';
import { subjects } from '@baton/contracts';
import { BatonState } from '@baton/workflow-kit/internal';
import { reservationWorkflowId } from '@baton/workflow-reservation';
import {
  messaging,
  pos,
  reservationStatus,
  startStack,
  waitForState,
  withEarlierBooking,
  type Stack,
} from './support.js';

describe('reservation workflow', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('books and confirms a clean request without asking anyone', async () => {
    const event = reservationEvent('Table for 2, Saturday 8pm');
    const answer = await postEvent(event);
    assert.equal(answer.status, 202);
    const workflowId = String(answer.body.workflowId);
    assert.equal(workflowId, reservationWorkflowId(event.idempotencykey, LOCAL_EVENT_SOURCE));

    const status = await waitForState(stack, workflowId, 'Confirmed');
    assert.equal(status.request?.partySize, 2);
    assert.equal(status.request?.time, '20:00');
    assert.equal(status.safety?.needsReview, false);
    assert.deepEqual(
      status.steps.map((s) => `${s.agent}:${s.status}`),
      ['intake:ok', 'availability:ok', 'safety:ok', 'payment:ok', 'booking:ok', 'notifier:ok'],
    );
    const bookings = (await pos.reservations()).filter((r) => r.holdId === status.hold?.holdId);
    assert.equal(bookings.length, 1, 'exactly one reservation in the POS');
    const confirmations = (await messaging.messages()).filter((m) => m.to === event.data.customer.id);
    assert.deepEqual(
      confirmations.map((m) => m.template),
      ['reservation-confirmed'],
    );
  });

  it('holds an allergy request in "Awaiting approval" until a person approves, then books it', async () => {
    // A regular by the POS's record (the text's claim alone would not make one).
    const event = await withEarlierBooking(
      stack,
      reservationEvent('Table for 4, Friday 7pm, customer is a regular, allergic to shellfish'),
    );
    const workflowId = String((await postEvent(event)).body.workflowId);
    const waiting = await waitForState(stack, workflowId, 'Awaiting approval');
    assert.deepEqual(waiting.request?.allergies, ['shellfish']);
    assert.equal(waiting.request?.customer.regular, true);
    assert.deepEqual(
      waiting.safety?.reasons.map((r) => r.code),
      ['ALLERGY'],
    );

    // The Temporal UI's filter finds it by the search attribute that mirrors the state.
    const listed = await waitFor('visibility to list the waiting workflow', async () => {
      for await (const wf of stack.temporal.workflow.list({
        query: `WorkflowId = "${workflowId}" AND BatonState = "Awaiting approval"`,
      }))
        return wf;
      return undefined;
    });
    assert.equal(listed.typedSearchAttributes.get(BatonState), 'Awaiting approval');
    assert.equal(
      (await pos.reservations()).filter((r) => r.holdId === waiting.hold?.holdId).length,
      0,
      'nothing booked before the decision',
    );

    // A decision that fails validation is refused by the update validator; nothing changes.
    await assert.rejects(
      decide(stack.temporal, workflowId, { decision: 'approve', decidedBy: '', role: 'manager' }),
      /decidedBy/,
    );
    assert.equal((await reservationStatus(stack, workflowId)).state, 'Awaiting approval');

    const afterDecision = await decide(stack.temporal, workflowId, {
      decision: 'approve',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'kitchen briefed',
    });
    assert.notEqual(afterDecision.state, 'Awaiting approval');
    const done = await waitForState(stack, workflowId, 'Confirmed');
    assert.equal(done.decision?.decidedBy, 'manager-mia');
    assert.equal((await pos.reservations()).filter((r) => r.holdId === done.hold?.holdId).length, 1);
  });

  it('refuses a decision when none is awaited, and leaves the workflow as it was', async () => {
    const event = reservationEvent('Table for 2, Sunday 1pm');
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitForState(stack, workflowId, 'Confirmed');
    await assert.rejects(
      decide(stack.temporal, workflowId, { decision: 'decline', decidedBy: 'someone', role: 'manager' }),
      (err) => err instanceof DecisionRefusedError && /not waiting/.test(err.message),
    );
    assert.equal((await reservationStatus(stack, workflowId)).state, 'Confirmed');
  });

  it('starts one workflow for an event sent twice, over HTTP and over NATS', async () => {
    const event = reservationEvent('Table for 2, Saturday 7pm');
    const first = await postEvent(event);
    const second = await postEvent(event);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.duplicate, true, 'JetStream dropped the second publish by Nats-Msg-Id');
    // The same event again under a new id (a replaying system) still finds the same workflow.
    await publishJson(
      stack.bus.js,
      subjects.event(event.type),
      { ...event, id: `${event.id}-replayed` },
      { msgID: `${event.id}-replayed` },
    );
    const workflowId = String(first.body.workflowId);
    await waitForState(stack, workflowId, 'Confirmed');
    await waitFor(
      'gateway to handle the replay',
      async () => (await stack.bus.jsm.consumers.info('BATON_EVENTS', 'gateway')).num_pending === 0 || undefined,
    );
    const runs: string[] = [];
    for await (const wf of stack.temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(wf.runId);
    assert.equal(runs.length, 1, 'one workflow execution for the event');
    const holdId = (await reservationStatus(stack, workflowId)).hold?.holdId;
    assert.equal((await pos.reservations()).filter((r) => r.holdId === holdId).length, 1, 'one booking for the event');
  });

  it('dead-letters a malformed event with the reason and starts no workflow', async () => {
    const before = (await deadLetters(stack.bus)).length;
    const malformed = {
      ...reservationEvent('Table for 2, Friday 8pm'),
      specversion: '0.3',
      data: { text: '', customer: { id: 'c1' } },
    };
    const answer = await postEvent(malformed);
    assert.equal(answer.status, 400);
    assert.match(String(answer.body.reason), /specversion/);
    assert.match(String(answer.body.reason), /data\.text/);
    assert.match(String(answer.body.reason), /data\.customer\.name/);

    // Over NATS, a payload that is not even JSON.
    await stack.bus.js.publish(subjects.event('reservation.requested.v1'), 'this is not json {', {
      msgID: `garbage-${malformed.id}`,
    });
    const letters = await waitFor('two new dead letters', async () => {
      const all = await deadLetters(stack.bus);
      return all.length >= before + 2 ? all.slice(before) : undefined;
    });
    assert.ok(
      letters.some((l) => l.rejectedBy === 'gateway' && l.subject === 'http:/events' && /specversion/.test(l.reason)),
    );
    assert.ok(
      letters.some(
        (l) => l.rejectedBy === 'gateway' && /not JSON/.test(l.reason) && l.payload === 'this is not json {',
      ),
    );
    // The payload is kept whole in the dead letter, but the reason (which goes to logs) never quotes it.
    assert.ok(letters.every((l) => !l.reason.includes('this is not json')));
    const workflowId = reservationWorkflowId(malformed.idempotencykey, LOCAL_EVENT_SOURCE);
    await assert.rejects(stack.temporal.workflow.getHandle(workflowId).describe(), /not found/i);
  });
});
