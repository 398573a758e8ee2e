// Dates against the right clock: a request's weekdays are read relative to the day the guest's
// request was taken (the event's receivedOn), but whether that date has passed is checked against
// the workflow's own now; an event whose own time is far from when it arrived is flagged, never
// refused. On Temporal's test server, whose clock starts at the real time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import reservation, { type ReservationAgents, type ReservationStatus } from '../src/index.js';
import { RECEIVED_ON, agents, daysAfterReceived, newWorld, requestEvent } from './fakes.js';

const DAY_MS = 86_400_000;

/** The first Friday strictly after `date`: how intake reads "Friday" taken on that day. */
function fridayAfter(date: string): string {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return new Date(Date.parse(`${date}T12:00:00Z`) + ((5 - day + 7) % 7 || 7) * DAY_MS).toISOString().slice(0, 10);
}

/** A request for "Friday" whose event says it was taken `daysAgo` days ago. */
function stampedEvent(daysAgo: number) {
  const stamped = new Date(Date.now() - daysAgo * DAY_MS);
  const event = requestEvent('Table for 2, Friday 8pm');
  return {
    ...event,
    time: stamped.toISOString(),
    data: { ...event.data, receivedOn: stamped.toISOString().slice(0, 10) },
  };
}

describe('reservation dates', () => {
  let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
  before(async () => {
    wf = await testWorkflow(reservation);
  });
  after(() => wf?.close());

  it('never books a past date for a three-week-old event asking for "Friday": read relative to its day, refused against now, flagged', async () => {
    const world = newWorld();
    const event = stampedEvent(21);
    const run = await wf.start(event, {
      agents: {
        ...agents(world),
        // Intake reads the weekday as the real one does: relative to the day the request was taken.
        intake: (input) => ({
          partySize: 2,
          date: fridayAfter(input.receivedOn!),
          time: '20:00',
          customer: { ...input.customer, regular: false },
          allergies: [],
        }),
      },
    });
    const status = await run.result();
    const friday = fridayAfter(event.data.receivedOn);
    assert.ok(friday < RECEIVED_ON, `the Friday after the stamp (${friday}) is before today (${RECEIVED_ON})`);
    assert.equal(status.request?.date, friday, "read relative to the guest's day");
    assert.equal(status.state, 'Refused');
    assert.equal(status.refusal, `the date you asked for (${friday}) has passed`);
    assert.equal(world.holds.size, 0, 'nothing held');
    assert.deepEqual(world.bookings, [], 'nothing booked');
    assert.deepEqual(world.messages, [{ kind: 'refused', to: event.data.customer.id, reason: status.refusal }]);
    assert.match(status.eventTimeFlag ?? '', /^the event's time \(.+\) is 50[0-9] hours before it arrived/);
  });

  it('books a date still ahead for an old event, and flags the event time without refusing it', async () => {
    const world = newWorld();
    const ahead = daysAfterReceived(5);
    const run = await wf.start(stampedEvent(3), { agents: agents(world, { date: ahead }) });
    const status = await run.result();
    assert.equal(status.state, 'Confirmed');
    assert.equal(status.request?.date, ahead);
    assert.deepEqual(world.bookings, ['hold-1']);
    assert.match(status.eventTimeFlag ?? '', /hours before it arrived/);
  });

  it('refuses a date before today even when the event says it was taken earlier still; a fresh event is not flagged', async () => {
    const world = newWorld();
    // The event claims "taken a week ago"; the guest's date is yesterday: after the claimed day, before today.
    // Its own time is the test server's now (earlier tests of this file skip its clock forward by
    // hours): a fixed time of day would be "fresh" or a day old depending on when the suite runs.
    const event = {
      ...requestEvent('Table for 2, yesterday 8pm', { receivedOn: daysAfterReceived(-7) }),
      time: (await wf.now()).toISOString(),
    };
    const run = await wf.start(event, { agents: agents(world, { date: daysAfterReceived(-1) }) });
    const status = await run.result();
    assert.equal(status.state, 'Refused');
    assert.match(status.refusal ?? '', /has passed/);
    assert.equal(status.eventTimeFlag, undefined, "the event's own time is now");
    assert.equal(world.holds.size, 0);
  });
});
