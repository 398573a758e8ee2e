// One bill as a durable process: checked when it arrives, then reminders on its timeline (e.g. 7
// days and 1 day before it is due), each point also a check with the accounting system and the
// payment provider. The accounting system's `bill.paid.v1` (a signal) ends it at once, so what
// is left of the timeline never runs. A payment at risk (unpaid within the risk window, past due,
// or a balance below the amount) goes to the owner at the kit's gate with the context and the
// options: pay now, postpone (with a reason), dispute (with a reason). Types only from the
// contracts: no zod in the workflow sandbox.
import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { runWorkflow, type RunOf } from '@baton/workflow-kit/workflow';
import { billPaidSignal, definition, type BillInput, type BillStatus } from './definition.js';
import { inWords, missedPaymentGate, riskOf, timelineOf } from './rules.js';

type Run = RunOf<typeof definition>;

export async function billWorkflow(input: BillInput): Promise<BillStatus> {
  return runWorkflow(
    definition,
    { state: 'Scheduled', eventId: input.event.id, bill: input.bill, reminders: [], postponed: [] },
    input,
    (run) => followBill(run, input),
  );
}

async function followBill(run: Run, input: BillInput): Promise<BillStatus> {
  const { status } = run;
  const { bill, timeline } = input;
  const { workflowId } = workflowInfo();
  const due = Date.parse(bill.dueAt);
  setHandler(billPaidSignal, ({ paidAt }) => {
    if (status.paidAt) return;
    status.paidAt = paidAt;
    // A bill.paid event while the workflow pays the bill is its own payment's echo (the event and
    // the step's answer race over different paths); otherwise someone paid it elsewhere.
    status.paidVia = status.state === 'Paying' ? 'pay-now' : 'event';
  });
  const paid = () => status.paidAt !== undefined;
  const done = () => run.end('Paid');

  const points = timelineOf(bill, timeline, Date.now());
  let checks = 0;
  let gates = 0;
  while (points.length > 0) {
    const point = points.shift()!;
    run.enter(status.postponed.length > 0 && point.kind === 'check' ? 'Postponed' : 'Scheduled');
    // Paid while waiting: nothing left of the timeline runs.
    if (await condition(paid, Math.max(0, point.at - Date.now()))) return done();

    run.enter('Checking');
    const check = await run.step('bill-check', `check-${++checks}`, { bill });
    status.lastCheck = { ...check, at: new Date().toISOString() };
    if (check.paid && !paid()) {
      status.paidAt = check.paidAt ?? new Date().toISOString();
      status.paidVia = 'check';
    }
    if (paid()) return done();

    if (point.kind === 'reminder' && point.reminder !== undefined) {
      run.enter('Reminding');
      // One reminder per point: the step's key makes the message once, whatever retries happen.
      const { messageId } = await run.step('bill-reminder', `remind-${point.reminder}`, {
        bill,
        reminder: point.reminder,
        dueIn: inWords(due - Date.now()),
      });
      status.reminders.push({ reminder: point.reminder, messageId, at: new Date().toISOString() });
      if (paid()) return done();
    }

    const reasons = riskOf(bill, check, Date.now(), timeline.riskWindowMs);
    if (reasons.length === 0) continue;
    // The owner decides at the kit's gate, unless the bill is paid meanwhile (the gate is withdrawn).
    const outcome = await run.gateUntil(
      missedPaymentGate(`${workflowId}/missed-payment/${++gates}`, bill, reasons, check.balanceCents, timeline),
      paid,
    );
    if (outcome === 'withdrawn') return done();
    if (outcome.kind === 'timed-out') {
      await run.escalate(
        `nobody decided on the at-risk bill ${bill.billId} (${reasons.map((r) => r.detail).join('; ')})`,
        reasons.map((r) => ({ name: r.code, error: r.detail })),
      );
      continue;
    }
    const decision = outcome.decision;
    if (decision.decision === 'dispute') {
      status.dispute = { by: decision.decidedBy, reason: decision.reason };
      return run.end('Disputed');
    }
    if (decision.decision === 'postpone') {
      const until = Date.now() + timeline.postponeMs;
      status.postponed.push({ by: decision.decidedBy, reason: decision.reason, until: new Date(until).toISOString() });
      // Back at the postponed time; later points of the timeline still run.
      points.push({ at: until, kind: 'check' });
      points.sort((a, b) => a.at - b.at);
      continue;
    }
    run.enter('Paying');
    const payment = await run.step('bill-payment', `pay-${gates}`, { bill, approvedBy: decision.decidedBy });
    if (!paid()) {
      status.paidAt = payment.paidAt;
      status.paidVia = 'pay-now';
    }
    return done();
  }
  run.enter('Awaiting payment');
  await condition(paid);
  return done();
}
