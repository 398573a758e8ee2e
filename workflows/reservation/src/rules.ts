// The reservation's business rules, code on the route so no text in the request and no model
// output can skip them: the checks on a request before anything is held, which gate a flagged
// request meets (and who decides), what a person may change when approving, and what the guest is
// told. Pure: the workflow passes the day
// the request was taken (what the guest's words are relative to), the restaurant's own today
// (what a date must not be before, whatever the event claims) and the restaurant's policy. (The
// one exception: a run started with retired test-only gate timings asks its patch, patches.ts.)
import {
  APPROVAL_OPTIONS,
  DEFAULT_APPROVAL_TIERS,
  GateRefusedError,
  causeOf,
  type GateRequest,
  type GateTier,
} from '@baton/workflow-kit/workflow';
import type { CustomerRef, NoticeKind, ReservationRequest, TableHold } from './contracts.js';
import type { GateType, ReservationGatePayload, ReservationInput, ReservationStatus } from './definition.js';
import { retiredApprovalTiersOf } from './patches.js';

export interface BookingPolicy {
  /** How far ahead a table can be booked, in days from the day the request was taken. */
  horizonDays: number;
  /** The largest party the restaurant can seat. */
  maxPartySize: number;
  /** The restaurant's IANA time zone, for its own today (default UTC). */
  timezone?: string;
}

export const DEFAULT_BOOKING_POLICY: BookingPolicy = { horizonDays: 90, maxPartySize: 20 };

