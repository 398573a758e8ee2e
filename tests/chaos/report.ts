// The chaos suite's ground truth: what the external systems themselves recorded, grouped per
// request, and the printed side-by-side report.
import type { Charge, PosHold, PosReservation, Refund, SentMessage, SimStats } from '../e2e/support.js';

export interface Records {
  charges: Charge[];
  refunds: Refund[];
  reservations: PosReservation[];
  holds: Array<PosHold & { holdId: string }>;
  messages: Array<SentMessage & { idempotencyKey: string }>;
}

/** Idempotency keys are `workflowId/stepId/effect`: the owning request is everything before the
 *  last two segments. */
export function requestOf(idempotencyKey: string | undefined): string {
  return (idempotencyKey ?? '').split('/').slice(0, -2).join('/');
}

function countDuplicates<T>(items: T[], key: (item: T) => string): number {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(key(item), (seen.get(key(item)) ?? 0) + 1);
  return [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
}

export interface Tally {
  duplicateCharges: number;
  duplicateBookings: number;
  duplicateMessages: number;
  duplicateRefunds: number;
}

/** Duplicates per request: two charges, bookings or same-template messages for one request. */
export function tally(records: Records, belongs: (requestId: string) => boolean): Tally {
  const charges = records.charges.filter((c) => belongs(requestOf(c.idempotencyKey)));
  const reservations = records.reservations.filter((r) => belongs(requestOf(r.idempotencyKey)));
  const messages = records.messages.filter((m) => belongs(requestOf(m.idempotencyKey)));
  const refunds = records.refunds.filter((r) => belongs(requestOf(r.idempotencyKey)));
  return {
    duplicateCharges: countDuplicates(charges, (c) => requestOf(c.idempotencyKey)),
    duplicateBookings: countDuplicates(reservations, (r) => requestOf(r.idempotencyKey)),
    duplicateMessages: countDuplicates(messages, (m) => `${requestOf(m.idempotencyKey)} ${m.template}`),
    duplicateRefunds: countDuplicates(refunds, (r) => r.chargeId),
  };
}

export function failureRate(stats: SimStats): string {
  return stats.requests === 0 ? 'n/a' : `${((100 * stats.injectedFailures) / stats.requests).toFixed(1)}% of ${stats.requests}`;
}

export function printTable(title: string, header: [string, string, string], rows: Array<[string, string | number, string | number]>): string {
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: Array<string | number>) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('   ');
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
