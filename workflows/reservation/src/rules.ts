// Business checks on a request intake has read, before anything is held: code on the route, so
// no text in the request and no model output can skip them. Pure: the workflow passes the day
// the request was taken and the restaurant's policy.

export interface BookingPolicy {
  /** How far ahead a table can be booked, in days from the day the request was taken. */
  horizonDays: number;
  /** The largest party the restaurant can seat. */
  maxPartySize: number;
}

export const DEFAULT_BOOKING_POLICY: BookingPolicy = { horizonDays: 90, maxPartySize: 20 };

const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Why the request cannot be booked, in words for the guest; undefined when it can. */
export function refusalOf(request: { date: string; partySize: number }, receivedOn: string, policy: BookingPolicy): string | undefined {
  if (request.date < receivedOn) return `the date you asked for (${request.date}) has passed`;
  const last = addDays(receivedOn, policy.horizonDays);
  if (request.date > last) return `we take reservations up to ${policy.horizonDays} days ahead (until ${last})`;
  if (request.partySize < 1) return 'a reservation needs at least one guest';
  if (request.partySize > policy.maxPartySize) return `we can seat at most ${policy.maxPartySize} guests at once`;
  return undefined;
}
