// Order check: the customer's recent orders from the order system, and the one the ticket is
// about (the order it names, else the latest). A named order that is not this customer's is
// reported as a problem for a person, never resolved against.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { supportAgents, type Order } from '@baton/workflow-support/contracts';

export const OrdersAgentConfig = z.object({
  BATON_ORDERS_URL: z.url().default('http://127.0.0.1:8346'),
  BATON_ORDERS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

const RECENT = 10;

export function ordersAgent(config: z.output<typeof OrdersAgentConfig>) {
  return defineAgent(supportAgents['order-check'], {
    async handle({ customerId, orderId }, ctx) {
      const all = await ctx.callExternal<Array<Order & { kind: string }>>({
        system: 'orders',
        method: 'GET',
        url: `${config.BATON_ORDERS_URL}/customers/${encodeURIComponent(customerId)}/orders`,
        timeoutMs: config.BATON_ORDERS_TIMEOUT_MS,
      });
      const purchases = all
        .filter((o) => o.kind === 'purchase')
        .map(({ orderId, customerId, status, items, totalCents, refundedCents, placedAt }) => ({
          orderId,
          customerId,
          status,
          items,
          totalCents,
          refundedCents,
          placedAt,
        }));
      const recent = purchases.slice(0, RECENT);
      if (!orderId) return { ...(purchases[0] ? { order: purchases[0] } : {}), recent };
      const order = purchases.find((o) => o.orderId === orderId);
      return order
        ? { order, recent }
        : { recent, problem: `order ${orderId} named in the ticket is not among customer ${customerId}'s orders` };
    },
  });
}
