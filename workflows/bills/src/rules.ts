// The bills' business rules, pure: when a payment is at risk, and the timeline of checks and
// reminders. Time is passed in (the workflow's clock).
import type { BillCheck, Bill } from './contracts.js';
import type { BillTimeline, RiskReason } from './definition.js';

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
    reasons.push({ code: 'BALANCE_SHORT', detail: `the account ${bill.account} holds ${euros(check.balanceCents, bill.currency)}, less than the ${euros(bill.amountCents, bill.currency)} due` });
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
    ...[...timeline.remindBeforeMs].sort((a, b) => b - a).map((ms, i) => ({ at: due - ms, kind: 'reminder' as const, reminder: i + 1 })),
    { at: due - timeline.riskWindowMs, kind: 'risk' },
    { at: due, kind: 'due' },
  ];
  return [{ at: nowMs, kind: 'check' as const }, ...points.filter((p) => p.at > nowMs).sort((a, b) => a.at - b.at)];
}
