// test-tier: own-services (it replaces the orchestrator with the next version)
// A deploy while work is in flight: a reservation waits at its gate under version N, the
// orchestrator is replaced by version N+1 (tests/e2e/upgrade/reservation-next.ts: a step added
// behind a patch; the new orchestrator's BATON_WORKFLOWS_DIR is a folder where the reservation is
// that version, written by tests/e2e/upgrade/workflows-dir.ts), the person decides. The waiting
// run finishes on its old path and a new run takes the new step; the simulators' records show
// each effect exactly once.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ServiceProcess, WaitAbortedError, postEvent, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { decide } from '@baton/console';
import { pathOf } from '@baton/workflow-kit';
import { messaging, payments, pos, startStack, waitForState, type Stack } from './support.js';
import { nextVersionWorkflowsDir } from './upgrade/workflows-dir.js';

const PATCH = 'reservation.echo-first';

describe('in-flight upgrade', () => {
  let stack: Stack;
  let workflowsDir: string | undefined;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
    if (workflowsDir) rmSync(workflowsDir, { recursive: true, force: true });
  });

  /** The activity ids the run scheduled, and the patch markers it recorded. */
  const historyOf = async (workflowId: string) => {
    const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
    const activityIds = (history.events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes?.activityId ? [e.activityTaskScheduledEventAttributes.activityId] : [],
    );
    return { activityIds, patches: pathOf(history).patches };
  };

  /** Each effect of a confirmed reservation, counted in the external systems' own records. */
  const effectsOf = async (workflowId: string, customerId: string) => {
    const mine = <T extends { idempotencyKey?: string }>(records: T[]) =>
      records.filter((r) => r.idempotencyKey?.startsWith(`${workflowId}/`));
    return {
      holds: mine(await pos.holds()).map((h) => h.status),
      bookings: mine(await pos.reservations()).length,
      charges: mine(await payments.charges()).length,
      messages: (await messaging.messages()).filter((m) => m.to === customerId).map((m) => m.template),
    };
  };

  it('finishes a run waiting under version N on its old path after N+1 is deployed, while a new run takes the added step; nothing lost or repeated', async () => {
    const waiting = reservationEvent('Table for 4, Friday 7pm, allergic to shellfish');
    const oldId = String((await postEvent(waiting)).body.workflowId);
    await waitForState(stack, oldId, 'Awaiting approval');

    // The deploy: version N stops gracefully, version N+1 starts on the same task queue.
    workflowsDir = nextVersionWorkflowsDir(stackEnv().stateDir);
    await stack.services.get('orchestrator').stop();
    const next = await new ServiceProcess('orchestrator', {
      env: { BATON_WORKFLOWS_DIR: workflowsDir },
      readyTimeoutMs: 120_000,
    }).start();
    stack.services.byName.set('orchestrator', next);

    const fresh = reservationEvent('Table for 3, Saturday 8pm, allergic to peanuts');
    const newId = String((await postEvent(fresh)).body.workflowId);
    await waitForState(stack, newId, 'Awaiting approval');

    // The person decides both; N+1 replays the old run's history to take the decision.
    // The new orchestrator answers the old run's first query by replaying its whole history; on a
    // loaded machine that can outlast the console's 3 s, which it reports as retryable (a person
    // would press again): the decision is sent again then, and any other error fails the test.
    const approve = (id: string) =>
      waitFor(
        `the decision on ${id} to be taken`,
        async () => {
          try {
            return await decide(stack.temporal, id, {
              decision: 'approve',
              decidedBy: 'manager-mia',
              role: 'manager',
              reason: 'kitchen briefed',
            });
          } catch (err) {
            if ((err as { code?: string }).code === 'ORCHESTRATOR_UNAVAILABLE') return undefined;
            throw new WaitAbortedError(String(err), { cause: err });
          }
        },
        { timeoutMs: 60_000 },
      );
    await approve(oldId);
    await approve(newId);
    const [oldDone, newDone] = await Promise.all([
      waitForState(stack, oldId, 'Confirmed'),
      waitForState(stack, newId, 'Confirmed'),
    ]);

    const oldHistory = await historyOf(oldId);
    const newHistory = await historyOf(newId);
    assert.ok(!oldHistory.patches.includes(PATCH), 'the old run recorded no marker of the new step');
    assert.ok(!oldHistory.activityIds.includes('run/echo/echo-first'), 'the old run did not take the new step');
    assert.ok(newHistory.patches.includes(PATCH), 'the new run took the patched branch');
    assert.equal(
      newHistory.activityIds.filter((id) => id === 'run/echo/echo-first').length,
      1,
      'the new run took the new step once',
    );

    // Same steps for both, each once; the old run's steps before and after the deploy included.
    const agentSteps = [
      'intake:intake',
      'availability:hold-table',
      'safety:safety-check',
      'payment:deposit',
      'booking:book',
      'notifier:notify-confirmed',
    ];
    for (const done of [oldDone, newDone])
      assert.deepEqual(
        done.steps.map((s) => `${s.agent}:${s.stepId}`),
        agentSteps,
      );
    for (const [id, event] of [
      [oldId, waiting],
      [newId, fresh],
    ] as const) {
      assert.deepEqual(
        await effectsOf(id, event.data.customer.id),
        { holds: ['booked'], bookings: 1, charges: 1, messages: ['reservation-confirmed'] },
        `${id}: each effect exactly once`,
      );
    }
  });
});
