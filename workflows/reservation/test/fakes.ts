// The reservation's agents as a workflow test answers them, and a request event. Each fake keeps
// what it did (holds, charges, bookings, messages) so a test can check the world, not only the
// workflow's own account of it.
import { randomUUID } from 'node:crypto';
import type { AgentFakes } from '@baton/workflow-kit/testing';
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


export function requestEvent(text = 'Table for 2, Saturday 8pm', data: Partial<ReservationRequestedV2['data']> = {}): ReservationRequestedV2 {
  const key = `req-${randomUUID()}`;
  return {
    id: randomUUID(),
    source: 'urn:baton:test:host-stand',
    specversion: '1.0',
    type: 'reservation.requested.v2',
    time: `${RECEIVED_ON}T10:00:00Z`,
    datacontenttype: 'application/json',
    idempotencykey: key,
    data: { text, customer: { id: `cust-${key.slice(4, 12)}`, name: 'Ada Lovelace' }, receivedOn: RECEIVED_ON, partySize: null, date: null, time: null, ...data },
  };
}

/** A restaurant's systems as the fakes see them. */
export interface World {
  holds: Map<string, { reference: string; released: boolean }>;
  charges: Map<string, { reference: string; amountCents: number; refunded: boolean }>;
  bookings: string[];
  messages: Array<{ kind: string; to: string; reason?: string }>;
}

export function newWorld(): World {
  return { holds: new Map(), charges: new Map(), bookings: [], messages: [] };
}

/** Agents that answer a clean request of `partySize` on `date` at `time`; override per test. */
export function agents(world: World, request: { partySize?: number; date?: string; time?: string; allergies?: string[]; regular?: boolean } = {}): AgentFakes<ReservationAgents> {
  return {
    intake: (input) => ({
      partySize: request.partySize ?? 2,
      date: request.date ?? BOOKED_DATE,
      time: request.time ?? '20:00',
      customer: { ...input.customer, regular: request.regular ?? false },
      allergies: request.allergies ?? [],
    }),
    availability: {
      run: (_input, call) => {
        const holdId = `hold-${world.holds.size + 1}`;
        world.holds.set(holdId, { reference: `${call.workflowId}/${call.stepId}`, released: false });
        return { holdId, tableId: 't-4', seats: 4 };
      },
      compensate: (input) => {
        const id = 'holdId' in input ? input.holdId : [...world.holds.entries()].find(([, h]) => h.reference === input.holdReference)?.[0];
        const hold = id ? world.holds.get(id) : undefined;
        if (!hold) return { released: true, nothingHeld: true };
        hold.released = true;
        return { released: true };
      },
    },
    safety: (input) => (input.request.allergies.length > 0 ? { needsReview: true, reasons: [{ code: 'ALLERGY', detail: `allergies: ${input.request.allergies.join(', ')}` }] } : { needsReview: false, reasons: [] }),
    payment: {
      run: (input, call) => {
        const chargeId = `ch-${world.charges.size + 1}`;
        world.charges.set(chargeId, { reference: `${call.workflowId}/${call.stepId}`, amountCents: input.amountCents, refunded: false });
        return { chargeId, amountCents: input.amountCents };
      },
      compensate: (input) => {
        const id = 'chargeId' in input ? input.chargeId : [...world.charges.entries()].find(([, c]) => c.reference === input.chargeReference)?.[0];
        const charge = id ? world.charges.get(id) : undefined;
        if (!charge) return { refunded: true, nothingCharged: true };
        charge.refunded = true;
        return { refunded: true };
      },
    },
    booking: (input) => {
      world.bookings.push(input.hold.holdId);
      return { reservationId: `res-${world.bookings.length}`, tableId: input.hold.tableId };
    },
    notifier: (input) => {
      world.messages.push({ kind: input.kind, to: input.customer.id, ...(input.reason ? { reason: input.reason } : {}) });
      return { messageId: `msg-${world.messages.length}` };
    },
  };
}
