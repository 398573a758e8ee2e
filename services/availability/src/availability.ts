// Availability: holds a table in the POS for the requested slot; its compensation releases it.
// Every hold carries the step's reference, so an attempt whose outcome is unknown, or a release
// registered before the hold's answer came, finds it in the POS. The POS may commit a hold after
// its answer or after we gave up, so neither looks with a bare lookup: they cancel the reference
// first (cancel-before-create, @baton/agent late-commits.ts) and read what is committed in the
// same answer; a release that finds nothing leaves a marker that refuses a hold coming later.
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent, keepOne, type AgentContext } from '@baton/agent';
import { reservationAgents, type TableHold } from '@baton/workflow-reservation/contracts';

export const AvailabilityConfig = z.object({
  BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
  BATON_POS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

type PosHold = TableHold & { status: 'held' | 'released' | 'booked'; createdAt: string };

export function availabilityAgent(config: z.output<typeof AvailabilityConfig>) {
  const pos = { system: 'pos', baseUrl: config.BATON_POS_URL, timeoutMs: config.BATON_POS_TIMEOUT_MS };
  const get = <T>(ctx: AgentContext, path: string) =>
    ctx.callExternal<T>({
      system: 'pos',
      method: 'GET',
      url: `${config.BATON_POS_URL}${path}`,
      timeoutMs: config.BATON_POS_TIMEOUT_MS,
    });
  /** Releases one hold by its id, once; false when the POS says it is booked. */
  const release = async (ctx: AgentContext, holdId: string, effect: string) =>
    (
      await ctx.effect(
        effect,
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
            const hold = await get<PosHold>(ctx, `/holds/${encodeURIComponent(holdId)}`);
            return hold.status === 'held' ? undefined : { released: hold.status === 'released' };
          },
        },
      )
    ).released;
  return defineAgent(reservationAgents.availability, {
    async handle({ request }, ctx) {
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
          // An earlier attempt's outcome is unknown: a hold still in flight is refused from now on,
          // and what stands under our reference is final. Two holds: keep one, release the other.
          reconcile: async () => {
            const cancellation = await cancelReference(ctx, pos, reference, 'pending');
            const holds = committedOf<PosHold>(cancellation, 'holds', (h) => h.status !== 'released');
            const kept = await keepOne(
              ctx,
              { agent: 'availability', effect: 'hold-table', reference },
              holds,
              async (extra) => {
                await release(ctx, extra.holdId, `release-duplicate-${extra.holdId}`);
              },
            );
            return kept ? { holdId: kept.holdId, tableId: kept.tableId, seats: kept.seats } : undefined;
          },
        },
      );
    },
    async compensate(input, ctx) {
      if ('holdId' in input) return { released: await release(ctx, input.holdId, 'release-hold') };
      // Registered before the hold's answer came: cancel the reference for good, so a hold that
      // commits later is refused, and release whatever stands under it.
      const cancellation = await cancelReference(ctx, pos, input.holdReference, 'all');
      const holds = committedOf<PosHold>(cancellation, 'holds');
      if (holds.length === 0) return { released: true, nothingHeld: true };
      await keepOne(
        ctx,
        { agent: 'availability', effect: 'hold-table', reference: input.holdReference },
        holds,
        async () => undefined,
      );
      let released = true;
      for (const [i, hold] of holds.entries()) {
        if (hold.status === 'released') continue;
        released =
          (await release(ctx, hold.holdId, i === 0 ? 'release-hold' : `release-hold-${hold.holdId}`)) && released;
      }
      return { released };
    },
  });
}
