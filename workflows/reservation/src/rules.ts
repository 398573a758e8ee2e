// The reservation's business rules, code on the route so no text in the request and no model
// output can skip them: the checks on a request before anything is held, which gate a flagged
// request meets, and what a person may change when approving. Pure: the workflow passes the day
// the request was taken (what the guest's words are relative to), the restaurant's own today
// (what a date must not be before, whatever the event claims) and the restaurant's policy.
import { GateRefusedError } from '@baton/workflow-kit/workflow';
import type { ReservationRequest } from './contracts.js';
import type { GateType, ReservationGatePayload } from './definition.js';

export interface BookingPolicy {
  /** How far ahead a table can be booked, in days from the day the request was taken. */
  horizonDays: number;
  /** The largest party the restaurant can seat. */
  maxPartySize: number;
  /** The restaurant's IANA time zone, for its own today (default UTC). */
  timezone?: string;
}

export const DEFAULT_BOOKING_POLICY: BookingPolicy = { horizonDays: 90, maxPartySize: 20 };

const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The restaurant's date (YYYY-MM-DD) at `epochMs` in its time zone; UTC when the zone is unknown. */
export function localDateOf(epochMs: number, timezone = 'UTC'): string {
  try {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(epochMs));
  } catch {
    return new Date(epochMs).toISOString().slice(0, 10);
  }
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
export function refusalOf(request: { date: string; partySize: number }, receivedOn: string, policy: BookingPolicy, today?: string): string | undefined {
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
export function applyChanges(payload: ReservationGatePayload, changes: Record<string, unknown>): ReservationGatePayload {
  const { partySize, notes, ...rest } = changes;
  if (Object.keys(rest).length) throw new GateRefusedError(`only partySize and notes may change, not ${Object.keys(rest).join(', ')}`);
  if (partySize !== undefined && (!Number.isInteger(partySize) || (partySize as number) < 1 || (partySize as number) > 50)) throw new GateRefusedError('partySize must be a whole number from 1 to 50');
  if (notes !== undefined && (typeof notes !== 'string' || notes.length > 2000)) throw new GateRefusedError('notes must be text of at most 2000 characters');
  if (partySize !== undefined && (partySize as number) > payload.table.seats) {
    throw new GateRefusedError(`a party of ${String(partySize)} does not fit table ${payload.table.tableId} (${payload.table.seats} seats)`);
  }
  const request: ReservationRequest = { ...payload.request, ...(partySize !== undefined ? { partySize: partySize as number } : {}), ...(notes !== undefined ? { notes: notes as string } : {}) };
  return { ...payload, request };
}
