// Payment: charges the reservation deposit; its compensation refunds it. Both are effects that
// must happen once per step, whatever happens to the task. Every charge carries the step's
// reference (its idempotency key), so an attempt whose outcome is unknown, or a refund registered
// before the charge's answer came, finds it at the provider.
import { z } from 'zod';
import { defineAgent, type AgentContext } from '@baton/agent';
import { reservationAgents, type Deposit } from '@baton/workflow-reservation/contracts';

export const PaymentConfig = z.object({
  BATON_PAYMENT_URL: z.url().default('http://127.0.0.1:8343'),
  BATON_PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function paymentAgent(config: z.output<typeof PaymentConfig>) {
  const chargesFor = (ctx: AgentContext, reference: string) =>
    ctx.callExternal<Deposit[]>({ system: 'payment', method: 'GET', url: `${config.BATON_PAYMENT_URL}/charges?reference=${encodeURIComponent(reference)}`, timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS });
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
          // An earlier attempt's outcome is unknown (it died, or the answer came too late): was the
          // card charged under our reference? Never charge again on a guess.
          reconcile: async () => {
            const [charge] = await chargesFor(ctx, reference);
            return charge ? { chargeId: charge.chargeId, amountCents: charge.amountCents } : undefined;
          },
        },
      );
    },
    async compensate(input, ctx) {
      let chargeId: string;
      if ('chargeId' in input) chargeId = input.chargeId;
      else {
        // Registered before the charge's answer came (or with none at all): was there one?
        const [charge] = await chargesFor(ctx, input.chargeReference);
        if (!charge) return { refunded: true, nothingCharged: true };
        chargeId = charge.chargeId;
      }
      const answer = await ctx.effect(
        'refund',
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
          // Refunded already: done; not yet: run the refund.
          reconcile: async () => {
            const charge = await ctx.callExternal<{ refunded: boolean }>({ system: 'payment', method: 'GET', url: `${config.BATON_PAYMENT_URL}/charges/${encodeURIComponent(chargeId)}`, timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS });
            return charge.refunded ? { refunded: true } : undefined;
          },
        },
      );
      return { refunded: answer.refunded };
    },
  });
}
