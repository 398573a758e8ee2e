// A restaurant point-of-sale system, simulated: tables, holds on a table for a time slot, and
// reservations made from a hold. A slot is taken with a compare-and-set in the record store, so
// two concurrent holds can never get the same table (the last table goes to exactly one
// request). With idempotency "off" every hold request takes another table; a hold is still
// booked at most once (a second booking of it answers 409 HOLD_NOT_ACTIVE), as in a real POS.
// A booking can be cancelled (DELETE /reservations/:id): its table is free again. Late commits and
// cancellations by reference come with every simulator (packages/simulator/src/server.ts).
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

/** Seats per table; the floor plan of the simulated restaurant. */
export const DEFAULT_TABLES = [2, 2, 2, 4, 4, 4, 4, 6, 6, 6, 8, 10];

const Slot = z.object({
  partySize: z.number().int().min(1),
  date: z.iso.date(),
  time: z.string().regex(/^\d\d:\d\d$/),
});

export interface Hold {
  holdId: string;
  tableId: string;
  seats: number;
  date: string;
  time: string;
  status: 'held' | 'released' | 'booked';
  slotKey: string;
  idempotencyKey: string | null;
  /** The client's reference (body `reference`, else the Idempotency-Key): GET /holds?reference=. */
  reference: string | null;
  createdAt: string;
}

export interface Reservation {
  reservationId: string;
  holdId: string;
  tableId: string;
  date: string;
  time: string;
  partySize: number;
  customerId: string;
  idempotencyKey: string | null;
  reference: string | null;
  /** Absent on records written before cancellations existed: booked. */
  status?: 'booked' | 'cancelled';
  createdAt: string;
}

export function registerPos(sim: SimulatorContext, tables = DEFAULT_TABLES): void {
  const floor = tables.map((seats, i) => ({ tableId: `T${i + 1}`, seats })).sort((a, b) => a.seats - b.seats);

  sim.write('POST', '/holds', Slot, async (slot, _req, effect) => {
    const holdId = effect.id;
    const existing = await sim.store.get<Hold>(`holds.${holdId}`);
    if (existing) return { status: 201, body: { holdId, tableId: existing.tableId, seats: existing.seats } };
    for (const table of floor.filter((t) => t.seats >= slot.partySize)) {
      const slotKey = `slot.${slot.date}.${slot.time.replace(':', '')}.${table.tableId}`;
      // A slot this very effect took before its answer was lost is still ours.
      if (
        !(await sim.store.create(slotKey, { holdId })) &&
        (await sim.store.get<{ holdId: string }>(slotKey))?.holdId !== holdId
      )
        continue;
      const hold: Hold = {
        holdId,
        tableId: table.tableId,
        seats: table.seats,
        date: slot.date,
        time: slot.time,
        status: 'held',
        slotKey,
        idempotencyKey: effect.idempotencyKey,
        reference: effect.reference,
        createdAt: new Date().toISOString(),
      };
      await sim.store.put(`holds.${holdId}`, hold);
      return { status: 201, body: { holdId, tableId: table.tableId, seats: table.seats } };
    }
    return {
      status: 409,
      body: { code: 'NO_TABLE', message: `no table for ${slot.partySize} on ${slot.date} at ${slot.time}` },
    };
  });

  sim.write('DELETE', '/holds/:holdId', z.object({}), async (_body, req) => {
    const { holdId } = req.params as { holdId: string };
    const hold = await sim.store.get<Hold>(`holds.${holdId}`);
    if (!hold) return { status: 404, body: { code: 'NO_SUCH_HOLD', message: `hold ${holdId} does not exist` } };
    if (hold.status !== 'held')
      return { status: 200, body: { released: hold.status === 'released', status: hold.status } };
    await sim.store.delete(hold.slotKey);
    await sim.store.put(`holds.${holdId}`, { ...hold, status: 'released' });
    return { status: 200, body: { released: true, status: 'released' } };
  });

  sim.write(
    'POST',
    '/reservations',
    z.object({ holdId: z.string().min(1), partySize: z.number().int().min(1), customerId: z.string().min(1) }),
    async (body, _req, effect) => {
      const done = await sim.store.get<Reservation>(`reservations.${effect.id}`);
      if (done) return { status: 201, body: { reservationId: done.reservationId, tableId: done.tableId } };
      const hold = await sim.store.get<Hold>(`holds.${body.holdId}`);
      if (!hold || hold.status !== 'held')
        return {
          status: 409,
          body: { code: 'HOLD_NOT_ACTIVE', message: `hold ${body.holdId} is ${hold?.status ?? 'unknown'}` },
        };
      const reservation: Reservation = {
        reservationId: effect.id,
        holdId: hold.holdId,
        tableId: hold.tableId,
        date: hold.date,
        time: hold.time,
        partySize: body.partySize,
        customerId: body.customerId,
        idempotencyKey: effect.idempotencyKey,
        reference: effect.reference,
        status: 'booked',
        createdAt: new Date().toISOString(),
      };
      if (!(await sim.store.create(`reservations.${reservation.reservationId}`, reservation))) {
        const first = (await sim.store.get<Reservation>(`reservations.${reservation.reservationId}`))!;
        return { status: 201, body: { reservationId: first.reservationId, tableId: first.tableId } };
      }
      await sim.store.put(`holds.${hold.holdId}`, { ...hold, status: 'booked' });
      return { status: 201, body: { reservationId: reservation.reservationId, tableId: hold.tableId } };
    },
  );

  // Cancels a booking: the reservation reads cancelled and its table's slot is free again.
  sim.write('DELETE', '/reservations/:reservationId', z.object({}), async (_body, req) => {
    const { reservationId } = req.params as { reservationId: string };
    const booking = await sim.store.get<Reservation>(`reservations.${reservationId}`);
    if (!booking)
      return {
        status: 404,
        body: { code: 'NO_SUCH_RESERVATION', message: `reservation ${reservationId} does not exist` },
      };
    if (booking.status !== 'cancelled') {
      await sim.store.put(`reservations.${reservationId}`, { ...booking, status: 'cancelled' });
      const hold = await sim.store.get<Hold>(`holds.${booking.holdId}`);
      if (hold && hold.status === 'booked') {
        await sim.store.delete(hold.slotKey);
        await sim.store.put(`holds.${hold.holdId}`, { ...hold, status: 'released' });
      }
    }
    return { status: 200, body: { cancelled: true } };
  });

  // Lookups a client uses to reconcile an unknown outcome: is there a hold or booking for my reference?
  sim.lookup('/holds', 'holds', ['reference', 'idempotencyKey', 'status', 'date', 'tableId']);
  sim.lookup('/reservations', 'reservations', ['reference', 'idempotencyKey', 'holdId', 'customerId', 'status']);
  sim.app.get('/reservations/:reservationId', async (req, reply) => {
    const { reservationId } = req.params as { reservationId: string };
    const booking = await sim.store.get<Reservation>(`reservations.${reservationId}`);
    return (
      booking ??
      reply.code(404).send({ code: 'NO_SUCH_RESERVATION', message: `reservation ${reservationId} does not exist` })
    );
  });
  sim.app.get('/holds/:holdId', async (req, reply) => {
    const { holdId } = req.params as { holdId: string };
    const hold = await sim.store.get<Hold>(`holds.${holdId}`);
    return hold ?? reply.code(404).send({ code: 'NO_SUCH_HOLD', message: `hold ${holdId} does not exist` });
  });
}
