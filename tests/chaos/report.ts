// The chaos suite's judgement: what the external systems themselves recorded (the ground truth,
// in the simulators' lmdb stores, outside the NATS and Temporal servers the suite crashes),
// checked against what each workflow says happened, and the printed report. Pure functions of
// the records and the statuses, so the suite can also show them catching what they claim to.
import type { ReservationStatus } from '@baton/workflow-reservation';

// ---- the simulators' records -----------------------------------------------------------------
// Every record carries the Idempotency-Key it was asked with and the client's reference (the
// key, as Baton's agents send no other): in idempotency mode "off" one effect applied twice is
// two records with the same reference.

export interface ChargeRecord {
  chargeId: string;
  idempotencyKey: string | null;
  reference: string | null;
  refunded: boolean;
}
export interface RefundRecord {
  refundId: string;
  chargeId: string;
  idempotencyKey: string | null;
  reference: string | null;
}
export interface HoldRecord {
  holdId: string;
  status: 'held' | 'released' | 'booked';
  idempotencyKey: string | null;
  reference: string | null;
}
export interface BookingRecord {
  reservationId: string;
  holdId: string;
  idempotencyKey: string | null;
  reference: string | null;
  /** Cancelled by the reservation's undo (the table is free again); absent: booked. */
  status?: 'booked' | 'cancelled';
}
export interface MessageRecord {
  messageId: string;
  template: string;
  idempotencyKey: string | null;
  reference: string | null;
}

export interface Records {
  charges: ChargeRecord[];
  refunds: RefundRecord[];
  reservations: BookingRecord[];
  holds: HoldRecord[];
  messages: MessageRecord[];
}

/** Idempotency keys are `workflowId/stepId/effect`: the owning request is everything before the
 *  last two segments. */
export function requestOf(idempotencyKey: string | null | undefined): string {
  return (idempotencyKey ?? '').split('/').slice(0, -2).join('/');
}

/** The records that belong to the requests `belongs` accepts. */
export function recordsOf(records: Records, belongs: (requestId: string) => boolean): Records {
  const mine = <T extends { idempotencyKey: string | null }>(list: T[]) =>
    list.filter((r) => belongs(requestOf(r.idempotencyKey)));
  return {
    charges: mine(records.charges),
    refunds: mine(records.refunds),
    reservations: mine(records.reservations),
    holds: mine(records.holds),
    messages: mine(records.messages),
  };
}

// ---- duplicates ------------------------------------------------------------------------------

export interface Duplicate {
  kind: 'charge' | 'hold' | 'booking' | 'message' | 'refund';
  /** What the records share: the effect's reference, or the request (and template). */
  key: string;
  /** The request the records belong to. */
  request: string;
  count: number;
}

function repeated<T extends { idempotencyKey: string | null }>(
  kind: Duplicate['kind'],
  items: T[],
  keyOf: (item: T) => string,
): Duplicate[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups]
    .filter(([, list]) => list.length > 1)
    .map(([key, list]) => ({ kind, key, request: requestOf(list[0]!.idempotencyKey), count: list.length }));
}

/**
 * Effects applied more than once, two ways: the same effect (one reference, more than one
 * record: a retried call the system did not deduplicate), and the same request (two charges,
 * holds, bookings or same-template messages under different references: a step run twice under
 * two step ids, or a second workflow for one event). Refunds are one per charge by the payment
 * provider's own rule in either mode, so a repeated refund call can never show as a record; it
 * is counted by charge for completeness.
 */
export function duplicates(records: Records): Duplicate[] {
  const ref = (r: { reference: string | null; idempotencyKey: string | null }) => r.reference ?? r.idempotencyKey ?? '';
  const sameEffect = [
    ...repeated('charge', records.charges, ref),
    ...repeated('hold', records.holds, ref),
    ...repeated('booking', records.reservations, ref),
    ...repeated('message', records.messages, ref),
    ...repeated('refund', records.refunds, (r) => r.chargeId),
  ];
  const sameRequest = [
    ...repeated('charge', records.charges, (c) => requestOf(c.idempotencyKey)),
    ...repeated('hold', records.holds, (h) => requestOf(h.idempotencyKey)),
    ...repeated('booking', records.reservations, (r) => requestOf(r.idempotencyKey)),
    ...repeated('message', records.messages, (m) => `${requestOf(m.idempotencyKey)} ${m.template}`),
  ];
  // A request whose effect repeated under one reference shows in both lists: report it once.
  const seen = new Set(sameEffect.map((d) => `${d.kind} ${d.request}`));
  return [...sameEffect, ...sameRequest.filter((d) => !seen.has(`${d.kind} ${d.request}`))];
}

