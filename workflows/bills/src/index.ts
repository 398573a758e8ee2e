// The bills workflow registers itself: `bill.received.v1` starts one workflow per bill,
// `bill.paid.v1` is delivered to that workflow (a signal through the gateway), its agents'
// contracts, its gate type (in its definition), and how the console shows an at-risk bill.
import { z } from 'zod';
import { configFields, loadConfig } from '@baton/contracts';
import { defineWorkflow, sourceModule } from '@baton/workflow-kit';
import { BillPaid, BillReceived, billsAgents, type BillsAgents } from './contracts.js';
import {
  billPaidSignal,
  billWorkflowId,
  definition,
  workflowName,
  type BillInput,
  type BillStatus,
  type BillTimeline,
} from './definition.js';
import { euros } from './rules.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Durations in milliseconds, comma separated: "604800000,86400000". */
const durationList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map(Number),
  )
  .pipe(z.array(z.number().int().positive()).min(1, 'needs at least one duration').max(10, 'at most 10 reminders'));

/** The bills' timeline, read where bills start their workflows (the gateway). Tests set seconds. */
export const BillsConfig = z.object({
  /** Reminders before the due time, in ms (default 7 days and 1 day). */
  BATON_BILLS_REMIND_BEFORE_MS: durationList.default([7 * DAY, DAY]),
  /** Unpaid within this long of the due time is a missed-payment risk (48 h). */
  BATON_BILLS_RISK_WINDOW_MS: configFields.durationMs.default(48 * HOUR),
  /** A postponed bill is checked again this much later (1 day). */
  BATON_BILLS_POSTPONE_MS: configFields.durationMs.default(DAY),
  /** The owner has this long to decide on an at-risk bill (12 h). */
  BATON_BILLS_DECISION_TIMEOUT_MS: configFields.durationMs.default(12 * HOUR),
});

export function timelineFrom(env: Record<string, string | undefined> = process.env): BillTimeline {
  const config = loadConfig(BillsConfig, env);
  return {
    remindBeforeMs: config.BATON_BILLS_REMIND_BEFORE_MS,
    riskWindowMs: config.BATON_BILLS_RISK_WINDOW_MS,
    postponeMs: config.BATON_BILLS_POSTPONE_MS,
    decisionTimeoutMs: config.BATON_BILLS_DECISION_TIMEOUT_MS,
  };
}
const timeline = timelineFrom();

export default defineWorkflow<BillStatus, BillsAgents>({
  definition,
  workflowName,
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {
    'bill.received.v1': {
      schema: BillReceived,
      start: (event: BillReceived) => ({
        workflowId: billWorkflowId(event.data.billId),
        input: { event: { id: event.id }, bill: event.data, timeline } satisfies BillInput,
      }),
    },
  },
  signals: {
    'bill.paid.v1': {
      schema: BillPaid,
      signal: (event: BillPaid) => ({
        workflowId: billWorkflowId(event.data.billId),
        signal: billPaidSignal.name,
        args: [{ paidAt: event.data.paidAt }],
      }),
    },
  },
  agents: billsAgents,
  view: {
    summary: (s) => `${s.bill.vendor}: ${euros(s.bill.amountCents, s.bill.currency)} due ${s.bill.dueAt}`,
    context: (s) => {
      const payload = s.gate?.kind === 'approval' ? s.gate.payload : undefined;
      return [
        {
          label: 'why a person',
          id: 'risk',
          emphasis: true,
          value: payload?.reasons.map((r) => r.detail).join('; ') ?? '',
        },
        {
          label: 'bill',
          id: 'bill',
          value: `${s.bill.vendor} · ${euros(s.bill.amountCents, s.bill.currency)} · due ${s.bill.dueAt}${payload ? ` (in ${payload.dueIn})` : ''}`,
        },
        {
          label: 'account',
          id: 'account',
          value: `${s.bill.account}${payload && payload.balanceCents !== null ? ` · balance ${euros(payload.balanceCents, s.bill.currency)}` : ' · balance unknown'}`,
        },
        {
          label: 'reminders sent',
          id: 'reminders',
          value: s.reminders.map((r) => `#${r.reminder} at ${r.at}`).join(', ') || 'none yet',
        },
        {
          label: 'postponed',
          value: s.postponed.map((p) => `by ${p.by} until ${p.until}: ${p.reason}`).join('; ') || 'never',
        },
        {
          label: 'options',
          value:
            'pay-now: pay it from the account now · postpone: look again later (say why) · dispute: stop the reminders, the bill is contested (say why)',
        },
      ];
    },
    customerId: (s) => s.bill.owner.id,
    successState: 'Paid',
  },
});

export * from './contracts.js';
export * from './definition.js';
export { riskOf, timelineOf, inWords } from './rules.js';
