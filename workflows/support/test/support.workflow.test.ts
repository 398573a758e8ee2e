// The support escalation's paths as specifications, in-process on Temporal's test server with
// time skipping (@baton/workflow-kit/testing): the agents are the fakes in fakes.ts over a model
// of the CRM, order, ticketing and email systems; the people are the test. What only real servers
// show (the CRM agent's breaker and cache, the resolver's lease and reconciliation against the
// order simulator, traces) stays in tests/e2e/support.e2e.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttentionPayload } from '@baton/workflow-kit';
import { AgentError, noAnswer, testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import support, { supportWorkflowId, type SupportAgents, type SupportInput, type SupportStatus } from '../src/index.js';
import { CUSTOMER, DAMAGED, LATE, PASSWORD, UNKNOWN, agents, newWorld, ticketEvent, type World } from './fakes.js';

/** What an attention gate shows the person taking a failed step over. */
const attentionOf = (s: SupportStatus) => s.gate?.payload as unknown as AttentionPayload;
const contextRow = (s: SupportStatus, id: string) =>
  support.view!.context!(s, undefined).find((r) => r.id === id)?.value ?? '';
const logged = (world: World) => world.ticketLog.map((e) => [e.kind, e.handledBy]);
const emailed = (world: World) => world.emails.map((e) => e.kind);
/** A decision the workflow refuses: the update fails with the gate's reason as its cause. */
const refused = (decision: Promise<unknown>, reason: RegExp) =>
  assert.rejects(decision, (err: Error) => reason.test(String((err.cause as Error | undefined)?.message)));

describe('support workflow', () => {
  let wf: WorkflowHarness<SupportStatus, SupportAgents>;
  before(async () => {
    wf = await testWorkflow(support);
  });
  after(() => wf?.close());

  /** Starts a ticket with the given input overrides (a deployment's refund limit, its tiers). */
  const startWith = (
    world: World,
    event: ReturnType<typeof ticketEvent>,
    input: Partial<SupportInput>,
    fakes = agents(world),
  ) =>
    wf.startWith({ event, ...input } satisfies SupportInput, {
      workflowId: supportWorkflowId(event.idempotencykey, event.source),
      agents: fakes,
    });

  it('resolves a late delivery without a person: one refund of what the order can still refund, logged and emailed', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), { agents: agents(world) });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      ['crm-lookup', 'order-check', 'docs-search', 'resolve', 'ticket-log', 'email'],
    );
    assert.equal(done.customer?.source, 'crm');
    assert.deepEqual(done.reasons, []);
    assert.equal(done.gate, undefined, 'no person was asked');
    assert.deepEqual(done.proposal && [done.proposal.kind, done.proposal.amountCents], ['refund', 5_200]);
    assert.deepEqual(
      world.refunds.map((r) => [r.amountCents, r.status]),
      [[5_200, 'issued']],
    );
    assert.equal(done.resolution?.refundId, world.refunds[0]!.refundId);
    assert.deepEqual(logged(world), [['resolved', 'baton']]);
    assert.deepEqual(world.emails, [
      { to: CUSTOMER.email, kind: 'resolved', text: `We refunded 52.00 EUR for order ${world.order.orderId}.` },
    ]);
    assert.deepEqual(
      run.records.metrics.filter((m) => m.name === 'ended'),
      [{ name: 'ended', workflowType: 'support', value: 'resolved' }],
    );
  });

  it('answers a question the documentation answers without a resolution: no resolver, the article emailed', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...PASSWORD), { agents: agents(world) });
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.equal(done.proposal, undefined);
    assert.deepEqual(run.calls('resolver'), []);
    assert.deepEqual(logged(world), [['answered', 'baton']]);
    assert.deepEqual(
      world.emails.map((e) => [e.kind, e.text]),
      [['answered', 'Use "Forgot password" on the sign-in page.']],
    );
  });

  it('asks a person when the CRM breaker is open and the customer comes from the cache, showing its age; approved, the replacement is made', async () => {
    const world = newWorld();
    world.crm = { up: false, cached: { fetchedAt: '2026-12-07T08:55:00.000Z', ageMs: 5 * 60_000 } };
    const run = await wf.start(ticketEvent(...DAMAGED), { agents: agents(world) });
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.gate?.gateType, 'support.exception');
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['CUSTOMER_FROM_CACHE'],
    );
    assert.equal(waiting.gate?.payload.customer?.source, 'cache', 'the gate shows what the person decides on');
    assert.equal(
      contextRow(waiting, 'customer-source'),
      'from the cache, 5 min old (read from the CRM at 2026-12-07T08:55:00.000Z)',
    );
    assert.deepEqual(world.returns, [], 'nothing is resolved before a person decides');

    await run.decide('approve', { role: 'manager', by: 'mia', reason: 'known customer, photo checked' });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.equal(done.handledBy, 'mia');
    assert.deepEqual(
      world.replacements.map((o) => o.status),
      ['placed'],
    );
    assert.deepEqual(logged(world), [['resolved', 'mia']]);
    assert.deepEqual(emailed(world), ['resolved']);
  });

  it('asks a person with the whole case when the CRM is down and nothing is cached; declined, nothing is refunded and the customer is told', async () => {
    const world = newWorld();
    world.crm = { up: false };
    const event = ticketEvent(...LATE);
    const run = await wf.start(event, { agents: agents(world) });
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.customer, undefined);
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['CUSTOMER_UNAVAILABLE'],
    );
    assert.match(waiting.reasons[0]!.detail, /nothing is cached/);
    assert.match(contextRow(waiting, 'customer-source'), /^none: the CRM did not answer/);
    assert.match(contextRow(waiting, 'customer'), new RegExp(CUSTOMER.customerId));
    assert.match(contextRow(waiting, 'order'), new RegExp(`${world.order.orderId} · delivered`));
    assert.match(contextRow(waiting, 'answer'), /My order arrived late/);
    assert.match(contextRow(waiting, 'proposal'), /refund of 52\.00 EUR/);
    assert.equal(waiting.gate?.payload.ticket.ticketId, event.data.ticketId);

    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'cannot verify the customer' });
    const done = await run.result();
    assert.equal(done.state, 'Declined');
    assert.equal(done.handledBy, 'mia');
    assert.deepEqual(world.refunds, []);
    assert.deepEqual(logged(world), [['declined', 'mia']]);
    assert.deepEqual(emailed(world), ['declined']);
  });

  it("treats a CRM that never answers like one that is down: after the step's minute of attempts the case goes to a person", async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), { agents: { ...agents(world), 'crm-lookup': () => noAnswer() } });
    const waiting = await run.waitFor('Awaiting approval');
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['CUSTOMER_UNAVAILABLE'],
    );
    assert.ok(run.calls('crm-lookup').length >= 2, 'the lookup was attempted again before giving up');
    assert.ok(run.calls('crm-lookup').every((c) => 'noAnswer' in c.outcome));
    assert.equal(waiting.steps.find((s) => s.stepId === 'crm-lookup')?.errorCode, 'TIMEOUT');
  });

  it('does what a person approved with changes (a part refund instead of the replacement) and refuses a change beyond what the order can refund', async () => {
    const world = newWorld();
    world.crm = { up: false, cached: { fetchedAt: '2026-12-07T08:00:00.000Z', ageMs: 3600_000 } };
    const run = await wf.start(ticketEvent(...DAMAGED), { agents: agents(world) });
    await run.waitFor('Awaiting approval');
    await refused(
      run.decide('approve-with-changes', {
        role: 'manager',
        by: 'mia',
        changes: { resolution: 'refund', amountCents: 9_000 },
      }),
      /amountCents must be between 1 and 5200/,
    );
    assert.equal((await run.status()).gate?.status, 'open', 'a refused change decides nothing');

    await run.decide('approve-with-changes', {
      role: 'manager',
      by: 'mia',
      changes: { resolution: 'refund', amountCents: 1_200 },
    });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.deepEqual(
      run
        .calls('resolver', 'run')
        .map((c) => (c.input as { proposal: { kind: string; amountCents?: number } }).proposal)
        .map((p) => [p.kind, p.amountCents]),
      [['refund', 1_200]],
    );
    assert.deepEqual(
      world.refunds.map((r) => r.amountCents),
      [1_200],
    );
    assert.deepEqual(world.returns, [], 'no replacement was started');
    assert.match(world.emails[0]!.text, /refunded 12\.00 EUR/);
  });

  it('sends a refund over the limit to a person; nobody decides in a working day, so it expires: logged, the customer told a person will follow up', async () => {
    const world = newWorld();
    const run = await startWith(world, ticketEvent(...LATE), { refundLimitCents: 5_000 });
    const waiting = await run.waitFor('Awaiting approval');
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['OVER_REFUND_LIMIT'],
    );
    assert.match(waiting.reasons[0]!.detail, /52\.00 EUR is above the limit of 50\.00 EUR/);
    const done = await run.result();
    assert.equal(done.state, 'Expired');
    assert.equal(done.gate?.status, 'timed-out');
    assert.deepEqual(world.refunds, []);
    assert.deepEqual(logged(world), [['expired', 'baton']]);
    assert.deepEqual(
      world.emails.map((e) => [e.kind, e.text]),
      [['expired', 'Nobody decided in time; a person will follow up.']],
    );
  });

  it('escalates an exception through the tiers it was started with, refusing a decision from a tier that has passed', async () => {
    const world = newWorld();
    const tiers = [
      { role: 'lead', timeoutMs: 3600_000 },
      { role: 'manager', timeoutMs: 3 * 3600_000 },
    ];
    const run = await startWith(world, ticketEvent(...UNKNOWN), { exceptionTiers: tiers });
    const waiting = await run.waitFor('Awaiting approval');
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['NO_ANSWER'],
    );
    assert.equal(waiting.gate?.tier, 0);
    await wf.advance('1 hour');
    const escalated = await run.waitFor((s) => s.gate?.tier === 1);
    assert.equal(escalated.gate?.tiers[1]?.role, 'manager');
    await refused(run.decide('approve', { role: 'lead', by: 'lee' }), /role "lead" may not decide at tier 2/);
    const done = await run.result();
    assert.equal(done.state, 'Expired');
    assert.ok(
      run.records.notices.some((n) => n.type === 'gate.escalated.v1'),
      'the escalation was announced',
    );
    assert.deepEqual(emailed(world), ['expired']);
  });

  it('undoes a replacement the order system refuses for good: the return opened before the refusal is cancelled, the customer told', async () => {
    const world = newWorld();
    world.faults.refuseReplacement = 'OUT_OF_STOCK';
    const run = await wf.start(ticketEvent(...DAMAGED), { agents: agents(world) });
    const done = await run.result();
    assert.equal(done.state, 'Compensated');
    assert.match(done.failure ?? '', /OUT_OF_STOCK/);
    assert.deepEqual(done.compensated, ['undo-resolution']);
    assert.deepEqual(
      world.returns.map((r) => r.status),
      ['cancelled'],
      "found by the resolve step's reference and cancelled",
    );
    assert.deepEqual(world.replacements, []);
    assert.deepEqual(logged(world), [['not-resolved', 'baton']]);
    assert.deepEqual(emailed(world), ['not-resolved']);
  });

  /** A resolver whose refund is written but whose answer says the outcome is unknown, once. */
  const unknownOutcomeOnce = (world: World) => {
    const fakes = agents(world);
    const resolver = fakes.resolver as Exclude<NonNullable<typeof fakes.resolver>, (...args: never[]) => unknown>;
    let failed = false;
    return {
      ...fakes,
      resolver: {
        ...resolver,
        run: async (
          input: Parameters<NonNullable<typeof resolver.run>>[0],
          call: Parameters<NonNullable<typeof resolver.run>>[1],
        ) => {
          const answer = await resolver.run!(input, call);
          if (failed) return answer;
          failed = true;
          throw new AgentError(
            'EFFECT_OUTCOME_UNKNOWN',
            'effect refund: outcome unknown (the order system timed out); check the external system before acting',
            false,
          );
        },
      },
    };
  };

  it('voids a refund whose outcome is unknown when a person abandons the step at its attention gate', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), { agents: unknownOutcomeOnce(world) });
    const attention = await run.waitFor('Needs attention');
    assert.equal(attention.gate?.kind, 'attention');
    assert.equal(attentionOf(attention).step.stepId, 'resolve');
    assert.equal(attentionOf(attention).step.errorCode, 'EFFECT_OUTCOME_UNKNOWN');
    assert.deepEqual(
      world.refunds.map((r) => r.status),
      ['issued'],
      'the refund stands while a person looks',
    );

    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'customer asked to cancel' });
    const done = await run.result();
    assert.equal(done.state, 'Compensated');
    assert.deepEqual(done.compensated, ['undo-resolution']);
    assert.deepEqual(
      world.refunds.map((r) => r.status),
      ['voided'],
    );
    assert.deepEqual(emailed(world), ['not-resolved']);
  });

  it('retries a resolution from its attention gate without refunding twice: the retry finds the refund by its reference', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), { agents: unknownOutcomeOnce(world) });
    await run.waitFor('Needs attention');
    await run.decide('retry', { role: 'manager', by: 'mia' });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.equal(run.calls('resolver', 'run').length, 2);
    assert.deepEqual(
      world.refunds.map((r) => [r.amountCents, r.status]),
      [[5_200, 'issued']],
      'one refund',
    );
    assert.equal(done.resolution?.refundId, world.refunds[0]!.refundId);
  });

  it('hands an undo that fails to a person, and finishes (not resolved, the customer told) once they resolve it', async () => {
    const world = newWorld();
    world.faults.refuseReplacement = 'OUT_OF_STOCK';
    world.faults.undoRefused = true;
    const run = await wf.start(ticketEvent(...DAMAGED), { agents: agents(world) });
    const attention = await run.waitFor('Needs attention');
    assert.match(attention.attention?.reason ?? '', /could not be fully undone \(undo-resolution\)/);
    assert.deepEqual(
      attention.attention?.failures.map((f) => f.name),
      ['undo-resolution'],
    );
    assert.deepEqual(world.emails, [], 'nobody is told anything before a person dealt with it');

    await run.resolve('mia', 'return cancelled by hand');
    const done = await run.result();
    assert.equal(done.state, 'Failed');
    assert.equal(done.attention?.resolution?.resolvedBy, 'mia');
    assert.deepEqual(done.compensated, []);
    assert.deepEqual(logged(world), [['not-resolved', 'baton']]);
    assert.deepEqual(emailed(world), ['not-resolved']);
  });

  it('logs a ticket another escalation already resolved as a duplicate, and does not write to the customer again', async () => {
    const world = newWorld();
    const event = ticketEvent(...LATE);
    world.refunds.push({
      ticketId: event.data.ticketId,
      reference: 'support-other/resolve',
      refundId: 'rf-0',
      amountCents: 5_200,
      status: 'issued',
    });
    const run = await wf.start(event, { agents: agents(world) });
    const done = await run.result();
    assert.equal(done.state, 'Already resolved');
    assert.equal(done.resolution?.alreadyResolved, true);
    assert.equal(world.refunds.length, 1, 'nothing refunded twice');
    assert.deepEqual(
      world.ticketLog.map((e) => e.kind),
      ['duplicate'],
    );
    assert.deepEqual(world.emails, []);
  });

  it('hands a settled case whose log and then email fail to a person each time, without undoing the refund', async () => {
    const world = newWorld();
    const down = (system: string) => () => {
      throw new AgentError('UNAVAILABLE', `${system} is down`, false);
    };
    const run = await wf.start(ticketEvent(...LATE), {
      agents: { ...agents(world), 'ticket-log': down('ticketing'), 'support-mailer': down('email') },
    });
    const logFailed = await run.waitFor('Needs attention');
    assert.match(logFailed.attention?.reason ?? '', /could not be logged/);
    await run.resolve('mia', 'logged by hand');
    const mailFailed = await run.waitFor(
      (s) => s.state === 'Needs attention' && /could not be emailed/.test(s.attention?.reason ?? ''),
    );
    assert.equal(mailFailed.attention?.resolution, undefined);
    await run.resolve('mia', 'called the customer');
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.equal(done.ticketEntryId, undefined);
    assert.equal(done.messageId, undefined);
    assert.deepEqual(
      world.refunds.map((r) => r.status),
      ['issued'],
      'the refund stands',
    );
    assert.deepEqual(done.compensated, []);
  });

  it('asks a person when the order system does not answer; with no order, approving only answers, and a refund cannot be chosen', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), {
      agents: {
        ...agents(world),
        'order-check': () => {
          throw new AgentError('UNAVAILABLE', 'the order system is unavailable', false);
        },
      },
    });
    const waiting = await run.waitFor('Awaiting approval');
    assert.deepEqual(
      waiting.reasons.map((r) => r.code),
      ['ORDER_UNAVAILABLE'],
    );
    assert.equal(waiting.proposal, undefined);
    await refused(
      run.decide('approve-with-changes', { role: 'manager', by: 'mia', changes: { resolution: 'refund' } }),
      /no order to resolve against/,
    );
    await run.decide('approve', { role: 'manager', by: 'mia' });
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.deepEqual(run.calls('resolver'), []);
    assert.deepEqual(logged(world), [['answered', 'mia']]);
  });

  it('takes a documentation search that fails for good to a person at its attention gate; retried, the case goes on', async () => {
    const world = newWorld();
    const fakes = agents(world);
    let down = true;
    const run = await wf.start(ticketEvent(...LATE), {
      agents: {
        ...fakes,
        'docs-search': (input, call) => {
          if (down) throw new AgentError('INDEX_UNAVAILABLE', 'the search index is being rebuilt', false);
          return (
            fakes['docs-search'] as Extract<NonNullable<(typeof fakes)['docs-search']>, (...args: never[]) => unknown>
          )(input, call);
        },
      },
    });
    const attention = await run.waitFor('Needs attention');
    assert.equal(attention.gate?.kind, 'attention');
    assert.deepEqual(attention.gate?.options, ['retry', 'correct-input', 'abandon']);
    assert.match(attentionOf(attention).reason, /the search index is being rebuilt/);
    down = false;
    await run.decide('retry', { role: 'manager', by: 'mia' });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.deepEqual(
      world.refunds.map((r) => r.status),
      ['issued'],
    );
  });

  it('ends a case whose documentation search a person abandons in Failed, with the reason, and changes nothing', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), {
      agents: {
        ...agents(world),
        'docs-search': () => {
          throw new AgentError('INDEX_UNAVAILABLE', 'the search index is being rebuilt', false);
        },
      },
    });
    await run.waitFor('Needs attention');
    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'the index is down for the day' });
    const done = await run.result();
    assert.equal(done.state, 'Failed');
    assert.match(done.failure ?? '', /abandoned by mia: the index is down for the day/);
    assert.deepEqual(run.calls('resolver'), []);
    assert.deepEqual(world.refunds, []);
  });
});
