// The bills workflow's agents as a workflow test answers them, and its events. The fakes share a
// small world (the accounting system's bills, the payment provider's balances, the messages sent,
// the payments made), so a test checks what happened outside the workflow, not only its status.
import { randomUUID } from 'node:crypto';
import type { AgentFakes } from '@baton/workflow-kit/testing';
import type { Bill, BillPaid, BillReceived, BillsAgents } from '../src/index.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** The accounting system, the payment provider and the messaging provider as the fakes see them. */
export interface World {
  /** Balances by account; an account not here is unknown to the provider (balance null). */
  balances: Map<string, number>;
  /** Bills the accounting system has booked as paid, with when. */
  paid: Map<string, string>;
  reminders: Array<{ billId: string; reminder: number; dueIn: string; messageId: string }>;
  payments: Array<{ billId: string; approvedBy: string; reference: string }>;
}

export function newWorld(): World {
  return { balances: new Map(), paid: new Map(), reminders: [], payments: [] };
}

/** A bill of `amountCents` due `dueInMs` after `now`, paid from an account holding `balanceCents`
 *  (set in `world`). */
export function newBill(
  world: World,
  now: Date,
  options: { dueInMs: number; amountCents?: number; balanceCents?: number },
): Bill {
  const id = randomUUID().slice(0, 8);
  const bill: Bill = {
    billId: `bill-${id}`,
    vendor: 'Fresh Produce Ltd',
    amountCents: options.amountCents ?? 23_000,
    currency: 'EUR',
    dueAt: new Date(now.getTime() + options.dueInMs).toISOString(),
    account: `acct-${id}`,
    owner: { id: `owner-${id}`, name: 'Mia' },
  };
  world.balances.set(bill.account, options.balanceCents ?? 100_000);
  return bill;
}

/** The accounting system's `bill.received.v1` for `bill`. */
export function receivedEvent(bill: Bill, now: Date): BillReceived {
  return {
    id: randomUUID(),
    source: 'urn:baton:test:accounting',
    specversion: '1.0',
    type: 'bill.received.v1',
    time: now.toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: bill.billId,
    data: bill,
  };
}

/** The accounting system's `bill.paid.v1` for `bill`. */
export function paidEvent(bill: Bill, paidAt: Date): BillPaid {
  return {
    id: randomUUID(),
    source: 'urn:baton:test:accounting',
    specversion: '1.0',
    type: 'bill.paid.v1',
    time: paidAt.toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: `paid-${bill.billId}`,
    data: { billId: bill.billId, paidAt: paidAt.toISOString(), amountCents: bill.amountCents },
  };
}

/** Agents that answer from `world`: a check reads it, a reminder and a payment change it. */
export function agents(world: World): AgentFakes<BillsAgents> {
  return {
    'bill-check': ({ bill }) => {
      const paidAt = world.paid.get(bill.billId);
      return {
        paid: paidAt !== undefined,
        ...(paidAt ? { paidAt } : {}),
        balanceCents: world.balances.get(bill.account) ?? null,
      };
    },
    'bill-reminder': ({ bill, reminder, dueIn }) => {
      const messageId = `msg-${world.reminders.length + 1}`;
      world.reminders.push({ billId: bill.billId, reminder, dueIn, messageId });
      return { messageId };
    },
    'bill-payment': ({ bill, approvedBy }) => {
      const paidAt = new Date().toISOString();
      const reference = `pay-${world.payments.length + 1}`;
      world.payments.push({ billId: bill.billId, approvedBy, reference });
      world.paid.set(bill.billId, paidAt);
      world.balances.set(bill.account, (world.balances.get(bill.account) ?? 0) - bill.amountCents);
      return { paidAt, paymentReference: reference };
    },
  };
}
