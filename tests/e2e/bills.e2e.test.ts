// test-tier: own-services (its services run on a shortened reminder timeline)
// Bill reminders end to end, on the real stack: bills entered in the accounting simulator reach
// the gateway as bill.received.v1 (its webhook), each becomes a durable workflow with reminders on
// a timeline, bill.paid.v1 is routed to that workflow, and a payment at risk reaches a person.
// The timeline comes from configuration in seconds (never days). What only real servers show is
// here: the gateway's signal route, the agents against the simulators, the console's decide. The
// workflow's own paths (each gate option, a short balance, paid by a check) are specified on the
// harness in workflows/bills/test/bills.workflow.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@baton/testkit';
import { decide } from '@baton/console';
import { statusQuery } from '@baton/workflow-kit';
import { billWorkflowId, type BillStatus } from '@baton/workflow-bills';
import { messaging, startStack, type Stack } from './support.js';
import { accounting, balances } from './smallbiz.js';

// Reminders 20 s and 12 s before the due time; unpaid 6 s before it is a risk.
const TIMELINE = {
  BATON_BILLS_REMIND_BEFORE_MS: '20000,12000',
  BATON_BILLS_RISK_WINDOW_MS: '6000',
  BATON_BILLS_POSTPONE_MS: '600000',
  BATON_BILLS_DECISION_TIMEOUT_MS: '600000',
};

describe('bill reminders', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ workflows: ['bills'], env: TIMELINE, readyTimeoutMs: 120_000 });
  });
  after(async () => {
    await stack?.close();
  });

  const statusOf = (billId: string) =>
    stack.temporal.workflow.getHandle(billWorkflowId(billId)).query(statusQuery) as Promise<BillStatus>;
  const waitForBill = (billId: string, ok: (s: BillStatus) => boolean, what: string, timeoutMs = 60_000) =>
    waitFor(
      `bill ${billId} ${what}`,
      async () => {
        const status = await statusOf(billId).catch(() => undefined);
        return status && ok(status) ? status : undefined;
      },
      { timeoutMs },
    );
  const owner = () => ({ id: `owner-${randomUUID().slice(0, 8)}`, name: 'Mia' });
  const remindersTo = async (ownerId: string) =>
    (await messaging.messages()).filter((m) => m.to === ownerId && m.template === 'bill-reminder');

  it('cancels what is left of the timeline when the bill is paid before its first reminder', async () => {
    const account = `acct-${randomUUID().slice(0, 8)}`;
    await balances.set(account, 100_000);
    const who = owner();
    const billId = await accounting.enterBill({
      vendor: 'City Water',
      amountCents: 4_500,
      dueAt: new Date(Date.now() + 45_000).toISOString(),
      account,
      owner: who,
    });
    const waiting = await waitForBill(
      billId,
      (s) => s.state === 'Scheduled' && s.lastCheck !== undefined,
      'checked and waiting for its first reminder',
    );
    assert.equal(waiting.lastCheck?.paid, false);
    assert.equal(waiting.reminders.length, 0);

    await accounting.pay(billId);
    const paid = await waitForBill(billId, (s) => s.state === 'Paid', 'paid');
    assert.equal(paid.paidVia, 'event', "the accounting system's bill.paid.v1 reached the workflow");
    assert.deepEqual(paid.reminders, []);
    const handle = stack.temporal.workflow.getHandle(billWorkflowId(billId));
    await handle.result();
    const description = await handle.describe();
    assert.equal(description.status.name, 'COMPLETED', 'nothing of the timeline is left waiting');
    assert.deepEqual(await remindersTo(who.id), [], 'no reminder was sent');
  });

  it('sends each reminder once, then an unpaid bill due within the risk window reaches a person who pays it now', async () => {
    const account = `acct-${randomUUID().slice(0, 8)}`;
    await balances.set(account, 100_000);
    const who = owner();
    const billId = await accounting.enterBill({
      vendor: 'Fresh Produce Ltd',
      amountCents: 23_000,
      dueAt: new Date(Date.now() + 26_000).toISOString(),
      account,
      owner: who,
    });
    const atRisk = await waitForBill(billId, (s) => s.state === 'Awaiting approval', 'at the missed-payment gate');
    assert.deepEqual(
      atRisk.reminders.map((r) => r.reminder),
      [1, 2],
    );
    const reminders = await remindersTo(who.id);
    assert.equal(reminders.length, 2, 'one message per reminder');
    assert.equal(new Set(reminders.map((m) => m.idempotencyKey)).size, 2);
    assert.equal(atRisk.gate?.gateType, 'bills.missed-payment');
    assert.deepEqual(atRisk.gate?.options, ['pay-now', 'postpone', 'dispute']);
    assert.deepEqual(
      atRisk.gate?.payload.reasons.map((r) => r.code),
      ['DUE_SOON'],
    );
    assert.equal(atRisk.gate?.payload.balanceCents, 100_000);

    await assert.rejects(
      decide(stack.temporal, billWorkflowId(billId), {
        decision: 'postpone',
        decidedBy: 'manager-mia',
        role: 'manager',
        reason: '',
      }),
      /postpone needs a reason/,
    );
    await decide(stack.temporal, billWorkflowId(billId), {
      decision: 'pay-now',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'pay it, the supplier matters',
    });
    const paid = await waitForBill(billId, (s) => s.state === 'Paid', 'paid');
    assert.equal(paid.paidVia, 'pay-now');
    assert.equal((await accounting.bill(billId)).status, 'paid', 'the accounting system shows it paid');
    assert.equal((await remindersTo(who.id)).length, 2, 'no further reminder');
  });
});
