// Business refusals apply to what intake read: a party larger than the restaurant seats is refused
// with the reason before anything is held, never sent to a person because the number broke a
// contract. On Temporal's test server with the reservation's fake agents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import reservation, { type ReservationAgents, type ReservationStatus } from '../src/index.js';
import { DEFAULT_BOOKING_POLICY } from '../src/rules.js';
import { agents, newWorld, requestEvent } from './fakes.js';

describe('reservation refusals', () => {
  let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
  before(async () => {
    wf = await testWorkflow(reservation);
  });
  after(() => wf?.close());

  it('refuses a party of 200 that intake read, with the reason, and asks no one', async () => {
    const world = newWorld();
    const event = requestEvent('A party of 200 people, Saturday 8pm');
    const run = await wf.start(event, { agents: agents(world, { partySize: 200 }) });
    const status = await run.result();
    assert.equal(status.state, 'Refused');
    const reason = `we can seat at most ${DEFAULT_BOOKING_POLICY.maxPartySize} guests at once`;
    assert.equal(status.refusal, reason);
    assert.equal(status.request?.partySize, 200);
    assert.deepEqual(
      status.steps.map((s) => `${s.agent}:${s.status}`),
      ['intake:ok', 'notifier:ok'],
      'no attention gate, no other agent',
    );
    assert.equal(status.gate, undefined);
    assert.equal(world.holds.size, 0);
    assert.deepEqual(world.messages, [{ kind: 'refused', to: event.data.customer.id, reason }]);
  });

  it("refuses a party just above the restaurant's largest, and books one at it", async () => {
    const max = DEFAULT_BOOKING_POLICY.maxPartySize;
    const over = newWorld();
    const refused = await (await wf.start(requestEvent(), { agents: agents(over, { partySize: max + 1 }) })).result();
    assert.equal(refused.state, 'Refused');
    assert.equal(over.holds.size, 0);
    const at = newWorld();
    // (The safety fake flags parties of 8 and more for a person; this one is seated as is.)
    const booked = await (
      await wf.start(requestEvent(), {
        agents: { ...agents(at, { partySize: max }), safety: () => ({ needsReview: false, reasons: [] }) },
      })
    ).result();
    assert.equal(booked.state, 'Confirmed');
    assert.deepEqual(at.bookings, ['hold-1']);
  });

  /** Intake could not read the time, but did read the party size. */
  const unreadable = (partySize: number) => () => {
    throw Object.assign(new Error('could not read time from the request'), {
      code: 'UNPARSEABLE_REQUEST',
      retryable: false,
      details: { partySize, date: '2099-01-02', missing: ['time'] },
    });
  };

  it('refuses a party of 200 even when intake could not read the rest, instead of asking a person', async () => {
    const world = newWorld();
    const event = requestEvent('A party of 200 people on Friday, sometime in the evening');
    const run = await wf.start(event, { agents: { ...agents(world), intake: unreadable(200) } });
    const status = await run.result();
    assert.equal(status.state, 'Refused');
    const reason = `we can seat at most ${DEFAULT_BOOKING_POLICY.maxPartySize} guests at once`;
    assert.equal(status.refusal, reason);
    assert.deepEqual(
      status.steps.map((s) => `${s.agent}:${s.status}`),
      ['intake:failed', 'notifier:ok'],
      'no attention gate',
    );
    assert.equal(world.holds.size, 0);
    assert.deepEqual(world.messages, [{ kind: 'refused', to: event.data.customer.id, reason }]);
  });

  it('still asks a person when the party intake read fits (or the form stated one that does)', async () => {
    const small = await wf.start(requestEvent('Four of us on Friday, sometime in the evening'), {
      agents: { ...agents(newWorld()), intake: unreadable(4) },
    });
    assert.equal((await small.waitFor('Needs attention')).gate?.kind, 'attention');
    const stated = await wf.start(requestEvent('A party of 200 people on Friday evening', { partySize: 6 }), {
      agents: { ...agents(newWorld()), intake: unreadable(200) },
    });
    assert.equal(
      (await stated.waitFor('Needs attention')).gate?.kind,
      'attention',
      'the form said 6: a person completes it',
    );
  });
});