export function countByKind(list: Duplicate[]): Record<Duplicate['kind'], number> {
  const out = { charge: 0, hold: 0, booking: 0, message: 0, refund: 0 };
  for (const d of list) out[d.kind] += d.count - 1;
  return out;
}

// ---- lost effects ------------------------------------------------------------------------------

export interface LostEffect {
  workflowId: string;
  state: string;
  problem: string;
}

const template = (kind: string) => `reservation-${kind}`;

/**
 * What each ended workflow says happened, checked against the systems' records:
 * - Confirmed: its booking is in the POS, its hold is booked, the guest got the confirmation,
 *   and its deposit stands (or, waived, no charge stands);
 * - Compensated: every charge refunded, no booking standing, the table not held, guest told;
 * - Declined or Expired: nothing charged, the table not held, guest told;
 * - Failed or Refused: nothing held, charged or booked;
 * - any state: a hold reported released is released in the POS (not booked, not held).
 * A request waiting for a person is theirs to finish and is listed apart, not judged here.
 */
export function lostEffects(records: Records, statuses: ReadonlyMap<string, ReservationStatus>): LostEffect[] {
  const by = <T extends { idempotencyKey: string | null }>(list: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of list) map.set(requestOf(r.idempotencyKey), [...(map.get(requestOf(r.idempotencyKey)) ?? []), r]);
    return (id: string) => map.get(id) ?? [];
  };
  const charges = by(records.charges);
  const holds = by(records.holds);
  // A booking the undo cancelled no longer stands.
  const bookings = by(records.reservations.filter((b) => b.status !== 'cancelled'));
  const messages = by(records.messages);
  const holdById = new Map(records.holds.map((h) => [h.holdId, h]));
  const out: LostEffect[] = [];

  for (const [workflowId, status] of statuses) {
    const { state } = status;
    const lost = (problem: string) => out.push({ workflowId, state, problem });
    const told = (kind: string) => messages(workflowId).some((m) => m.template === template(kind));
    const standingCharges = charges(workflowId).filter((c) => !c.refunded);
    const liveHolds = holds(workflowId).filter((h) => h.status === 'held');
    const ownHold = status.hold ? holdById.get(status.hold.holdId) : undefined;

    // Released with nothing held (the hold's answer never came, and the POS had none) is true too.
    for (const h of holds(workflowId).filter((h) => status.holdReleased && h.status !== 'released'))
      lost(`reported its hold released, but the POS says hold ${h.holdId} is ${h.status}`);
    switch (state) {
      case 'Confirmed': {
        if (!status.booking || !bookings(workflowId).some((b) => b.reservationId === status.booking!.reservationId))
          lost('Confirmed without its POS reservation');
        if (ownHold?.status !== 'booked') lost(`Confirmed, but its hold is ${ownHold?.status ?? 'not in the POS'}`);
        if (!told('confirmed')) lost('Confirmed without its confirmation message');
        const deposit = status.deposit;
        if (deposit && 'chargeId' in deposit) {
          const charge = records.charges.find((c) => c.chargeId === deposit.chargeId);
          if (!charge) lost(`Confirmed, but its deposit charge ${deposit.chargeId} is not in the payment provider`);
          else if (charge.refunded) lost(`Confirmed, but its deposit charge ${deposit.chargeId} was refunded`);
        } else if (deposit && standingCharges.length > 0) {
          lost(`deposit reported waived while ${standingCharges.length} charge(s) stand`);
        } else if (!deposit) {
          lost('Confirmed without a deposit or a waiver');
        }
        break;
      }
      case 'Compensated':
        if (standingCharges.length > 0) lost(`Compensated, but ${standingCharges.length} charge(s) not refunded`);
        if (bookings(workflowId).length > 0) lost('Compensated, but a POS booking stands');
        if (liveHolds.length > 0) lost('Compensated, but its table is still held');
        if (!told('cancelled')) lost('Compensated without telling the guest');
        break;
      case 'Declined':
      case 'Expired':
        if (standingCharges.length > 0) lost(`${state}, but ${standingCharges.length} charge(s) stand`);
        if (bookings(workflowId).length > 0) lost(`${state}, but a POS booking stands`);
        if (liveHolds.length > 0) lost(`${state}, but its table is still held`);
        if (!told(state === 'Declined' ? 'declined' : 'expired')) lost(`${state} without telling the guest`);
        break;
      case 'Failed':
      case 'Refused':
        if (standingCharges.length + bookings(workflowId).length + liveHolds.length > 0)
          lost(
            `${state}, but effects stand (charges ${standingCharges.length}, bookings ${bookings(workflowId).length}, holds ${liveHolds.length})`,
          );
        break;
    }
  }
  return out;
}

