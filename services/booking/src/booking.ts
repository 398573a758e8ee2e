// Booking: turns the table hold into a reservation in the POS. Irreversible from the customer's
// point of view, so it runs once per step whatever happens to the task (ledger + idempotency key).
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { reservationAgents, type Booking } from '@baton/workflow-reservation/contracts';

export const BookingConfig = z.object({
  BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
  BATON_POS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function bookingAgent(config: z.output<typeof BookingConfig>) {
  return defineAgent(reservationAgents.booking, {
    async handle({ request, hold }, ctx) {
      return ctx.effect(
        'reserve',
        (idempotencyKey) =>
          ctx.callExternal<Booking>({
            system: 'pos',
            method: 'POST',
            url: `${config.BATON_POS_URL}/reservations`,
            body: { holdId: hold.holdId, partySize: request.partySize, customerId: request.customer.id },
            idempotencyKey,
            timeoutMs: config.BATON_POS_TIMEOUT_MS,
          }),
        {
          schema: reservationAgents.booking.output,
          // An earlier attempt's outcome is unknown: is there a booking under our reference?
          reconcile: async (key) => {
            const [booking] = await ctx.callExternal<Booking[]>({ system: 'pos', method: 'GET', url: `${config.BATON_POS_URL}/reservations?reference=${encodeURIComponent(key)}`, timeoutMs: config.BATON_POS_TIMEOUT_MS });
            return booking ? { reservationId: booking.reservationId, tableId: booking.tableId } : undefined;
          },
        },
      );
    },
  });
}
