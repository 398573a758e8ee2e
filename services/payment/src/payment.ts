// Payment: charges the reservation deposit; its compensation refunds it. Both are effects that
// must happen once per step, whatever happens to the task. Every charge carries the step's
// reference, so an attempt whose outcome is unknown, or a refund registered before the charge's
// answer came, finds it at the provider. The provider may commit a charge after its answer or
// after we gave up (and, in its no-idempotency mode, charges every request it gets), so neither
// looks with a bare lookup: they cancel the reference first (cancel-before-create,
// @baton/agent late-commits.ts) and read what is committed in the same answer. A retry thereby
// never sends a second charge while the first one's fate is unknown, and a refund that finds
// nothing leaves a marker that refuses the charge if it comes later.
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent, keepOne, type AgentContext } from '@baton/agent';
import { reservationAgents, type Deposit } from '@baton/workflow-reservation/contracts';

export const PaymentConfig = z.object({
  BATON_PAYMENT_URL: z.url().default('http://127.0.0.1:8343'),
  BATON_PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

interface ProviderCharge extends Deposit {
  refunded: boolean;
  createdAt: string;
}

export function paymentAgent(config: z.output<typeof PaymentConfig>) {
  const provider = { system: 'payment', baseUrl: config.BATON_PAYMENT_URL, timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS };
  /** Refunds one charge by its id, once (an effect of its own in the ledger). */
  const refundCharge = (ctx: AgentContext, chargeId: string, effect: string) =>
    ctx.effect(
      effect,
      (idempotencyKey) =>
        ctx.callExternal<{ refunded: boolean }>({
          system: 'payment',
          method: 'POST',
          url: `${config.BATON_PAYMENT_URL}/refunds`,
          body: { chargeId },
          idempotencyKey,
          timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS,
        }),
      {
        // Refunded already: done; not yet: run the refund (a refund is per charge at the provider).
        reconcile: async () => {
          const charge = await ctx.callExternal<{ refunded: boolean }>({
            system: 'payment',
            method: 'GET',
            url: `${config.BATON_PAYMENT_URL}/charges/${encodeURIComponent(chargeId)}`,
            timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS,
          });
          return charge.refunded ? { refunded: true } : undefined;
        },
      },
    );
  return defineAgent(reservationAgents.payment, {
    async handle({ request, amountCents }, ctx) {
      const reference = ctx.idempotencyKey;
      return ctx.effect(
        'charge',
        (idempotencyKey) =>
          ctx.callExternal<Deposit>({
            system: 'payment',
            method: 'POST',
            url: `${config.BATON_PAYMENT_URL}/charges`,
            body: { customerId: request.customer.id, amountCents, reference },
            idempotencyKey,
            timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS,
          }),
        {
          schema: reservationAgents.payment.output,
          // An earlier attempt's outcome is unknown (it died, or the answer came too late): a charge
          // still in flight is refused from now on, and what stands under our reference is final.
          // Never charge again on a guess; two charges found: keep one, refund the other, alarm.
          reconcile: async () => {
            const cancellation = await cancelReference(ctx, provider, reference, 'pending');
            const charges = committedOf<ProviderCharge>(cancellation, 'charges', (c) => !c.refunded);
            const kept = await keepOne(
              ctx,
              { agent: 'payment', effect: 'charge', reference },
              charges,
              async (extra) => {
                await refundCharge(ctx, extra.chargeId, `refund-duplicate-${extra.chargeId}`);
              },
            );
            return kept ? { chargeId: kept.chargeId, amountCents: kept.amountCents } : undefined;
          },
        },
      );
    },
    async compensate(input, ctx) {
      if ('chargeId' in input) return { refunded: (await refundCharge(ctx, input.chargeId, 'refund')).refunded };
      // Registered before the charge's answer came (or with none at all): cancel the reference for
      // good, so a charge that commits later is refused, and refund whatever stands under it.
      const cancellation = await cancelReference(ctx, provider, input.chargeReference, 'all');
      const charges = committedOf<ProviderCharge>(cancellation, 'charges');
      if (charges.length === 0) return { refunded: true, nothingCharged: true };
      await keepOne(
        ctx,
        { agent: 'payment', effect: 'charge', reference: input.chargeReference },
        charges,
        async () => undefined,
      );
      let refunded = true;
      for (const [i, charge] of charges.entries()) {
        if (charge.refunded) continue;
        refunded =
          (await refundCharge(ctx, charge.chargeId, i === 0 ? 'refund' : `refund-${charge.chargeId}`)).refunded &&
          refunded;
      }
      return { refunded };
    },
  });
}
