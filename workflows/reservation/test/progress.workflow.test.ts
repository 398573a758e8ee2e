// What a reservation tells its requester as it goes (docs/progress.md): every state change, each
// step started and finished, the gate opened and decided, and the outcome, in order, numbered
// without a gap; names, states, ids and codes only, never the request, the guest or the person
// who decided. And what it costs: the progress rides on the audit records' activity wherever one
// goes out, so a clean run schedules no activity of its own for it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProgressEvent } from '@baton/contracts';
import { AgentError, testWorkflow, type WorkflowHarness, type WorkflowRunUnderTest } from '@baton/workflow-kit/testing';
import reservation, { type ReservationAgents, type ReservationStatus } from '../src/index.js';
import { agents, newWorld, requestEvent } from './fakes.js';

type Run = WorkflowRunUnderTest<ReservationStatus>;

/** One line per event: what a requester reads. */
function lines(run: Run): string[] {
  return run.records.progress.map((e) => {
    switch (e.kind) {
      case 'state':
        return `state ${e.state}`;
      case 'outcome':
        return `outcome ${e.state} ${e.succeeded ? 'succeeded' : 'did not succeed'}`;
      case 'step.started':
        return `started ${e.stepKind} ${e.agent}`;
      case 'step.finished':
        return `finished ${e.stepKind} ${e.agent} ${e.result}${e.errorCode ? ` ${e.errorCode}` : ''}`;
      default:
        return `${e.kind} ${e.gateType} ${e.role}${e.decision ? ` ${e.decision} by ${e.decidedBy}` : ''}`;
    }
  });
}

/** Every event is valid, numbered 1, 2, 3... and of this workflow. */
function assertWellFormed(run: Run, workflowId: string): void {
  run.records.progress.forEach((e, i) => {
    ProgressEvent.parse(e);
    assert.equal(e.seq, i + 1, `event ${i} is numbered ${e.seq}`);
    assert.equal(e.workflowId, workflowId);
    assert.equal(e.workflowType, 'reservation');
  });
}

describe('reservation progress', () => {
  let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
  before(async () => (wf = await testWorkflow(reservation)));
  after(() => wf?.close());

  it('tells the requester every state, step and the outcome of a clean request, in order, on the audit records alone', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), { agents: agents(world) });
    const status = await run.result();
    assert.equal(status.state, 'Confirmed');
    assertWellFormed(run, run.handle.workflowId);
    assert.deepEqual(lines(run), [
      'state Understanding request',
      'started run intake',
      'finished run intake ok',
      'state Holding table',
      'started run availability',
      'finished run availability ok',
      'state Checking safety',
      'started run safety',
      'finished run safety ok',
      'state Charging deposit',
      'started run payment',
      'finished run payment ok',
      'state Booking',
      'started run booking',
      'finished run booking ok',
      'state Confirming to customer',
      'started run notifier',
      'finished run notifier ok',
      'state Confirmed',
      'outcome Confirmed succeeded',
    ]);
    // Every state change carried it: no activity of its own, no patch marker.
    const history = (await run.handle.fetchHistory()).events ?? [];
    assert.equal(
      history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'progress').length,
      0,
    );
  });

  it('tells the gate opened and decided by a person, never who, and never the request or the guest', async () => {
    const world = newWorld();
    const event = requestEvent('Table for 2, Saturday 8pm, allergic to shellfish');
    const run = await wf.start(event, { agents: agents(world, { allergies: ['shellfish'] }) });
    await run.waitFor('Awaiting approval');
    await run.decide('approve', { role: 'host', by: 'hana', reason: 'kitchen briefed on shellfish' });
    assert.equal((await run.result()).state, 'Confirmed');
    assertWellFormed(run, run.handle.workflowId);
    const told = lines(run);
    const at = told.indexOf('state Awaiting approval');
    assert.deepEqual(told.slice(at - 1, at + 4), [
      'finished run safety ok',
      'state Awaiting approval',
      'gate.opened reservation.allergy host',
      'gate.decided reservation.allergy host approve by person',
      'state Charging deposit',
    ]);
    const everything = JSON.stringify(run.records.progress);
    for (const secret of ['shellfish', 'Ada', 'Lovelace', 'hana', 'kitchen', event.data.customer.id, 'Saturday']) {
      assert.ok(!everything.includes(secret), `progress holds "${secret}"`);
    }
  });

  it('tells a step that failed with its code, the attention gate, and an outcome that did not succeed', async () => {
    const world = newWorld();
    const run = await wf.start(requestEvent(), {
      agents: {
        ...agents(world),
        safety: () => {
          throw new AgentError('SAFETY_DOWN', 'the allergen list is unavailable', false);
        },
      },
    });
    await run.waitFor('Needs attention');
    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'nobody can check allergens tonight' });
    const status = await run.result();
    assertWellFormed(run, run.handle.workflowId);
    const told = lines(run);
    assert.ok(told.includes('finished run safety failed SAFETY_DOWN'), told.join('\n'));
    assert.ok(told.includes('gate.opened baton.attention manager'), told.join('\n'));
    assert.ok(told.includes('gate.decided baton.attention manager abandon by person'), told.join('\n'));
    assert.ok(told.includes('started compensate availability'), told.join('\n'));
    assert.equal(told.at(-1), `outcome ${status.state} did not succeed`);
  });
});
