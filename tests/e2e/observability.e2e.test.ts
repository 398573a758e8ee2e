// What operators see: Prometheus metrics with the right counts, stuck workflows found by a
// visibility query and announced as a notice, and no personal data in traces or logs.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decide } from '@baton/console';
import { streams, subjects, taskQueues } from '@baton/contracts';
import {
  fetchTrace,
  newTraceparent,
  postEvent,
  reservationEvent,
  scrape,
  servicesOf,
  spanNamed,
  stackEnv,
  sumOf,
  waitFor,
  type Sample,
} from '@baton/testkit';
import { BatonStuck } from '@baton/workflow-kit/internal';
import { reservationWorkflowId, workflowTypes, type ReservationInput } from '@baton/workflow-reservation';
import { startStack, waitForState, type Stack } from './support.js';

describe('observability', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  const metricsOf = (name: Parameters<Stack['services']['get']>[0]) => scrape(stack.services.get(name).metricsUrl);
  const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}) =>
    sumOf(after, name, labels) - sumOf(before, name, labels);

  it('exposes the named metrics on Prometheus endpoints with counts that match a known set of requests', async () => {
    const [gw0, orch0, booking0, pos0] = await Promise.all([
      metricsOf('gateway'),
      metricsOf('orchestrator'),
      metricsOf('booking'),
      metricsOf('availability'),
    ]);

    const clean = [reservationEvent('Table for 2, Monday 7pm'), reservationEvent('Table for 3, Tuesday 8pm')];
    const approved = reservationEvent('Table for 4, Wednesday 7pm, allergic to peanuts');
    const declined = reservationEvent('Table for 2, Thursday 9pm, allergic to milk');
    const ids = await Promise.all(
      [...clean, approved, declined].map(async (e) => String((await postEvent(e)).body.workflowId)),
    );
    await postEvent(clean[0]!); // a duplicate
    await postEvent({ ...reservationEvent('Table for 2, Friday 7pm'), type: 'reservation.requested.v9' }); // dead-lettered
    await waitForState(stack, ids[2]!, 'Awaiting approval');
    await waitForState(stack, ids[3]!, 'Awaiting approval');

    // Two gates wait for a person: the orchestrator reports them and their age.
    const orchWaiting = await waitFor('two pending gates', async () => {
      const m = await metricsOf('orchestrator');
      return sumOf(m, 'baton_gates_pending') >= 2 ? m : undefined;
    });
    assert.ok(sumOf(orchWaiting, 'baton_gates_oldest_age_seconds') > 0);

    await decide(stack.temporal, ids[2]!, { decision: 'approve', decidedBy: 'ops-olga', role: 'manager' });
    await decide(stack.temporal, ids[3]!, { decision: 'decline', decidedBy: 'ops-olga', role: 'manager' });
    for (const id of [ids[0]!, ids[1]!, ids[2]!]) await waitForState(stack, id, 'Confirmed');
    await waitForState(stack, ids[3]!, 'Declined');

    const gw1 = await metricsOf('gateway');
    assert.equal(delta(gw0, gw1, 'baton_workflows_started_total', { baton_workflow_type: 'reservation' }), 4);
    assert.equal(
      delta(gw0, gw1, 'baton_events_received_total', { baton_outcome: 'duplicate' }),
      0,
      'the duplicate was dropped by Nats-Msg-Id before the gateway saw it',
    );
    assert.equal(delta(gw0, gw1, 'baton_events_received_total', { baton_outcome: 'dead_lettered' }), 1);
    assert.equal(delta(gw0, gw1, 'baton_dead_letters_total', { baton_rejected_by: 'gateway' }), 1);

    const orch1 = await waitFor('the outcomes to be counted', async () => {
      const m = await metricsOf('orchestrator');
      return delta(orch0, m, 'baton_workflows_ended_total', { baton_outcome: 'confirmed' }) >= 3 ? m : undefined;
    });
    assert.equal(
      delta(orch0, orch1, 'baton_workflows_ended_total', {
        baton_workflow_type: 'reservation',
        baton_outcome: 'confirmed',
      }),
      3,
    );
    assert.equal(
      delta(orch0, orch1, 'baton_workflows_ended_total', {
        baton_workflow_type: 'reservation',
        baton_outcome: 'declined',
      }),
      1,
    );

    const booking1 = await metricsOf('booking');
    assert.equal(
      delta(booking0, booking1, 'baton_agent_task_duration_seconds_count', {
        baton_agent: 'booking',
        baton_outcome: 'ok',
      }),
      3,
    );
    const pos1 = await metricsOf('availability');
    // Three holds and one release went to the POS, and its breaker is closed (0).
    assert.equal(delta(pos0, pos1, 'baton_agent_task_duration_seconds_count', { baton_agent: 'availability' }), 5);
    assert.equal(sumOf(pos1, 'baton_breaker_state', { baton_external_system: 'pos' }), 0);
    assert.ok(
      pos1.some((s) => s.name === 'baton_breaker_state'),
      'breaker state is exported',
    );
  });

  it('reports a workflow held past its state limit as stuck: search attribute, visibility query, notice and metric', async () => {
    const event = reservationEvent('Table for 2, Sunday 7pm, allergic to sesame');
    const workflowId = reservationWorkflowId(event.idempotencykey, event.source);
    const input: ReservationInput = { event, stateLimitsMs: { 'Awaiting approval': 1_500 } };
    await stack.temporal.workflow.start(workflowTypes.reservation, {
      taskQueue: taskQueues.orchestrator,
      workflowId,
      args: [input],
    });
    await waitForState(stack, workflowId, 'Awaiting approval');

    const found = await waitFor('the visibility query to find it stuck', async () => {
      for await (const wf of stack.temporal.workflow.list({
        query: `BatonStuck = true AND BatonState = "Awaiting approval" AND WorkflowId = "${workflowId}"`,
      }))
        return wf;
      return undefined;
    });
    assert.equal(found.typedSearchAttributes.get(BatonStuck), true);

    const notice = await waitFor('the workflow.stuck.v1 notice', async () => {
      const consumer = await stack.bus.js.consumers.get(streams.notices, {
        filter_subjects: [subjects.notice('workflow.stuck.v1')],
      });
      const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
      for await (const m of batch) {
        const body = m.json<{ subject: string; data: { state: string; limitMs: number } }>();
        if (body.subject === workflowId) return body;
      }
      return undefined;
    });
    assert.equal(notice.data.state, 'Awaiting approval');
    assert.equal(notice.data.limitMs, 1_500);
    assert.ok(sumOf(await metricsOf('orchestrator'), 'baton_workflows_stuck_now') >= 1);

    // Moving on clears the flag.
    await decide(stack.temporal, workflowId, { decision: 'approve', decidedBy: 'ops-olga', role: 'manager' });
    await waitForState(stack, workflowId, 'Confirmed');
    await waitFor('the stuck flag to clear', async () => {
      for await (const wf of stack.temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
        return wf.typedSearchAttributes.get(BatonStuck) === false || undefined;
      return undefined;
    });
  });

  it('keeps personal data planted in a request out of every span and every log line', async () => {
    const planted = { name: 'Zelda Quirinus-Oyelaran', phone: '+1 555 0199 4471', allergen: 'pistachio' };
    const { traceparent, traceId } = newTraceparent();
    const event = reservationEvent(`Table for 2, Saturday 1pm, allergic to ${planted.allergen}, call ${planted.phone}`);
    event.data.customer = { id: 'cust-pii-check', name: planted.name, phone: planted.phone };
    const workflowId = String((await postEvent(event, { traceparent })).body.workflowId);
    await waitForState(stack, workflowId, 'Awaiting approval');
    await decide(stack.temporal, workflowId, { decision: 'approve', decidedBy: 'ops-olga', role: 'manager' });
    await waitForState(stack, workflowId, 'Confirmed');

    // Wait for what is asserted below: the last services on the path, the producer span and its consumer.
    const trace = await waitFor('the full trace', async () => {
      const t = await fetchTrace(traceId);
      return t &&
        servicesOf(t).has('agent-notifier') &&
        servicesOf(t).has('messaging-sim') &&
        spanNamed(t, 'send baton.task.booking') &&
        spanNamed(t, 'process baton.task.booking')
        ? t
        : undefined;
    });
    // Every span whole: names, tags and annotations (Zipkin's span events).
    const spanText = JSON.stringify(trace.spans);
    const logDir = join(stackEnv().stateDir, 'logs', 'services');
    const logText = readdirSync(logDir)
      .map((f) => readFileSync(join(logDir, f), 'utf8'))
      .join('\n');
    for (const value of Object.values(planted)) {
      assert.ok(!spanText.includes(value), `"${value}" appears in a span`);
      assert.ok(!logText.includes(value), `"${value}" appears in a log`);
    }
    // The messaging spans follow the conventions: a producer span per publish, parent of the consumer.
    const publish = spanNamed(trace, 'send baton.task.booking');
    assert.ok(publish, 'producer span for the booking task');
    assert.equal(publish.kind, 'PRODUCER');
    assert.equal(publish.tags?.['messaging.destination.name'], 'baton.task.booking');
    assert.ok(
      trace.spans.some(
        (s) => s.name === 'process baton.task.booking' && s.kind === 'CONSUMER' && s.parentId === publish.id,
      ),
      "the booking agent's consumer span is a child of the producer span",
    );
  });
});