const addDays = (isoDate: string, days: number) =>
  new Date(Date.parse(`${isoDate}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The restaurant's date (YYYY-MM-DD) at `epochMs` in its time zone; UTC when the zone is unknown. */
export function localDateOf(epochMs: number, timezone = 'UTC'): string {
  try {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date(epochMs));
  } catch {
    return new Date(epochMs).toISOString().slice(0, 10);
  }
}

/** The day the guest's words (a weekday, "tomorrow") are read relative to: the day they were
 *  taken, as the publisher stated it, else the event's own date. */
export function receivedOnOf(event: { time: string; data: { receivedOn?: string | undefined } }): string {
  return event.data.receivedOn ?? event.time.slice(0, 10);
}

/** How far an event's own time may be from when it reached Baton before it is flagged. */
export const EVENT_TIME_TOLERANCE_MS = 24 * 3600_000;

/** Why an event's time is worth a person's notice (far from when it arrived); undefined when not. */
export function eventTimeFlagOf(eventTime: string, arrivedMs: number): string | undefined {
  const claimed = Date.parse(eventTime);
  if (!Number.isFinite(claimed) || Math.abs(arrivedMs - claimed) <= EVENT_TIME_TOLERANCE_MS) return undefined;
  const hours = Math.round(Math.abs(arrivedMs - claimed) / 3600_000);
  return `the event's time (${eventTime}) is ${hours} hours ${claimed < arrivedMs ? 'before' : 'after'} it arrived (${new Date(arrivedMs).toISOString()})`;
}

/** Why the request cannot be booked, in words for the guest; undefined when it can. `receivedOn`
 *  is the day the guest's words are relative to; `today` the restaurant's own date now (a date
 *  before it has passed, whatever day the event says it was taken). Without `today` (runs from
 *  before it was checked) only `receivedOn` counts. */
export function refusalOf(
  request: { date: string; partySize: number },
  receivedOn: string,
  policy: BookingPolicy,
  today?: string,
): string | undefined {
  const earliest = today !== undefined && today > receivedOn ? today : receivedOn;
  if (request.date < earliest) return `the date you asked for (${request.date}) has passed`;
  const last = addDays(today ?? receivedOn, policy.horizonDays);
  if (request.date > last) return `we take reservations up to ${policy.horizonDays} days ahead (until ${last})`;
  return partySizeRefusal(request.partySize, policy);
}

/** Why a party of this size cannot be booked, in words for the guest; undefined when it can. */
export function partySizeRefusal(partySize: number, policy: BookingPolicy): string | undefined {
  if (partySize < 1) return 'a reservation needs at least one guest';
  if (partySize > policy.maxPartySize) return `we can seat at most ${policy.maxPartySize} guests at once`;
  return undefined;
}

/** The gate a flagged request meets: allergies first (never auto-approved), then party size. */
export function gateTypeOf(reasons: Array<{ code: string }>): GateType {
  if (reasons.some((r) => r.code === 'ALLERGY')) return 'reservation.allergy';
  if (reasons.some((r) => r.code === 'LARGE_PARTY')) return 'reservation.large-party';
  return 'reservation.review';
}

/** What approve-with-changes may change: the party size (within the held table) and the notes. */
export function applyChanges(
  payload: ReservationGatePayload,
  changes: Record<string, unknown>,
): ReservationGatePayload {
  const { partySize, notes, ...rest } = changes;
  if (Object.keys(rest).length)
    throw new GateRefusedError(`only partySize and notes may change, not ${Object.keys(rest).join(', ')}`);
  if (
    partySize !== undefined &&
    (!Number.isInteger(partySize) || (partySize as number) < 1 || (partySize as number) > 50)
  )
    throw new GateRefusedError('partySize must be a whole number from 1 to 50');
  if (notes !== undefined && (typeof notes !== 'string' || notes.length > 2000))
    throw new GateRefusedError('notes must be text of at most 2000 characters');
  if (partySize !== undefined && (partySize as number) > payload.table.seats) {
    throw new GateRefusedError(
      `a party of ${String(partySize)} does not fit table ${payload.table.tableId} (${payload.table.seats} seats)`,
    );
  }
  const request: ReservationRequest = {
    ...payload.request,
    ...(partySize !== undefined ? { partySize: partySize as number } : {}),
    ...(notes !== undefined ? { notes: notes as string } : {}),
  };
  return { ...payload, request };
}

/** Why a request intake could not fully read is refused anyway: the party size it did read (or
 *  the publisher's form stated, which wins) is larger than the restaurant seats; else undefined. */
export function partialReadingRefusal(
  data: ReservationInput['event']['data'],
  details: unknown,
  policy: BookingPolicy,
): string | undefined {
  const stated = 'partySize' in data ? data.partySize : null;
  const read = stated ?? (details as { partySize?: unknown } | null | undefined)?.partySize;
  return typeof read === 'number' && read > policy.maxPartySize ? partySizeRefusal(read, policy) : undefined;
}

/** The approval gate a flagged request meets: its type by the reasons, who decides (the
 *  workflow's tiers, the kit's DEFAULT_APPROVAL_TIERS in production: a host for two hours, then a
 *  manager for the rest of the day; workflow tests move time with the harness's `wf.advance`), and
 *  what a person's changes correct (intake's reading of the party size). */
export function approvalGateOf(
  gateId: string,
  input: ReservationInput,
  request: ReservationRequest,
  hold: TableHold,
  reasons: ReservationGatePayload['reasons'],
  tiers: GateTier[] = DEFAULT_APPROVAL_TIERS,
): GateRequest<ReservationGatePayload> {
  return {
    gateId,
    gateType: gateTypeOf(reasons),
    payload: { request, table: { tableId: hold.tableId, seats: hold.seats }, reasons },
    options: [...APPROVAL_OPTIONS],
    tiers: retiredApprovalTiersOf(input) ?? tiers,
    safeDefault: 'release the hold and tell the customer',
    applyChanges,
    teaches: {
      agent: 'intake',
      text: input.event.data.text,
      subject: input.event.data.customer.id,
      reading: (p) => ({ partySize: p.request.partySize }),
    },
  };
}

/** What the notifier is asked to tell the guest: the request and booking as far as they exist. */
export function noticeOf(
  customer: CustomerRef,
  kind: NoticeKind,
  status: Pick<ReservationStatus, 'request' | 'booking'>,
  reason?: string,
) {
  return {
    customer,
    kind,
    ...(status.request ? { request: status.request } : {}),
    ...(status.booking ? { reservationId: status.booking.reservationId } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** What the guest is told about their deposit and table, from the undo's own records: refunded
 *  only when a refund was made, no deposit taken when the provider has none under the deposit's
 *  reference (and, cancelled, never will), a refund or a cancellation that failed as staff's. */
export function undoneInWords(kind: NoticeKind, failed: string[], compensated: string[]): string | undefined {
  const words: string[] = [];
  if (failed.includes('refund-deposit')) words.push('your deposit will be refunded by our staff');
  else if (kind === 'cancelled')
    words.push(compensated.includes('refund-deposit') ? 'your deposit has been refunded' : 'no deposit was taken');
  if (failed.includes('cancel-booking') || failed.includes('release-hold'))
    words.push('our staff will call you about your table');
  return words.length > 0 ? words.join(', and ') : undefined;
}

/** Whether releasing the hold found one to release. Not released means the table is booked after
 *  all: a live booking stands, a person decides (the error goes to them). */
export function holdUndone(
  { released, nothingHeld }: { released: boolean; nothingHeld?: boolean | undefined },
  input: { holdId: string } | { holdReference: string },
): boolean {
  if (!released)
    throw new Error(
      `the POS did not release the hold (${'holdId' in input ? input.holdId : input.holdReference}): the table is booked`,
    );
  return !nothingHeld;
}

/** Whether cancelling the booking found one (by its id, or by the book step's reference). */
export function bookingUndone(
  { cancelled, nothingBooked }: { cancelled: boolean; nothingBooked?: boolean | undefined },
  input: { reservationId: string } | { bookingReference: string },
): boolean {
  if (!cancelled)
    throw new Error(
      `the POS did not cancel the booking (${'reservationId' in input ? input.reservationId : input.bookingReference})`,
    );
  return !nothingBooked;
}

/** Whether refunding the deposit found a charge (by its id, or by the deposit step's reference). */
export function depositUndone({
  refunded,
  nothingCharged,
}: {
  refunded: boolean;
  nothingCharged?: boolean | undefined;
}): boolean {
  if (!refunded) throw new Error('the payment provider did not refund the deposit');
  return !nothingCharged;
}

/** The deposit step's fallback: a regular's deposit is waived when the payment fails (their
 *  table is not lost to a payment outage); anyone else's failure is thrown on. */
export function depositWaiverFor(request: ReservationRequest): (err: unknown) => { waived: true; reason: string } {
  return (err) => {
    if (!request.customer.regular) throw err;
    return { waived: true, reason: `payment failed for a regular: ${causeOf(err)}` };
  };
}
