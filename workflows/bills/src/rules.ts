// The bills' business rules, pure: when a payment is at risk, the timeline of checks and
// reminders, and the gate the owner decides at. Time is passed in (the workflow's clock).
import { GateRefusedError, type GateRequest } from '@baton/workflow-kit/workflow';
import type { BillCheck, Bill } from './contracts.js';
import {
  MISSED_PAYMENT_GATE,
  MISSED_PAYMENT_OPTIONS,
  type BillTimeline,
  type MissedPaymentPayload,
  type RiskReason,
} from './definition.js';

/** A duration in words for the owner: "6 days", "3 hours", "40 seconds". */
export function inWords(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  if (ms < 0) return `${inWords(-ms)} ago`;
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return 'now';
}

export const euros = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** Why the payment may be missed: unpaid within the risk window (or past due), or the account
 *  cannot cover it. Empty: no risk. An unknown balance is not a risk by itself. */
export function riskOf(bill: Bill, check: BillCheck, nowMs: number, riskWindowMs: number): RiskReason[] {
  if (check.paid) return [];
  const reasons: RiskReason[] = [];
  const left = Date.parse(bill.dueAt) - nowMs;
  if (left <= 0) reasons.push({ code: 'OVERDUE', detail: `due ${inWords(left)} and not paid` });
  else if (left <= riskWindowMs) reasons.push({ code: 'DUE_SOON', detail: `due in ${inWords(left)} and not paid` });
  if (check.balanceCents !== null && check.balanceCents < bill.amountCents) {
    reasons.push({
      code: 'BALANCE_SHORT',
      detail: `the account ${bill.account} holds ${euros(check.balanceCents, bill.currency)}, less than the ${euros(bill.amountCents, bill.currency)} due`,
    });
  }
  return reasons;
}

export interface TimelinePoint {
  at: number;
  kind: 'check' | 'reminder' | 'risk' | 'due';
  reminder?: number;
}

/** The points at which the bill is checked: now, each reminder, the opening of the risk window,
 *  and the due time; points already past are dropped, the rest in time order. */
export function timelineOf(bill: Bill, timeline: BillTimeline, nowMs: number): TimelinePoint[] {
  const due = Date.parse(bill.dueAt);
  const points: TimelinePoint[] = [
    ...[...timeline.remindBeforeMs]
      .sort((a, b) => b - a)
      .map((ms, i) => ({ at: due - ms, kind: 'reminder' as const, reminder: i + 1 })),
    { at: due - timeline.riskWindowMs, kind: 'risk' },
    { at: due, kind: 'due' },
  ];
  return [{ at: nowMs, kind: 'check' as const }, ...points.filter((p) => p.at > nowMs).sort((a, b) => a.at - b.at)];
}

/** The gate an at-risk bill meets: the owner (a manager, within the timeline's decision time)
 *  pays now, postpones or disputes it; postponing or disputing needs a reason. */
export function missedPaymentGate(
  gateId: string,
  bill: Bill,
  reasons: RiskReason[],
  balanceCents: number | null,
  timeline: BillTimeline,
): GateRequest<MissedPaymentPayload> {
  return {
    gateId,
    gateType: MISSED_PAYMENT_GATE,
    payload: { bill, reasons, balanceCents, dueIn: inWords(Date.parse(bill.dueAt) - Date.now()) },
    options: [...MISSED_PAYMENT_OPTIONS],
    tiers: [{ role: 'manager', timeoutMs: timeline.decisionTimeoutMs }],
    safeDefault: 'nothing is paid; the bill is handed to a person as a problem to deal with',
    checkDecision: (d) => {
      if ((d.decision === 'postpone' || d.decision === 'dispute') && d.reason.trim().length === 0)
        throw new GateRefusedError(`${d.decision} needs a reason`);
    },
  };
}
