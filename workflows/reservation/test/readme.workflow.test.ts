// The README's "Testing a workflow" example, as it stands there (readme.unit.test.ts keeps the two
// the same): a gate nobody decides escalates tier by tier, then expires and releases the table.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import reservation, { type ReservationAgents, type ReservationStatus } from '../src/index.js';
import { agents, newWorld, requestEvent } from './fakes.js';

let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
before(async () => (wf = await testWorkflow(reservation)));
after(() => wf.close());

it('expires an allergy request nobody decides, tier by tier, and releases its table', async () => {
  const world = newWorld();
  const run = await wf.start(requestEvent('Table for 2, Saturday 8pm, nut allergy'), {
    agents: { ...agents(world), safety: () => ({ needsReview: true, reasons: [{ code: 'ALLERGY', detail: 'nuts' }] }) },
  });
  assert.equal((await run.waitFor('Awaiting approval')).gate?.tiers[0]?.role, 'host');
  await wf.advance('2 hours'); // the host's tier runs out: a manager may decide now
  assert.equal((await run.waitFor((s) => s.gate?.tier === 1)).gate?.tiers[1]?.role, 'manager');
  const status = await run.result(); // time skips to the end: nobody decided
  assert.equal(status.state, 'Expired');
  assert.equal(world.holds.get('hold-1')?.released, true);
  assert.deepEqual(
    run.calls('notifier').map((c) => (c.input as { kind: string }).kind),
    ['expired'],
  );
});
