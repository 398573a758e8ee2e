// The bills workflow's declared states, gate type and limits, its signal and its status: pure
// data shared by its workflow code (in Temporal's sandbox) and its registration.
import { defineSignal } from '@temporalio/workflow';
import type { GateView, KitState, RunOptions, WorkflowDefinition, WorkflowStatus } from '@baton/workflow-kit/workflow';
import type { Bill, BillCheck, BillsAgents } from './contracts.js';

export const States = [
  'Scheduled',
  'Checking',
  'Reminding',
  'Awaiting approval',
  'Paying',
  'Postponed',
  'Awaiting payment',
  'Needs attention',
  'Paid',
  'Disputed',
] as const;
export type State = (typeof States)[number];

export const MISSED_PAYMENT_GATE = 'bills.missed-payment';
/** What a person may do with a bill at risk. `postpone` and `dispute` need a reason. */
export const MISSED_PAYMENT_OPTIONS = ['pay-now', 'postpone', 'dispute'] as const;

export const definition: WorkflowDefinition<State, BillsAgents, BillStatus> = {
  type: 'bills',
  states: States,
  terminal: ['Paid', 'Disputed'],
  // A bill waits for weeks between reminders by design: only the steps have limits.
  limitsMs: {
    Checking: 10 * 60_000,
    Reminding: 10 * 60_000,
    Paying: 10 * 60_000,
    'Awaiting approval': 12 * 3600_000,
    'Needs attention': 24 * 3600_000,
  },
  gateTypes: {
    [MISSED_PAYMENT_GATE]: {
      autoApprove: false,
      title: 'A bill may not be paid in time: pay now, postpone (why) or dispute',
    },
  },
};

/** The timeline, from configuration (tests run it in seconds). */
export interface BillTimeline {
  /** Reminders, each this long before the due time (e.g. 7 days and 1 day). */
  remindBeforeMs: number[];
  /** Unpaid this close to the due time is a missed-payment risk (48 hours). */
  riskWindowMs: number;
  /** A postponed decision comes back this much later. */
  postponeMs: number;
  /** How long the owner has to decide before it is escalated as a problem to deal with. */
  decisionTimeoutMs: number;
}

export interface RiskReason {
  code: 'DUE_SOON' | 'BALANCE_SHORT' | 'OVERDUE';
  detail: string;
}

export interface MissedPaymentPayload {
  bill: Bill;
  reasons: RiskReason[];
  balanceCents: number | null;
  dueIn: string;
}

export interface BillStatus extends WorkflowStatus<State> {
  state: State | KitState;
  eventId: string;
  bill: Bill;
  reminders: Array<{ reminder: number; messageId: string; at: string }>;
  lastCheck?: BillCheck & { at: string };
  gate?: GateView<MissedPaymentPayload>;
  postponed: Array<{ by: string; reason: string; until: string }>;
  paidAt?: string;
  /** How it was paid: the accounting system's event, a check that found it paid, or a person's pay-now. */
  paidVia?: 'event' | 'check' | 'pay-now';
  dispute?: { by: string; reason: string };
}

export interface BillInput extends RunOptions<State> {
  event: { id: string };
  bill: Bill;
  timeline: BillTimeline;
}

/** The accounting system says the bill is paid (its `bill.paid.v1`, routed by the gateway). */
export const billPaidSignal = defineSignal<[{ paidAt: string }]>('billPaid');

export const workflowName = 'billWorkflow';
/** One workflow per bill: the received event and the paid event both find it by the bill id. */
export const billWorkflowId = (billId: string) => `bill-${billId}`;
