// The registry's routes to running workflows (`signals`) and its schedules: one owner per event
// type across starts and signals, one declaration per schedule id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { eventEnvelope } from '@baton/contracts';
import {
  Registry,
  RegistrationError,
  defineWorkflow,
  type ScheduleDeclaration,
  type WorkflowRegistration,
} from '../src/internal.js';

const schedule = (scheduleId: string): ScheduleDeclaration => ({
  scheduleId,
  workflowName: 'tickWorkflow',
  args: [],
  calendars: [{ hour: 7, minute: 0 }],
  overlap: 'SKIP',
  catchupWindowMs: 3_600_000,
});
function workflow(type: string, over: Partial<WorkflowRegistration> = {}): WorkflowRegistration {
  return defineWorkflow({
    definition: { type, states: ['Doing', 'Done'], terminal: ['Done'], limitsMs: {}, gateTypes: {} },
    workflowName: `${type}Workflow`,
    workflowModule: `/nowhere/${type}.ts`,
    events: {
      [`${type}.requested.v1`]: {
        schema: eventEnvelope(`${type}.requested.v1`, z.object({})),
        start: () => ({ workflowId: type, input: {} }),
      },
    },
    agents: {},
    ...over,
  });
}
const paid = {
  'errand.paid.v1': {
    schema: eventEnvelope('errand.paid.v1', z.object({})),
    signal: () => ({ workflowId: 'errand', signal: 'paid', args: [] }),
  },
};

describe('workflow registry: signals and schedules', () => {
  it('routes a signal event type to its workflow and lists every schedule with its workflow type', () => {
    const registry = Registry.of([workflow('errand', { signals: paid, schedules: [schedule('tick')] })]);
    assert.equal(registry.signals.get('errand.paid.v1')?.workflow.definition.type, 'errand');
    assert.equal(registry.events.has('errand.paid.v1'), false);
    assert.deepEqual(
      registry.schedules.map((s) => [s.scheduleId, s.workflowType]),
      [['tick', 'errand']],
    );
  });

  it('refuses an event type that both starts and signals, and a schedule declared twice', () => {
    const clash = (rs: WorkflowRegistration[], expected: RegExp) =>
      assert.throws(
        () => Registry.of(rs),
        (err: unknown) => err instanceof RegistrationError && expected.test(err.message),
      );
    clash(
      [workflow('errand'), workflow('chore', { signals: { 'errand.requested.v1': paid['errand.paid.v1'] } })],
      /event type errand\.requested\.v1 is registered by both errand and chore/,
    );
    clash(
      [workflow('errand', { schedules: [schedule('tick')] }), workflow('chore', { schedules: [schedule('tick')] })],
      /schedule tick is declared twice/,
    );
    clash(
      [workflow('errand', { signals: { 'errand-paid': paid['errand.paid.v1'] } })],
      /"errand-paid" is not a dotted, versioned type/,
    );
  });
});
