// The reservation's agents as a workflow test answers them, and a request event. Each fake keeps
// what it did (holds, charges, bookings, messages) so a test can check the world, not only the
// workflow's own account of it. The holds and charges are kept by the step's reference, as the
// POS and the payment provider keep them by idempotency key: a late answer can be found by it.
// Like the simulators, the world takes a cancellation by reference (cancel-before-create): an undo
// by reference cancels it for good, and an effect a system commits late (`world.late`, settled by
// the test with `settleLate`) is refused when its reference was cancelled first.
import { randomUUID } from 'node:crypto';
import {
  AgentError,
  noAnswer,
  type AgentCall,
  type AgentFakes,
  type CompensateFake,
  type RunFake,
} from '@baton/workflow-kit/testing';
import type { ReservationAgents, ReservationRequestedV2 } from '../src/index.js';

/** The day the harness's requests are taken (today, UTC: the workflow refuses dates before its
 *  own today, and the test server's clock starts at the real time); every date below is relative. */
export const RECEIVED_ON = new Date().toISOString().slice(0, 10);

/** `days` after RECEIVED_ON (YYYY-MM-DD). */
export function daysAfterReceived(days: number): string {
  return new Date(Date.parse(`${RECEIVED_ON}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The day the fakes book unless a test says otherwise: far enough ahead that the test server's
 *  clock, which moves forward with every gate and timeout a file's tests skip through (a day or
 *  two each), never passes it (the workflow refuses a date before its own today), and well inside
 *  the 90-day horizon. A date a few days ahead would make a file's later tests depend on the
 *  weekday it runs on. */
export const BOOKED_DATE = daysAfterReceived(45);

export function requestEvent(
  text = 'Table for 2, Saturday 8pm',
  data: Partial<ReservationRequestedV2['data']> = {},
): ReservationRequestedV2 {
  const key = `req-${randomUUID()}`;
  return {
    id: randomUUID(),
    source: 'urn:baton:test:host-stand',
    specversion: '1.0',
    type: 'reservation.requested.v2',
    time: `${RECEIVED_ON}T10:00:00Z`,
    datacontenttype: 'application/json',
    idempotencykey: key,
    data: {
      text,
      customer: { id: `cust-${key.slice(4, 12)}`, name: 'Ada Lovelace' },
      receivedOn: RECEIVED_ON,
      partySize: null,
      date: null,
      time: null,
      ...data,
    },
  };
}

/** A restaurant's systems as the fakes see them. */
export interface World {
  holds: Map<string, { reference: string; released: boolean }>;
  charges: Map<string, { reference: string; amountCents: number; refunded: boolean }>;
  /** The hold ids booked, in order. */
  bookings: string[];
  /** The bookings by id, with the reference each was made under. */
  booked: Map<string, { reference: string; holdId: string; cancelled: boolean }>;
  messages: Array<{ kind: string; to: string; reason?: string }>;
  /** References an undo cancelled for good: a later commit under one of them is refused. */
  cancelled: Set<string>;
  /** Effects the systems accepted but have not committed yet (see settleLate). */
  late: Array<{ reference: string; commit: () => void }>;
}

export function newWorld(): World {
  return {
    holds: new Map(),
    charges: new Map(),
    bookings: [],
    booked: new Map(),
    messages: [],
    cancelled: new Set(),
    late: [],
  };
}

const referenceOf = (call: AgentCall) => `${call.workflowId}/${call.stepId}`;

/** The systems commit what they accepted late; a commit whose reference was cancelled before is
 *  refused, as the simulators refuse it. Returns how many were refused and how many committed. */
export function settleLate(world: World): { refused: number; committed: number } {
  const pending = world.late.splice(0);
  const refused = pending.filter((p) => world.cancelled.has(p.reference)).length;
  for (const p of pending) if (!world.cancelled.has(p.reference)) p.commit();
  return { refused, committed: pending.length - refused };
}

type Availability = ReservationAgents['availability'];
type Payment = ReservationAgents['payment'];

/** Holds a table for the request (one of 4 seats, or 10 for a larger party), once per reference. */
function hold(world: World, partySize: number, call: AgentCall) {
  const reference = `${call.workflowId}/${call.stepId}`;
  let holdId = [...world.holds.entries()].find(([, h]) => h.reference === reference)?.[0];
  if (!holdId) {
    holdId = `hold-${world.holds.size + 1}`;
    world.holds.set(holdId, { reference, released: false });
  }
  const seats = partySize > 4 ? 10 : 4;
  return { holdId, tableId: `t-${seats}`, seats };
}

export function holdTable(world: World): RunFake<Availability> {
  return (input, call) => hold(world, input.request.partySize, call);
}

/** A POS that makes the hold but whose answer is lost: the agent gives up for good, and the
 *  workflow never learns the hold's id. (Not noAnswer(): see the note on `lost`.) */
export function holdAnswerLost(world: World): RunFake<Availability> {
  return (input, call) => {
    hold(world, input.request.partySize, call);
    throw lost('pos');
  };
}

/** A POS that accepts the hold but commits it only later, and never answers: each attempt leaves
 *  a hold to commit (settleLate) under the step's reference. */
export function holdCommittedLate(world: World): RunFake<Availability> {
  return (input, call) => {
    world.late.push({ reference: referenceOf(call), commit: () => void hold(world, input.request.partySize, call) });
    return noAnswer();
  };
}

/** Releases a hold by its id, or by the hold step's reference (cancelled for good first, as the
 *  agent does); nothing held is not an error. */
export function releaseHold(world: World): CompensateFake<Availability> {
  return (input) => {
    if ('holdReference' in input) world.cancelled.add(input.holdReference);
    const id =
      'holdId' in input
        ? input.holdId
        : [...world.holds.entries()].find(([, h]) => h.reference === input.holdReference)?.[0];
    const hold = id ? world.holds.get(id) : undefined;
    if (!hold) return { released: true, nothingHeld: true };
    hold.released = true;
    return { released: true };
  };
}

/** Charges the deposit, once per reference. */
function take(world: World, amountCents: number, call: AgentCall) {
  const reference = `${call.workflowId}/${call.stepId}`;
  let chargeId = [...world.charges.entries()].find(([, c]) => c.reference === reference)?.[0];
  if (!chargeId) {
    chargeId = `ch-${world.charges.size + 1}`;
    world.charges.set(chargeId, { reference, amountCents, refunded: false });
  }
  return { chargeId, amountCents };
}

export function charge(world: World): RunFake<Payment> {
  return (input, call) => take(world, input.amountCents, call);
}

/** A payment provider that takes the money but whose answer is lost: the workflow never learns
 *  the charge's id. */
export function chargeAnswerLost(world: World): RunFake<Payment> {
  return (input, call) => {
    take(world, input.amountCents, call);
    throw lost('payments');
  };
}

/** The answer of an effect that was made never reaches the workflow. A fake returning noAnswer()
 *  models this more closely, but the harness's skipped time for a silent attempt is not reliable
 *  yet (a run can then wait its timeouts out in real time), so the step fails for good instead. */
function lost(system: string): AgentError {
  return new AgentError('EXTERNAL_UNAVAILABLE', `${system}: the answer never came`, false);
}

/** A payment provider that accepts the charge but commits it only later, and never answers. */
export function chargeCommittedLate(world: World): RunFake<Payment> {
  return (input, call) => {
    world.late.push({ reference: referenceOf(call), commit: () => void take(world, input.amountCents, call) });
    return noAnswer();
  };
}

/** Refunds a charge by its id, or by the deposit step's reference (cancelled for good first, as
 *  the agent does); nothing charged is not an error. */
export function refund(world: World): CompensateFake<Payment> {
  return (input) => {
    if ('chargeReference' in input) world.cancelled.add(input.chargeReference);
    const id =
      'chargeId' in input
        ? input.chargeId
        : [...world.charges.entries()].find(([, c]) => c.reference === input.chargeReference)?.[0];
    const found = id ? world.charges.get(id) : undefined;
    if (!found) return { refunded: true, nothingCharged: true };
    found.refunded = true;
    return { refunded: true };
  };
}

type Booking = ReservationAgents['booking'];

/** Books the hold, once per reference. */
function bookHold(world: World, holdId: string, tableId: string, call: AgentCall) {
  const reference = referenceOf(call);
  const existing = [...world.booked.entries()].find(([, b]) => b.reference === reference);
  if (existing) return { reservationId: existing[0], tableId };
  world.bookings.push(holdId);
  const reservationId = `res-${world.bookings.length}`;
  world.booked.set(reservationId, { reference, holdId, cancelled: false });
  return { reservationId, tableId };
}

export function book(world: World): RunFake<Booking> {
  return (input, call) => bookHold(world, input.hold.holdId, input.hold.tableId, call);
}

/** A POS that makes the booking but whose answer never comes: every attempt times out. */
export function bookingAnswerLost(world: World): RunFake<Booking> {
  return (input, call) => {
    bookHold(world, input.hold.holdId, input.hold.tableId, call);
    return noAnswer();
  };
}

/** A POS that accepts the booking but commits it only later, and never answers. */
export function bookingCommittedLate(world: World): RunFake<Booking> {
  return (input, call) => {
    world.late.push({
      reference: referenceOf(call),
      commit: () => void bookHold(world, input.hold.holdId, input.hold.tableId, call),
    });
    return noAnswer();
  };
}

/** Cancels a booking by its id, or by the booking step's reference (cancelled for good first);
 *  its table is free again. Nothing booked is not an error. */
export function cancelBooking(world: World): CompensateFake<Booking> {
  return (input) => {
    if ('bookingReference' in input) world.cancelled.add(input.bookingReference);
    const id =
      'reservationId' in input
        ? input.reservationId
        : [...world.booked.entries()].find(([, b]) => b.reference === input.bookingReference)?.[0];
    const found = id ? world.booked.get(id) : undefined;
    if (!found) return { cancelled: true, nothingBooked: true };
    found.cancelled = true;
    const held = world.holds.get(found.holdId);
    if (held) held.released = true;
    return { cancelled: true };
  };
}

/** Agents that answer a clean request of `partySize` on `date` at `time`; override per test.
 *  Safety flags allergies, and a party of 8 or more (a large party). */
export function agents(
  world: World,
  request: { partySize?: number; date?: string; time?: string; allergies?: string[]; regular?: boolean } = {},
): AgentFakes<ReservationAgents> {
  return {
    intake: (input) => ({
      partySize: request.partySize ?? 2,
      date: request.date ?? BOOKED_DATE,
      time: request.time ?? '20:00',
      customer: { ...input.customer, regular: request.regular ?? false },
      allergies: request.allergies ?? [],
    }),
    availability: { run: holdTable(world), compensate: releaseHold(world) },
    safety: (input) => {
      const reasons = [
        ...(input.request.allergies.length > 0
          ? [{ code: 'ALLERGY', detail: `allergies: ${input.request.allergies.join(', ')}` }]
          : []),
        ...(input.request.partySize >= 8
          ? [{ code: 'LARGE_PARTY', detail: `a party of ${input.request.partySize}` }]
          : []),
      ];
      return { needsReview: reasons.length > 0, reasons };
    },
    payment: { run: charge(world), compensate: refund(world) },
    booking: { run: book(world), compensate: cancelBooking(world) },
    notifier: (input) => {
      world.messages.push({
        kind: input.kind,
        to: input.customer.id,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      return { messageId: `msg-${world.messages.length}` };
    },
  };
}
