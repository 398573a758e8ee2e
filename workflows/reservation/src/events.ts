// The versions of the reservation's inbound event, as pure code (types only from the contracts):
// the upcast the gateway applies to a v1 event, and what the workflow takes from a v2 one. The
// workflow also reads runs started before v2 existed, whose stored input is a v1 event.
import type { ReservationRequest, ReservationRequested, ReservationRequestedV2 } from './contracts.js';

/** A v1 event as v2: the same words, nothing stated. */
export function upcastRequestedV1(event: ReservationRequested): ReservationRequestedV2 {
  return {
    ...event,
    type: 'reservation.requested.v2',
    data: { ...event.data, partySize: null, date: null, time: null },
  };
}

/** What the publisher's form stated wins over what intake read from the words. */
export function withStated(
  request: ReservationRequest,
  data: ReservationRequested['data'] | ReservationRequestedV2['data'],
): ReservationRequest {
  const stated = 'partySize' in data ? data : { partySize: null, date: null, time: null };
  return {
    ...request,
    ...(stated.partySize !== null ? { partySize: stated.partySize } : {}),
    ...(stated.date !== null ? { date: stated.date } : {}),
    ...(stated.time !== null ? { time: stated.time } : {}),
  };
}
