// Effects whose outcome arrives late, as specifications: a system that commits a charge, a hold or
// a booking after the workflow stopped waiting for it. Every undo is registered before its call
// and looks by the step's reference, cancelling it for good at the system (cancel-before-create,
// modelled by the fakes' world as the simulators do it), so what commits afterwards is refused and
// the guest is told only what the records support. The agents' side of the rule (a retry cancels
// the pending attempt before it sends again) is proved on the real stack
// (tests/e2e/late-commits.e2e.test.ts) against the simulators.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type WorkflowHarness, type WorkflowRunUnderTest } from '@baton/workflow-kit/testing';
import reservation, { type ReservationAgents, type ReservationStatus } from '../src/index.js';
import {
  agents,
  bookingAnswerLost,
  bookingCommittedLate,
  cancelBooking,
  chargeCommittedLate,
  holdCommittedLate,
  newWorld,
  refund,
  releaseHold,
  requestEvent,
  settleLate,
  type World,
} from './fakes.js';

type Run = WorkflowRunUnderTest<ReservationStatus>;
const inputsTo = (run: Run, agent: keyof ReservationAgents & string, kind: 'run' | 'compensate' = 'run') =>
  run.calls(agent, kind).map((c) => c.input);
const told = (world: World) => world.messages.map((m) => [m.kind, m.reason]);
const standingCharges = (world: World) => [...world.charges.values()].filter((c) => !c.refunded);

describe('reservation: effects committed late', () => {
  let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
  before(async () => {
    wf = await testWorkflow(reservation);
  });
  after(() => wf?.close());

  it('refuses a charge the provider commits after the undo looked for it, and tells a first-time guest no deposit was taken', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), {
      agents: {
        ...agents(world, { regular: false }),
        payment: { run: chargeCommittedLate(world), compensate: refund(world) },
      },
    });
    const status = await run.result();
    assert.equal(status.state, 'Compensated');
    assert.deepEqual(
      inputsTo(run, 'payment', 'compensate'),
      [{ chargeReference: `${run.workflowId}/deposit` }],
      'the undo looked by reference',
    );
    assert.ok(run.calls('payment', 'run').length > 1, 'the deposit step retried within its budget');
    // The provider commits now, after the undo: refused, because the undo cancelled the reference.
    const late = settleLate(world);
    assert.deepEqual(late, { refused: run.calls('payment', 'run').length, committed: 0 });
    assert.deepEqual(standingCharges(world), [], 'no charge stands');
    assert.deepEqual(status.compensated, ['release-hold'], 'nothing refunded: nothing was charged');
    assert.deepEqual(told(world), [['cancelled', 'no deposit was taken']], 'never "refunded" without a refund');
  });

  it("never records a regular's deposit waived while a charge can still stand: the late charge is refused", async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), {
      agents: {
        ...agents(world, { regular: true }),
        payment: { run: chargeCommittedLate(world), compensate: refund(world) },
      },
    });
    const status = await run.result();
    assert.equal(status.state, 'Confirmed');
    assert.ok(status.deposit && 'waived' in status.deposit);
    assert.deepEqual(inputsTo(run, 'payment', 'compensate'), [{ chargeReference: `${run.workflowId}/deposit` }]);
    assert.equal(settleLate(world).committed, 0);
    assert.deepEqual(standingCharges(world), []);
    assert.deepEqual(told(world), [['confirmed', undefined]]);
  });

  it('refuses a hold the POS commits after the undo looked for it, and tells the guest no deposit was taken', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), {
      agents: { ...agents(world), availability: { run: holdCommittedLate(world), compensate: releaseHold(world) } },
    });
    await run.waitFor('Needs attention');
    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'the POS does not answer' });
    const status = await run.result();
    assert.equal(status.state, 'Failed', 'nothing was held, so nothing was compensated');
    assert.deepEqual(inputsTo(run, 'availability', 'compensate'), [{ holdReference: `${run.workflowId}/hold-table` }]);
    assert.deepEqual(settleLate(world), { refused: run.calls('availability', 'run').length, committed: 0 });
    assert.equal(world.holds.size, 0, 'no hold stands');
    assert.deepEqual(told(world), [['cancelled', 'no deposit was taken']]);
  });

  it("cancels, by the step's reference, a booking the POS made but never answered for, before the deposit is refunded and the hold released", async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), {
      agents: { ...agents(world), booking: { run: bookingAnswerLost(world), compensate: cancelBooking(world) } },
    });
    await run.waitFor('Needs attention');
    assert.deepEqual(
      [...world.booked.values()].map((b) => b.cancelled),
      [false],
      'the booking stands in the POS',
    );
    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'the POS does not answer' });
    const status = await run.result();
    assert.equal(status.state, 'Compensated');
    assert.equal(status.booking, undefined, 'the workflow never learned the booking');
    assert.deepEqual(inputsTo(run, 'booking', 'compensate'), [{ bookingReference: `${run.workflowId}/book` }]);
    assert.deepEqual(
      [...world.booked.values()].map((b) => b.cancelled),
      [true],
      'the booking is cancelled',
    );
    assert.deepEqual(status.compensated, ['cancel-booking', 'refund-deposit', 'release-hold'], 'newest first');
    assert.deepEqual(standingCharges(world), []);
    assert.equal(world.holds.get('hold-1')?.released, true);
    assert.equal(status.attention, undefined, 'nothing left for a person');
    assert.deepEqual(told(world), [['cancelled', 'your deposit has been refunded']]);
  });

  it('refuses a booking the POS commits after the undo looked for it', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), {
      agents: { ...agents(world), booking: { run: bookingCommittedLate(world), compensate: cancelBooking(world) } },
    });
    await run.waitFor('Needs attention');
    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'the POS does not answer' });
    const status = await run.result();
    assert.equal(status.state, 'Compensated');
    assert.deepEqual(inputsTo(run, 'booking', 'compensate'), [{ bookingReference: `${run.workflowId}/book` }]);
    assert.equal(settleLate(world).committed, 0);
    assert.equal(world.booked.size, 0, 'no booking stands');
    assert.deepEqual(status.compensated, ['refund-deposit', 'release-hold']);
    assert.deepEqual(told(world), [['cancelled', 'your deposit has been refunded']]);
  });
});
