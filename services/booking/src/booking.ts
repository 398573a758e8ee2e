// Booking: turns the table hold into a reservation in the POS; its compensation cancels the
// booking (the table is free again). The booking runs once per step whatever happens to the task
// (ledger + idempotency key) and carries the step's reference, so a booking whose answer never
// came is found, or cancelled before it commits (cancel-before-create, @baton/agent
// late-commits.ts): the POS may commit it after its answer or after we gave up.
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent, keepOne, type AgentContext } from '@baton/agent';
import { reservationAgents, type Booking } from '@baton/workflow-reservation/contracts';

export const BookingConfig = z.object({
  BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
  BATON_POS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

type PosBooking = Booking & { status?: 'booked' | 'cancelled'; createdAt: string };

export function bookingAgent(config: z.output<typeof BookingConfig>) {
  const pos = { system: 'pos', baseUrl: config.BATON_POS_URL, timeoutMs: config.BATON_POS_TIMEOUT_MS };
  /** Cancels one booking by its id, once (cancelling a cancelled booking changes nothing). */
  const cancel = (ctx: AgentContext, reservationId: string, effect: string) =>
    ctx.effect(
      effect,
      (idempotencyKey) =>
        ctx.callExternal<{ cancelled: boolean }>({
          system: 'pos',
          method: 'DELETE',
          url: `${config.BATON_POS_URL}/reservations/${encodeURIComponent(reservationId)}`,
          idempotencyKey,
          timeoutMs: config.BATON_POS_TIMEOUT_MS,
        }),
      { retrySafe: true },
    );
  return defineAgent(reservationAgents.booking, {
    async handle({ request, hold }, ctx) {
      const reference = ctx.idempotencyKey;
      return ctx.effect(
        'reserve',
        (idempotencyKey) =>
          ctx.callExternal<Booking>({
            system: 'pos',
            method: 'POST',
            url: `${config.BATON_POS_URL}/reservations`,
            body: { holdId: hold.holdId, partySize: request.partySize, customerId: request.customer.id, reference },
            idempotencyKey,
            timeoutMs: config.BATON_POS_TIMEOUT_MS,
          }),
        {
          schema: reservationAgents.booking.output,
          // An earlier attempt's outcome is unknown: a booking still in flight is refused from now
          // on, and what stands under our reference is final. Two: keep one, cancel the other.
          reconcile: async () => {
            const cancellation = await cancelReference(ctx, pos, reference, 'pending');
            const bookings = committedOf<PosBooking>(cancellation, 'reservations', (b) => b.status !== 'cancelled');
            const kept = await keepOne(
              ctx,
              { agent: 'booking', effect: 'reserve', reference },
              bookings,
              async (extra) => {
                await cancel(ctx, extra.reservationId, `cancel-duplicate-${extra.reservationId}`);
              },
            );
            return kept ? { reservationId: kept.reservationId, tableId: kept.tableId } : undefined;
          },
        },
      );
    },
    async compensate(input, ctx) {
      if ('reservationId' in input)
        return { cancelled: (await cancel(ctx, input.reservationId, 'cancel-booking')).cancelled };
      // Registered before the booking's answer came: cancel the reference for good, so a booking
      // that commits later is refused, and cancel whatever stands under it.
      const cancellation = await cancelReference(ctx, pos, input.bookingReference, 'all');
      const bookings = committedOf<PosBooking>(cancellation, 'reservations');
      if (bookings.length === 0) return { cancelled: true, nothingBooked: true };
      await keepOne(
        ctx,
        { agent: 'booking', effect: 'reserve', reference: input.bookingReference },
        bookings,
        async () => undefined,
      );
      let cancelled = true;
      for (const [i, booking] of bookings.entries()) {
        if (booking.status === 'cancelled') continue;
        cancelled =
          (
            await cancel(
              ctx,
              booking.reservationId,
              i === 0 ? 'cancel-booking' : `cancel-booking-${booking.reservationId}`,
            )
          ).cancelled && cancelled;
      }
      return { cancelled };
    },
  });
}
