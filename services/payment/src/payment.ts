// Payment: charges the reservation deposit; its compensation refunds it. Both are effects that
// must happen once per step, whatever happens to the task.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { reservationAgents, type Deposit } from '@baton/workflow-reservation/contracts';

export const PaymentConfig = z.object({
  BATON_PAYMENT_URL: z.url().default('http://127.0.0.1:8343'),
  BATON_PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function paymentAgent(config: z.output<typeof PaymentConfig>) {
  return defineAgent(reservationAgents.payment, {
    async handle({ request, amountCents }, ctx) {
      return ctx.effect(
        'charge',
        (idempotencyKey) =>
          ctx.callExternal<Deposit>({
            system: 'payment',
            method: 'POST',
            url: `${config.BATON_PAYMENT_URL}/charges`,
            body: { customerId: request.customer.id, amountCents },
            idempotencyKey,
            timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS,
          }),
        {
          schema: reservationAgents.payment.output,
          // An earlier attempt's outcome is unknown (it died, or the answer came too late): was the
          // card charged under our reference? Never charge again on a guess.
          reconcile: async (key) => {
            const [charge] = await ctx.callExternal<Deposit[]>({ system: 'payment', method: 'GET', url: `${config.BATON_PAYMENT_URL}/charges?reference=${encodeURIComponent(key)}`, timeoutMs: config.BATON_PAYMENT_TIMEOUT_MS });
            return charge ? { chargeId: charge.chargeId, amountCents: charge.amountCents } : undefined;
          },
        },
      );
    },
    async compensate({ chargeId }, ctx) {
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
