// One request, one trace: every service on the path reports spans under the caller's trace id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fetchTrace, newTraceparent, postEvent, reservationEvent, servicesOf, waitFor } from '@baton/testkit';
import { startStack, waitForState, type Stack } from './support.js';

const PATH = ['gateway', 'orchestrator', 'agent-intake', 'agent-availability', 'agent-safety', 'agent-payment', 'agent-booking', 'agent-notifier', 'pos-sim', 'payment-sim', 'messaging-sim'];

describe('tracing across handoffs', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('joins gateway, workflow, every NATS hop, every agent, the bridge and the external systems in the caller\'s trace', async () => {
    const { traceparent, traceId } = newTraceparent();
    const answer = await postEvent(reservationEvent('Table for 2, Monday 12:30'), { traceparent });
    assert.equal(answer.body.traceId, traceId, 'the gateway continues the caller\'s trace');
    await waitForState(stack, String(answer.body.workflowId), 'Confirmed');

    const trace = await waitFor(
      'spans from every service on the path',
      async () => {
        const found = await fetchTrace(traceId);
        return found && PATH.every((s) => servicesOf(found).has(s)) ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.ok(trace.spans.every((s) => s.traceID === traceId));
    const names = trace.spans.map((s) => s.operationName);
    // Temporal's interceptors: the workflow start, the workflow run and each activity attempt.
    assert.ok(names.some((n) => n.startsWith('StartWorkflow:reservationWorkflow')), 'client start span');
    assert.ok(names.some((n) => n.startsWith('RunWorkflow:reservationWorkflow')), 'workflow span');
    assert.ok(names.filter((n) => n.startsWith('RunActivity:callAgent')).length >= 6, 'one activity span per step');
    // Baton's messaging spans, one per task consumed and per result bridged.
    for (const agent of ['intake', 'availability', 'safety', 'payment', 'booking', 'notifier']) {
      assert.ok(names.includes(`process baton.task.${agent}`), `agent consumer span for ${agent}`);
      assert.ok(names.includes(`process baton.result.${agent}`), `bridge consumer span for ${agent}`);
    }
    const consumerSpan = trace.spans.find((s) => s.operationName === 'process baton.task.booking');
    const tag = (key: string) => consumerSpan?.tags.find((t) => t.key === key)?.value;
    assert.equal(tag('messaging.system'), 'nats');
    assert.equal(tag('messaging.destination.name'), 'baton.task.booking');
    assert.equal(tag('baton.step'), 'book');
  });
});