// ---- the outcome floor -------------------------------------------------------------------------

export interface OutcomeFloor {
  /** Per request: the chance random faults alone defeat Baton's retries. */
  perRequest: number;
  /** Requests allowed to end otherwise than intended (or with a person). */
  allowed: number;
  /** The least number that must end as intended. */
  atLeast: number;
  /** allowed / n. */
  epsilon: number;
}

/**
 * How many of n requests must end as intended when every external call fails independently
 * with probability p. A request's intended path makes `calls` external writes (hold, deposit,
 * book, confirm); each step gets at least `attempts` tries within its time budget (the deposit's
 * 2 minutes hold three 30 s attempts with their backoff; the other steps' 5 minutes, more). A
 * step is lost to random faults only if all its attempts fail, so one request is, with
 * q = 1 - (1 - p^attempts)^calls. The number lost among n is then Binomial(n, q), about
 * Poisson(nq) as q is tiny; `allowed` is the least k with P(X > k) < alpha, so random faults
 * alone fail the floor in fewer than alpha of runs. The targeted faults (crashes, the outage,
 * lost answers) get no allowance: the claim is that Baton only delays an outcome for them, never
 * diverts it. With p = 3%, 4 calls, 3 attempts: q = 1.1e-4, so n = 24 allows 1 (floor 23/24)
 * and n = 1000 allows 2 (floor 998/1000), where a chain without retries loses 1 - 0.97^4 = 11.5%.
 */
export function outcomeFloor(n: number, p: number, calls: number, attempts: number, alpha = 1e-3): OutcomeFloor {
  const perRequest = 1 - (1 - p ** attempts) ** calls;
  const lambda = n * perRequest;
  // Poisson tail: P(X > k) = 1 - sum_{i<=k} e^-lambda lambda^i / i!
  let k = 0;
  let term = Math.exp(-lambda);
  let cdf = term;
  while (1 - cdf >= alpha && k < n) {
    k++;
    term *= lambda / k;
    cdf += term;
  }
  // At least one: a floor of n out of n would fail on the first unlucky request.
  const allowed = Math.min(n, Math.max(1, k));
  return { perRequest, allowed, atLeast: n - allowed, epsilon: allowed / n };
}

// ---- printing ----------------------------------------------------------------------------------

export interface SimStats {
  requests: number;
  injectedFailures: number;
}

export function failureRate(stats: SimStats): string {
  return stats.requests === 0
    ? 'n/a'
    : `${((100 * stats.injectedFailures) / stats.requests).toFixed(1)}% of ${stats.requests}`;
}

export function printTable(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: Array<string | number>) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('   ');
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A list for the report: at most `max` lines, then how many more. */
export function listed(title: string, lines: string[], max = 40): string {
  if (lines.length === 0) return `${title}: none`;
  const shown = lines.slice(0, max).map((l) => `  - ${l}`);
  return [
    `${title} (${lines.length}):`,
    ...shown,
    ...(lines.length > max ? [`  ... and ${lines.length - max} more`] : []),
  ].join('\n');
}
