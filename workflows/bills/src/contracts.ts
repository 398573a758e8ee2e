// The bills workflow's contracts: the accounting system's events (a bill received, a bill paid)
// and its agents' input and output. zod values live here (the gateway, the result bridge and the
// agents load them); the workflow code imports types only.
import { z } from 'zod';
import { defineAgentContract, eventEnvelope } from '@baton/contracts';

export const Bill = z.object({
  billId: z.string().min(1).max(100),
  vendor: z.string().min(1).max(200),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
  dueAt: z.iso.datetime({ offset: true }),
  /** The payment account it is paid from (the payment provider's account id). */
  account: z.string().min(1).max(100),
  /** Who is reminded, and who decides when the payment is at risk. */
  owner: z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) }),
});
export type Bill = z.infer<typeof Bill>;

export const BillReceived = eventEnvelope('bill.received.v1', Bill);
export type BillReceived = z.infer<typeof BillReceived>;

export const BillPaidData = z.object({
  billId: z.string().min(1).max(100),
  paidAt: z.iso.datetime({ offset: true }),
  amountCents: z.number().int().positive().optional(),
});
export const BillPaid = eventEnvelope('bill.paid.v1', BillPaidData);
export type BillPaid = z.infer<typeof BillPaid>;

/** What the accounting system and the payment provider say of a bill now. */
export const BillCheck = z.object({
  paid: z.boolean(),
  paidAt: z.iso.datetime({ offset: true }).optional(),
  /** The account's balance; null when the payment provider does not know the account. */
  balanceCents: z.number().int().nullable(),
});
export type BillCheck = z.infer<typeof BillCheck>;

export const billsAgents = {
  'bill-check': defineAgentContract('bill-check', { input: z.object({ bill: Bill }), output: BillCheck }),
  'bill-reminder': defineAgentContract('bill-reminder', {
    input: z.object({ bill: Bill, reminder: z.number().int().min(1), dueIn: z.string().min(1).max(100) }),
    output: z.object({ messageId: z.string().min(1) }),
  }),
  'bill-payment': defineAgentContract('bill-payment', {
    input: z.object({ bill: Bill, approvedBy: z.string().min(1) }),
    output: z.object({ paidAt: z.iso.datetime({ offset: true }), paymentReference: z.string().min(1) }),
  }),
};
export type BillsAgents = typeof billsAgents;
