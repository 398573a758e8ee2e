// The bills workflow's paths as specifications, in-process on Temporal's test server with time
// skipping (@baton/workflow-kit/testing): weeks of reminders pass in seconds, on the production
// timeline (reminders 7 days and 1 day before the due time, a 48 hour risk window, 12 hours for
// the owner to decide). Agents are the fakes in fakes.ts; the owner is the test. The accounting
// system's `bill.paid.v1` is delivered as the gateway delivers it: through the registration's
// signal route, as a signal to the bill's workflow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type WorkflowHarness, type WorkflowRunUnderTest } from '@baton/workflow-kit/testing';
import bills, { BillPaid, type Bill, type BillStatus, type BillsAgents } from '../src/index.js';
import { DAY, HOUR, agents, newBill, newWorld, paidEvent, receivedEvent, type World } from './fakes.js';

describe('bills workflow', () => {
  let wf: WorkflowHarness<BillStatus, BillsAgents>;
  before(async () => {
    wf = await testWorkflow(bills);
  });
  after(() => wf?.close());

  /** The bill.paid.v1 event, routed as the gateway routes it. */
  const pay = async (run: WorkflowRunUnderTest<BillStatus>, bill: Bill) => {
    const route = bills.signals!['bill.paid.v1']!;
    const { workflowId, signal, args } = route.signal(BillPaid.parse(paidEvent(bill, await wf.now())));
    assert.equal(workflowId, run.workflowId, "the paid event finds the bill's workflow");
    await run.signal(signal, ...args);
  };
  const receive = async (world: World, options: Parameters<typeof newBill>[2]) => {
    const bill = newBill(world, await wf.now(), options);
    const run = await wf.start(receivedEvent(bill, await wf.now()), { agents: agents(world) });
    return { bill, run };
  };
  /** A decision the workflow refused, with its reason (the update fails; its cause says why). */
  const refused = (reason: RegExp) => (err: unknown) =>
    reason.test(String((err as { cause?: { message?: string } }).cause?.message));
  const reminderSteps = (run: WorkflowRunUnderTest<BillStatus>) =>
    run.calls('bill-reminder').map((c) => `${c.stepId}#${(c.input as { reminder: number }).reminder}`);

  it('reminds a week and a day before, escalates the gate nobody decided, and is paid by the owner at the next one', async () => {
    const world = newWorld();
    const { bill, run } = await receive(world, { dueInMs: 21 * DAY });

    // Day 19: the first reminder went out on day 14; unpaid 48 hours before the due time is a risk.
    await wf.advance(19 * DAY);
    const atRisk = await run.waitFor('Awaiting approval');
    assert.deepEqual(
      world.reminders.map((r) => r.reminder),
      [1],
    );
    // Counted when the reminder goes, just after its point: a week ahead reads "6 days" (whole days, rounded down).
    assert.match(world.reminders[0]!.dueIn, /^(6|7) days$/);
    assert.equal(atRisk.gate?.gateType, 'bills.missed-payment');
    assert.deepEqual(atRisk.gate?.options, ['pay-now', 'postpone', 'dispute']);
    assert.deepEqual(
      atRisk.gate?.payload.reasons.map((r) => r.code),
      ['DUE_SOON'],
    );
    assert.match(atRisk.gate?.payload.dueIn ?? '', /^(1 day|2 days)$/);

    // Nobody decides within 12 hours: nothing is paid, the bill goes to a person as a problem.
    await wf.advance(12 * HOUR);
    const escalated = await run.waitFor('Needs attention');
    assert.match(
      escalated.attention?.reason ?? '',
      new RegExp(`^nobody decided on the at-risk bill ${bill.billId} \\(due in (1 day|2 days) and not paid\\)$`),
    );
    assert.deepEqual(
      escalated.attention?.failures.map((f) => f.name),
      ['DUE_SOON'],
    );
    assert.deepEqual([escalated.gate?.status, escalated.gate?.decidedBy], ['timed-out', 'timeout']);
    assert.deepEqual(
      run.records.metrics.filter((m) => m.name === 'escalated').map((m) => m.workflowType),
      ['bills'],
    );
    assert.equal(world.payments.length, 0);

    // Dealt with; the timeline goes on: the second reminder a day before, and the risk again.
    await run.resolve('mia', 'called the supplier, paying tomorrow');
    await wf.advance(12 * HOUR);
    const again = await run.waitFor((s) => s.state === 'Awaiting approval' && s.gate?.gateId !== atRisk.gate?.gateId);
    assert.deepEqual(
      again.reminders.map((r) => r.reminder),
      [1, 2],
    );
    assert.match(again.gate?.payload.dueIn ?? '', /^(\d+ hours|1 day)$/);

    await run.decide('pay-now', { role: 'manager', by: 'mia', reason: 'pay it, the supplier matters' });
    const status = await run.result();
    assert.equal(status.state, 'Paid');
    assert.equal(status.paidVia, 'pay-now');
    assert.deepEqual(world.payments, [{ billId: bill.billId, approvedBy: 'mia', reference: 'pay-1' }]);
    // Each reminder once, each its own step (the step's key makes the message once on the real stack).
    assert.deepEqual(reminderSteps(run), ['remind-1#1', 'remind-2#2']);
    assert.deepEqual(
      world.reminders.map((r) => r.reminder),
      [1, 2],
    );
  });

  it('cancels the rest of the timeline when the bill.paid event comes before the first reminder', async () => {
    const world = newWorld();
    const { bill, run } = await receive(world, { dueInMs: 21 * DAY });
    const waiting = await run.waitFor((s) => s.state === 'Scheduled' && s.lastCheck !== undefined);
    assert.equal(waiting.lastCheck?.paid, false);

    await wf.advance(3 * DAY);
    await pay(run, bill);
    const status = await run.result();
    assert.equal(status.state, 'Paid');
    assert.equal(status.paidVia, 'event');
    assert.deepEqual(status.reminders, []);
    assert.deepEqual(reminderSteps(run), []);
    assert.equal(run.calls('bill-check').length, 1, 'checked once, when it arrived');
    assert.ok(
      Date.parse(status.stateSince) < Date.parse(bill.dueAt) - 7 * DAY,
      'paid when the event came, not at a later point of the timeline',
    );
  });

  it("sends no reminder when the accounting system already shows the bill paid at the reminder's check", async () => {
    const world = newWorld();
    const { bill, run } = await receive(world, { dueInMs: 10 * DAY });
    await run.waitFor((s) => s.lastCheck !== undefined);
    world.paid.set(bill.billId, new Date().toISOString());
    const status = await run.result();
    assert.equal(status.state, 'Paid');
    assert.equal(status.paidVia, 'check');
    assert.deepEqual(reminderSteps(run), []);
    assert.equal(run.calls('bill-check').length, 2);
  });

  it('brings a bill the account cannot cover to the owner at once, who disputes it: reminders stop', async () => {
    const world = newWorld();
    const received = await wf.now();
    const { bill, run } = await receive(world, { dueInMs: 30 * DAY, amountCents: 50_000, balanceCents: 1_000 });
    const atRisk = await run.waitFor('Awaiting approval');
    assert.equal(
      (await wf.now()).getTime() - received.getTime() < 60_000,
      true,
      'at the first check, not at a reminder',
    );
    assert.deepEqual(
      atRisk.gate?.payload.reasons.map((r) => r.code),
      ['BALANCE_SHORT'],
    );
    assert.match(
      atRisk.gate?.payload.reasons[0]?.detail ?? '',
      new RegExp(`the account ${bill.account} holds 10\\.00 EUR, less than the 500\\.00 EUR due`),
    );
    assert.equal(atRisk.gate?.payload.balanceCents, 1_000);
    assert.deepEqual(reminderSteps(run), []);

    await assert.rejects(
      run.decide('dispute', { role: 'manager', by: 'mia', reason: ' ' }),
      refused(/dispute needs a reason/),
    );
    await run.decide('dispute', { role: 'manager', by: 'mia', reason: 'we returned half the linen' });
    const status = await run.result();
    assert.equal(status.state, 'Disputed');
    assert.deepEqual(status.dispute, { by: 'mia', reason: 'we returned half the linen' });
    assert.deepEqual(reminderSteps(run), [], 'a disputed bill is not reminded');
    assert.equal(world.payments.length, 0);
  });

  it('looks at a postponed bill again a day later, and goes on with the timeline when the risk is gone', async () => {
    const world = newWorld();
    const { bill, run } = await receive(world, { dueInMs: 30 * DAY, amountCents: 50_000, balanceCents: 1_000 });
    await run.waitFor('Awaiting approval');
    await assert.rejects(
      run.decide('postpone', { role: 'manager', by: 'mia', reason: '' }),
      refused(/postpone needs a reason/),
    );
    const decidedAt = await wf.now();
    const postponed = await run.decide('postpone', {
      role: 'manager',
      by: 'mia',
      reason: 'the account is topped up tomorrow',
    });
    assert.equal(postponed.state, 'Postponed');
    assert.equal(postponed.postponed[0]?.by, 'mia');
    assert.equal(Date.parse(postponed.postponed[0]!.until) - decidedAt.getTime() >= DAY, true);
    assert.equal(run.calls('bill-check').length, 1, 'not looked at again before the day is up');

    world.balances.set(bill.account, 80_000);
    await wf.advance(DAY + HOUR);
    const after = await run.waitFor((s) => s.state === 'Scheduled' && s.lastCheck?.balanceCents === 80_000);
    assert.equal(after.gate?.status, 'decided', 'no new gate: the risk is gone');
    assert.equal(run.calls('bill-check').length, 2);
    assert.equal(world.payments.length, 0);

    await pay(run, bill);
    const status = await run.result();
    assert.equal(status.state, 'Paid');
    assert.equal(status.paidVia, 'event');
  });
});
