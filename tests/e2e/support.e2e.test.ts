// The support escalation end to end: every service a real process, real nats-server, Temporal
// and Zipkin, faults set at the simulators' boundary (CRM, order system) and outcomes read from
// the simulators' own records. The two CRM-down cases run last: they open the CRM agent's breaker,
// which then stays open for its cool-down.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { decide, pending } from '@baton/console';
import {
  LOCAL_EVENT_SOURCE,
  WaitAbortedError,
  fetchTrace,
  newTraceparent,
  postEvent,
  scrape,
  servicesOf,
  sumOf,
  waitFor,
} from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import registration, {
  supportWorkflowId,
  terminalSupportStates,
  type SupportState,
  type SupportStatus,
  type TicketOpened,
} from '@baton/workflow-support';
import { startStack, type Stack } from './support.js';
import {
  DAMAGED,
  LATE,
  clearFaults,
  customerWithOrder,
  emailsTo,
  orders,
  setFaults,
  setOrdersMode,
  ticketEntries,
  ticketEvent,
} from './support-escalation.js';

describe('support escalation', () => {
  let stack: Stack;
  before(async () => {
    // Fifteen services start side by side; the orchestrator bundles every workflow first.
    stack = await startStack({ workflows: ['support'], readyTimeoutMs: 180_000 });
  });
  afterEach(async () => {
    await Promise.all([clearFaults('CRM'), clearFaults('ORDERS'), setOrdersMode('on')]);
  });
  after(async () => {
    await stack?.close();
  });

  const statusOf = (workflowId: string) =>
    stack.temporal.workflow.getHandle(workflowId).query(statusQuery) as Promise<SupportStatus>;
  const start = async (event: TicketOpened, headers: Record<string, string> = {}) => {
    const { status, body } = await postEvent(event, headers);
    assert.equal(status, 202, JSON.stringify(body));
    assert.equal(body.workflowId, supportWorkflowId(event.idempotencykey, LOCAL_EVENT_SOURCE));
    return String(body.workflowId);
  };
  const waitForState = (workflowId: string, state: SupportState | 'Awaiting approval', timeoutMs = 120_000) =>
    waitFor(
      `${workflowId} to reach "${state}"`,
      async () => {
        const s = await statusOf(workflowId);
        if (s.state !== state && terminalSupportStates.has(s.state))
          throw new WaitAbortedError(
            `${workflowId} ended in "${s.state}" instead (${s.failure ?? 'no failure recorded'})`,
          );
        return s.state === state ? s : undefined;
      },
      { timeoutMs },
    );
  const contextRow = (s: SupportStatus, id: string) =>
    registration.view!.context!(s, undefined).find((r) => r.id === id)?.value ?? '';

  it('resolves a late delivery without a person: the CRM, the order, the refund policy, one refund, the ticket logged, the customer emailed', async () => {
    const who = await customerWithOrder();
    const event = ticketEvent(who, ...LATE);
    const { traceparent, traceId } = newTraceparent();
    const done = await waitForState(await start(event, { traceparent }), 'Resolved');

    assert.equal(done.customer?.source, 'crm');
    assert.equal(done.customer?.customer.name, 'Grace Hopper');
    assert.equal(done.orders?.order?.orderId, who.orderId);
    assert.equal(done.docs?.answer?.articleId, 'late-delivery');
    assert.deepEqual(done.reasons, []);
    assert.equal(done.handledBy, 'baton');
    assert.equal(done.gate, undefined, 'no person was asked');
    const refunds = await orders.refunds(event.data.ticketId);
    assert.deepEqual(
      refunds.map((r) => [r.amountCents, r.status]),
      [[5_200, 'issued']],
      'refunded once, in full',
    );
    assert.equal(refunds[0]!.fencingToken, done.resolution?.fencingToken, 'the write carried the lease token');
    assert.deepEqual(
      (await ticketEntries(event.data.ticketId)).map((e) => [e.kind, e.handledBy]),
      [['resolved', 'baton']],
    );
    assert.deepEqual(await emailsTo(who.email), ['support-resolved']);

    // One trace from the help desk's request through every agent and every system it touched.
    // (The resolution assistant is off here: support-assistant.e2e.test.ts traces it.)
    const agents = Object.keys(registration.agents).filter((a) => a !== 'support-assistant');
    const path = [
      'gateway',
      'orchestrator',
      ...agents.map((a) => `agent-${a}`),
      'crm-sim',
      'orders-sim',
      'ticketing-sim',
      'messaging-sim',
    ];
    let missing = path;
    await waitFor(
      'every service of the escalation in its trace',
      async () => {
        const trace = await fetchTrace(traceId);
        missing = trace ? path.filter((s) => !servicesOf(trace).has(s)) : path;
        return missing.length === 0 || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((err: unknown) => assert.fail(`${(err as Error).message}; missing: ${missing.join(', ')}`));
  });

  it("refunds once when the refund's answer comes too late, even from an order system that takes no idempotency key: the retry finds it by reference", async () => {
    const who = await customerWithOrder();
    await setOrdersMode('off');
    // The refund is stored, and its answer comes after the resolver's 5 s timeout.
    await setFaults('ORDERS', { latencyAfterCommitMs: 6_000 });
    const event = ticketEvent(who, ...LATE);
    const workflowId = await start(event);
    await waitFor(
      'the refund to be stored',
      async () => ((await orders.refunds(event.data.ticketId)).length > 0 ? true : undefined),
      { timeoutMs: 120_000 },
    );
    await clearFaults('ORDERS');
    const done = await waitForState(workflowId, 'Resolved');
    const refunds = await orders.refunds(event.data.ticketId);
    assert.equal(refunds.length, 1, 'reconciled by reference, not refunded again');
    assert.equal(done.resolution?.refundId, refunds[0]!.refundId);
    assert.deepEqual(await emailsTo(who.email), ['support-resolved']);
  });

  it('undoes a replacement the order system refuses for good (the return is cancelled) and tells the customer', async () => {
    const who = await customerWithOrder();
    await setFaults('ORDERS', { refuse: ['POST /orders'], refuseCode: 'OUT_OF_STOCK' });
    const event = ticketEvent(who, ...DAMAGED);
    const done = await waitForState(await start(event), 'Compensated');

    assert.equal(done.proposal?.kind, 'replacement');
    assert.match(done.failure ?? '', /OUT_OF_STOCK|refuses POST \/orders/);
    assert.deepEqual(done.compensated, ['undo-resolution']);
    assert.deepEqual(
      (await orders.returns(event.data.ticketId)).map((r) => r.status),
      ['cancelled'],
      'the return opened before the refusal is cancelled',
    );
    assert.deepEqual(await orders.replacements(event.data.ticketId), [], 'no replacement order stands');
    assert.deepEqual(
      (await ticketEntries(event.data.ticketId)).map((e) => e.kind),
      ['not-resolved'],
    );
    assert.deepEqual(await emailsTo(who.email), ['support-not-resolved']);
  });

  it('resolves a ticket escalated twice at once exactly once: the lease serialises them, the second finds it resolved', async () => {
    const who = await customerWithOrder();
    const first = ticketEvent(who, ...LATE);
    const second = ticketEvent(who, ...LATE, first.data.ticketId);
    const resolverErrors = async () =>
      sumOf(await scrape(stack.services.get('resolver').metricsUrl), 'baton_agent_task_errors_total', {
        baton_error_code: 'LEASE_HELD',
      });
    const contended0 = await resolverErrors();
    // A slow order system keeps the first resolution inside its lease while the second arrives.
    await setFaults('ORDERS', { latencyMs: 1_500 });
    const [a, b] = await Promise.all([start(first), start(second)]);
    const ends = await Promise.all(
      [a, b].map((id) =>
        waitFor(
          `${id} to end`,
          async () => {
            const s = await statusOf(id);
            return terminalSupportStates.has(s.state) ? s : undefined;
          },
          { timeoutMs: 120_000 },
        ),
      ),
    );
    assert.deepEqual(ends.map((s) => s.state).sort(), ['Already resolved', 'Resolved']);
    assert.ok(
      (await resolverErrors()) > contended0,
      "the second resolution met the first one's lease and waited (LEASE_HELD, retried)",
    );
    assert.equal(
      (await orders.refunds(first.data.ticketId)).filter((r) => r.status === 'issued').length,
      1,
      'one refund for the ticket',
    );
    assert.deepEqual((await ticketEntries(first.data.ticketId)).map((e) => e.kind).sort(), ['duplicate', 'resolved']);
    assert.deepEqual(await emailsTo(who.email), ['support-resolved'], 'the customer is told once');
  });

  it('answers from the cached customer data while the CRM is down and its breaker open, and shows the person how old it is', async () => {
    const who = await customerWithOrder();
    // A first ticket reads the customer from the CRM: that read is cached.
    const earlier = await waitForState(
      await start(ticketEvent(who, 'Forgot my password', 'I cannot sign in to my account')),
      'Answered',
    );
    assert.equal(earlier.customer?.source, 'crm');

    await setFaults('CRM', { outageUntil: Date.now() + 10 * 60_000 });
    const event = ticketEvent(who, ...DAMAGED);
    const workflowId = await start(event);
    const waiting = await waitForState(workflowId, 'Awaiting approval');

    assert.equal(waiting.customer?.source, 'cache');
    assert.equal(waiting.customer?.customer.name, 'Grace Hopper');
    assert.equal(waiting.customer?.fetchedAt, earlier.customer?.fetchedAt, 'the data of the last good read');
    assert.ok((waiting.customer?.ageMs ?? 0) > 0);
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['CUSTOMER_FROM_CACHE'],
    );
    assert.match(contextRow(waiting, 'customer-source'), /^from the cache, \d+ s old \(read from the CRM at /);
    assert.equal(waiting.gate?.payload.customer?.source, 'cache', 'the gate shows what the person decides on');
    const breaker = await scrape(stack.services.get('crm-agent').metricsUrl);
    assert.equal(sumOf(breaker, 'baton_breaker_state', { baton_external_system: 'crm' }), 2, 'the CRM breaker is open');
    assert.deepEqual(await orders.replacements(event.data.ticketId), [], 'nothing resolved before a person decides');

    await decide(stack.temporal, workflowId, {
      decision: 'approve',
      decidedBy: 'mia',
      role: 'manager',
      reason: 'known customer, photo checked',
    });
    const done = await waitForState(workflowId, 'Resolved');
    assert.equal(done.handledBy, 'mia');
    assert.equal((await orders.replacements(event.data.ticketId)).filter((o) => o.kind === 'replacement').length, 1);
    assert.deepEqual(
      (await ticketEntries(event.data.ticketId)).map((e) => [e.kind, e.handledBy]),
      [['resolved', 'mia']],
    );
  });

  it('takes the case to a person with its full context when the CRM is down and nothing is cached', async () => {
    const who = await customerWithOrder();
    await setFaults('CRM', { outageUntil: Date.now() + 10 * 60_000 });
    const event = ticketEvent(who, ...LATE);
    const workflowId = await start(event);
    const waiting = await waitForState(workflowId, 'Awaiting approval');

    assert.equal(waiting.customer, undefined);
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['CUSTOMER_UNAVAILABLE'],
    );
    assert.match(waiting.reasons[0]!.detail, /nothing is cached/);
    assert.match(contextRow(waiting, 'customer-source'), /^none: the CRM did not answer/);
    assert.match(contextRow(waiting, 'customer'), new RegExp(who.customerId));
    assert.match(contextRow(waiting, 'order'), new RegExp(`${who.orderId} · delivered`));
    assert.match(contextRow(waiting, 'answer'), /My order arrived late/);
    assert.match(contextRow(waiting, 'proposal'), /refund of 52\.00 EUR/);
    assert.equal(waiting.gate?.payload.ticket.ticketId, event.data.ticketId);
    // What `baton pending` lists: the case beside any other workflow waiting for a person.
    await waitFor('the case in the pending list', async () =>
      (await pending(stack.temporal)).find(
        (w) => w.workflowId === workflowId && w.workflowType === 'support' && w.state === 'Awaiting approval',
      ),
    );

    await decide(stack.temporal, workflowId, {
      decision: 'decline',
      decidedBy: 'mia',
      role: 'manager',
      reason: 'cannot verify the customer',
    });
    const done = await waitForState(workflowId, 'Declined');
    assert.deepEqual(await orders.refunds(event.data.ticketId), []);
    assert.deepEqual(
      (await ticketEntries(event.data.ticketId)).map((e) => [e.kind, e.handledBy]),
      [['declined', 'mia']],
    );
    assert.deepEqual(await emailsTo(who.email), ['support-declined']);
    assert.equal(done.handledBy, 'mia');
  });
});
