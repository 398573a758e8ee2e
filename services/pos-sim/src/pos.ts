// A restaurant point-of-sale system, simulated: tables, holds on a table for a time slot, and
// reservations made from a hold. A slot is taken with a KV compare-and-set, so two concurrent
// holds can never get the same table (the last table goes to exactly one request).
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

/** Seats per table; the floor plan of the simulated restaurant. */
export const DEFAULT_TABLES = [2, 2, 2, 4, 4, 4, 4, 6, 6, 6, 8, 10];

const Slot = z.object({ partySize: z.number().int().min(1), date: z.iso.date(), time: z.string().regex(/^\d\d:\d\d$/) });

export interface Hold {
  holdId: string;
  tableId: string;
  seats: number;
  date: string;
  time: string;
  status: 'held' | 'released' | 'booked';
  slotKey: string;
  idempotencyKey: string;
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
  idempotencyKey: string;
  createdAt: string;
}

export function registerPos(sim: SimulatorContext, tables = DEFAULT_TABLES): void {
  const floor = tables.map((seats, i) => ({ tableId: `T${i + 1}`, seats })).sort((a, b) => a.seats - b.seats);

  sim.write('POST', '/holds', Slot, async (slot, req, effect) => {
    const holdId = effect.id;
    const existing = await sim.store.get<Hold>(`holds.${holdId}`);
    if (existing) return { status: 201, body: { holdId, tableId: existing.tableId, seats: existing.seats } };
    for (const table of floor.filter((t) => t.seats >= slot.partySize)) {
      const slotKey = `slot.${slot.date}.${slot.time.replace(':', '')}.${table.tableId}`;
      // A slot this very effect took before its answer was lost is still ours.
      if (!(await sim.store.create(slotKey, { holdId })) && (await sim.store.get<{ holdId: string }>(slotKey))?.holdId !== holdId) continue;
      const hold: Hold = { holdId, tableId: table.tableId, seats: table.seats, date: slot.date, time: slot.time, status: 'held', slotKey, idempotencyKey: String(req.headers['idempotency-key']), createdAt: new Date().toISOString() };
      await sim.store.put(`holds.${holdId}`, hold);
      return { status: 201, body: { holdId, tableId: table.tableId, seats: table.seats } };
    }
    return { status: 409, body: { code: 'NO_TABLE', message: `no table for ${slot.partySize} on ${slot.date} at ${slot.time}` } };
  });

  sim.write('DELETE', '/holds/:holdId', z.object({}), async (_body, req) => {
    const { holdId } = req.params as { holdId: string };
    const hold = await sim.store.get<Hold>(`holds.${holdId}`);
    if (!hold) return { status: 404, body: { code: 'NO_SUCH_HOLD', message: `hold ${holdId} does not exist` } };
    if (hold.status !== 'held') return { status: 200, body: { released: hold.status === 'released', status: hold.status } };
    await sim.store.delete(hold.slotKey);
    await sim.store.put(`holds.${holdId}`, { ...hold, status: 'released' });
    return { status: 200, body: { released: true, status: 'released' } };
  });

  sim.write('POST', '/reservations', z.object({ holdId: z.string().min(1), partySize: z.number().int().min(1), customerId: z.string().min(1) }), async (body, req, effect) => {
    const done = await sim.store.get<Reservation>(`reservations.${effect.id}`);
    if (done) return { status: 201, body: { reservationId: done.reservationId, tableId: done.tableId } };
    const hold = await sim.store.get<Hold>(`holds.${body.holdId}`);
    if (!hold || hold.status !== 'held') return { status: 409, body: { code: 'HOLD_NOT_ACTIVE', message: `hold ${body.holdId} is ${hold?.status ?? 'unknown'}` } };
    const reservation: Reservation = {
      reservationId: effect.id,
      holdId: hold.holdId,
      tableId: hold.tableId,
      date: hold.date,
      time: hold.time,
      partySize: body.partySize,
      customerId: body.customerId,
      idempotencyKey: String(req.headers['idempotency-key']),
      createdAt: new Date().toISOString(),
    };
    if (!(await sim.store.create(`reservations.${reservation.reservationId}`, reservation))) {
      const first = (await sim.store.get<Reservation>(`reservations.${reservation.reservationId}`))!;
      return { status: 201, body: { reservationId: first.reservationId, tableId: first.tableId } };
    }
    await sim.store.put(`holds.${hold.holdId}`, { ...hold, status: 'booked' });
    return { status: 201, body: { reservationId: reservation.reservationId, tableId: hold.tableId } };
  });

  sim.app.get('/holds', async () => sim.store.list<Hold>('holds'));
  sim.app.get('/reservations', async () => sim.store.list<Reservation>('reservations'));
}
