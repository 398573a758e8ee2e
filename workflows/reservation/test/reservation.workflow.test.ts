// The reservation's paths as specifications, in-process on Temporal's test server with time
// skipping (@baton/workflow-kit/testing): agents are the fakes in fakes.ts, people are the test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import reservation, { type ReservationAgents, type ReservationStatus } from '../src/index.js';
import { agents, newWorld, requestEvent } from './fakes.js';

describe('reservation workflow', () => {
  let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
  before(async () => {
    wf = await testWorkflow(reservation);
  });
  after(() => wf?.close());

  it('books and confirms a clean request without asking anyone', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), { agents: agents(world) });
    const status = await run.result();
    assert.equal(status.state, 'Confirmed');
    assert.deepEqual(status.steps.map((s) => `${s.agent}:${s.status}`), ['intake:ok', 'availability:ok', 'safety:ok', 'payment:ok', 'booking:ok', 'notifier:ok']);
    assert.deepEqual(world.bookings, ['hold-1']);
    assert.deepEqual(world.messages.map((m) => m.kind), ['confirmed']);
  });

  it('undoes the hold and tells the guest when a person declines an allergy request', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent('Table for 2, Saturday 8pm, allergic to shellfish'), { agents: agents(world, { allergies: ['shellfish'] }) });
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.gate?.gateType, 'reservation.allergy');
    await run.decide('decline', { role: 'host', by: 'hana', reason: 'kitchen cannot guarantee it' });
    const status = await run.result();
    assert.equal(status.state, 'Declined');
    assert.equal(world.holds.get('hold-1')?.released, true);
    assert.equal(world.charges.size, 0);
    assert.deepEqual(world.messages.map((m) => m.kind), ['declined']);
  });

  it('escalates an unanswered allergy gate through its tiers, then expires it and releases the hold', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent('Table for 2, Saturday 8pm, nut allergy'), { agents: agents(world, { allergies: ['nuts'] }) });
    await run.waitFor('Awaiting approval');
    await wf.advance('2 hours');
    const escalated = await run.waitFor((s) => (s.gate?.tier ?? 0) === 1);
    assert.equal(escalated.gate?.tiers[1]?.role, 'manager');
    const status = await run.result();
    assert.equal(status.state, 'Expired');
    assert.equal(world.holds.get('hold-1')?.released, true);
    assert.deepEqual(world.messages.map((m) => m.kind), ['expired']);
  });
});
