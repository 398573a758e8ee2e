// One request, one trace: every service on the path reports spans under the caller's trace id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  fetchTrace,
  newTraceparent,
  postEvent,
  reservationEvent,
  servicesOf,
  spanNamed,
  spanNames,
  waitFor,
  type TraceRecord,
} from '@baton/testkit';
import { startStack, waitForState, type Stack } from './support.js';

const PATH = [
  'gateway',
  'orchestrator',
  'agent-intake',
  'agent-availability',
  'agent-safety',
  'agent-payment',
  'agent-booking',
  'agent-notifier',
  'pos-sim',
  'payment-sim',
  'messaging-sim',
];

describe('tracing across handoffs', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it("joins gateway, workflow, every NATS hop, every agent, the bridge and the external systems in the caller's trace", async () => {
    const { traceparent, traceId } = newTraceparent();
    const answer = await postEvent(reservationEvent('Table for 2, Monday 12:30'), { traceparent });
    assert.equal(answer.body.traceId, traceId, "the gateway continues the caller's trace");
    await waitForState(stack, String(answer.body.workflowId), 'Confirmed');

    // Spans reach the backend in no fixed order (the workflow's own are exported by the worker
    // after it finishes a task): wait for exactly what is asserted, and name what is missing.
    // Zipkin keeps span names in lower case (StartWorkflow:reservationWorkflow arrives as below).
    const missing = (trace: TraceRecord): string[] => {
      const names = spanNames(trace);
      return [
        ...PATH.filter((s) => !servicesOf(trace).has(s)).map((s) => `a span of ${s}`),
        ...(names.some((n) => n.startsWith('startworkflow:reservationworkflow')) ? [] : ['the client start span']),
        ...(names.some((n) => n.startsWith('runworkflow:reservationworkflow')) ? [] : ['the workflow span']),
        ...(names.filter((n) => n.startsWith('runactivity:callagent')).length >= 6
          ? []
          : ['one activity span per step']),
        ...['intake', 'availability', 'safety', 'payment', 'booking', 'notifier'].flatMap((agent) => [
          ...(names.includes(`process baton.task.${agent}`) ? [] : [`the agent consumer span of ${agent}`]),
          ...(names.includes(`process baton.result.${agent}`) ? [] : [`the bridge consumer span of ${agent}`]),
        ]),
      ];
    };
    let last: string[] = ['any trace'];
    const trace = await waitFor(
      'every span this test asserts on',
      async () => {
        const found = await fetchTrace(traceId);
        last = found ? missing(found) : ['any trace'];
        return found && last.length === 0 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((err: unknown) => assert.fail(`${(err as Error).message}; still missing: ${last.join(', ')}`));
    assert.ok(trace.spans.every((s) => s.traceId === traceId));
    assert.deepEqual(missing(trace), []);
    const consumerSpan = spanNamed(trace, 'process baton.task.booking');
    const tag = (key: string) => consumerSpan?.tags?.[key];
    assert.equal(tag('messaging.system'), 'nats');
    assert.equal(tag('messaging.destination.name'), 'baton.task.booking');
    assert.equal(tag('baton.step'), 'book');
  });
});
