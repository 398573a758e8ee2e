// Availability: holds a table in the POS for the requested slot; its compensation releases it.
// Every hold carries the step's reference (its idempotency key), so an attempt whose outcome is
// unknown, or a release registered before the hold's answer came, finds it in the POS.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { reservationAgents, type TableHold } from '@baton/workflow-reservation/contracts';

export const AvailabilityConfig = z.object({
  BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
  BATON_POS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

type PosHold = TableHold & { status: 'held' | 'released' | 'booked' };

export function availabilityAgent(config: z.output<typeof AvailabilityConfig>) {
  return defineAgent(reservationAgents.availability, {
    async handle({ request }, ctx) {
      const get = <T>(path: string) => ctx.callExternal<T>({ system: 'pos', method: 'GET', url: `${config.BATON_POS_URL}${path}`, timeoutMs: config.BATON_POS_TIMEOUT_MS });
      const reference = ctx.idempotencyKey;
      return ctx.effect(
        'hold-table',
        (idempotencyKey) =>
          ctx.callExternal<TableHold>({
            system: 'pos',
            method: 'POST',
            url: `${config.BATON_POS_URL}/holds`,
            body: { partySize: request.partySize, date: request.date, time: request.time, reference },
            idempotencyKey,
            timeoutMs: config.BATON_POS_TIMEOUT_MS,
          }),
        {
          schema: reservationAgents.availability.output,
          // An earlier attempt's outcome is unknown: did the POS take a hold under our reference?
          reconcile: async () => {
            const [hold] = await get<PosHold[]>(`/holds?reference=${encodeURIComponent(reference)}`);
            return hold ? { holdId: hold.holdId, tableId: hold.tableId, seats: hold.seats } : undefined;
          },
        },
      );
    },
    async compensate(input, ctx) {
      const get = <T>(path: string) => ctx.callExternal<T>({ system: 'pos', method: 'GET', url: `${config.BATON_POS_URL}${path}`, timeoutMs: config.BATON_POS_TIMEOUT_MS });
      let holdId: string;
      if ('holdId' in input) holdId = input.holdId;
      else {
        const [hold] = await get<PosHold[]>(`/holds?reference=${encodeURIComponent(input.holdReference)}`);
        if (!hold) return { released: true, nothingHeld: true };
        holdId = hold.holdId;
      }
      const answer = await ctx.effect(
        'release-hold',
        (idempotencyKey) =>
          ctx.callExternal<{ released: boolean }>({
            system: 'pos',
            method: 'DELETE',
            url: `${config.BATON_POS_URL}/holds/${encodeURIComponent(holdId)}`,
            idempotencyKey,
            timeoutMs: config.BATON_POS_TIMEOUT_MS,
          }),
        {
          // Released: done. Booked: it can no longer be released (the workflow hands that to a
          // person). Still held: the release did not happen, run it.
          reconcile: async () => {
            const hold = await get<PosHold>(`/holds/${encodeURIComponent(holdId)}`);
            return hold.status === 'held' ? undefined : { released: hold.status === 'released' };
          },
        },
      );
      return { released: answer.released };
    },
  });
}
