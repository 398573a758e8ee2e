// Availability: holds a table in the POS for the requested slot; its compensation releases it.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { reservationAgents, type TableHold } from '@baton/workflow-reservation/contracts';

export const AvailabilityConfig = z.object({
  BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
  BATON_POS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function availabilityAgent(config: z.output<typeof AvailabilityConfig>) {
  return defineAgent(reservationAgents.availability, {
    async handle({ request }, ctx) {
      return ctx.effect('hold-table', (idempotencyKey) =>
        ctx.callExternal<TableHold>({
          system: 'pos',
          method: 'POST',
          url: `${config.BATON_POS_URL}/holds`,
          body: { partySize: request.partySize, date: request.date, time: request.time },
          idempotencyKey,
          timeoutMs: config.BATON_POS_TIMEOUT_MS,
        }),
      );
    },
    async compensate({ holdId }, ctx) {
      const answer = await ctx.effect('release-hold', (idempotencyKey) =>
        ctx.callExternal<{ released: boolean }>({
          system: 'pos',
          method: 'DELETE',
          url: `${config.BATON_POS_URL}/holds/${encodeURIComponent(holdId)}`,
          idempotencyKey,
          timeoutMs: config.BATON_POS_TIMEOUT_MS,
        }),
      );
      return { released: answer.released };
    },
  });
}
