// Resolver: executes a ticket's resolution in the order system (the system of record), a refund,
// or a replacement (a return for the faulty item, then a replacement order at no charge), and
// undoes it as the saga's compensation (void the refund, cancel the order and the return).
//
// Two escalations of one ticket must never both resolve it, so the whole check-then-write runs
// under the ticket's lease (@baton/lease): the holder is this step's idempotency key, so a retry
// of the same step re-enters, and every write carries the lease's fencing token, which the order
// system checks (a holder whose lease expired while it paused is refused). Under the lease the
// agent first asks the order system whether another escalation already resolved the ticket; if
// so it reports `alreadyResolved` and writes nothing.
//
// Every write is an effect in the ledger whose body carries the step's reference, so an attempt
// whose outcome is unknown, or the compensation, finds what was done by asking the order system.
import { z } from 'zod';
import { AgentError, cancelReference, committedOf, defineAgent, type AgentContext } from '@baton/agent';
import type { Bus } from '@baton/bus';
import { LeaseHeldError, LeaseLostError, Leases, type Lease } from '@baton/lease';
import { supportAgents, type Resolution } from '@baton/workflow-support/contracts';

export const ResolverConfig = z.object({
  BATON_ORDERS_URL: z.url().default('http://127.0.0.1:8346'),
  BATON_ORDERS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** How long a resolution's lease on its ticket lasts without renewal (renewed while it runs). */
  BATON_RESOLVER_LEASE_TTL_MS: z.coerce.number().int().min(100).default(15_000),
});

interface Written {
  status: string;
  reference: string | null;
}
interface ReturnRecord extends Written {
  returnId: string;
}
interface RefundRecord extends Written {
  refundId: string;
}
interface OrderRecord extends Written {
  orderId: string;
  kind: string;
}

export const ticketResource = (ticketId: string) => `ticket:${ticketId}`;

export async function resolverAgent(config: z.output<typeof ResolverConfig>, bus: Bus) {
  const leases = await Leases.open(bus);
  const ttl = { ttlMs: config.BATON_RESOLVER_LEASE_TTL_MS };
  const ordersSystem = {
    system: 'orders',
    baseUrl: config.BATON_ORDERS_URL,
    timeoutMs: config.BATON_ORDERS_TIMEOUT_MS,
  };
  const orders = (ctx: AgentContext) => ({
    get: <T>(path: string) =>
      ctx.callExternal<T>({
        system: 'orders',
        method: 'GET',
        url: `${config.BATON_ORDERS_URL}${path}`,
        timeoutMs: config.BATON_ORDERS_TIMEOUT_MS,
      }),
    post: <T>(path: string, body: unknown, idempotencyKey: string) =>
      ctx.callExternal<T>({
        system: 'orders',
        method: 'POST',
        url: `${config.BATON_ORDERS_URL}${path}`,
        body,
        idempotencyKey,
        timeoutMs: config.BATON_ORDERS_TIMEOUT_MS,
      }),
  });
  const q = encodeURIComponent;

  /** Runs fn under the ticket's lease; a lease someone else holds, or lost, is worth a retry. */
  const underLease = async <T>(ctx: AgentContext, ticketId: string, fn: (lease: Lease) => Promise<T>): Promise<T> => {
    try {
      return await leases.withLease(ticketResource(ticketId), ctx.idempotencyKey, ttl, (lease) => fn(lease));
    } catch (err) {
      if (err instanceof LeaseHeldError || err instanceof LeaseLostError)
        throw new AgentError(err.code, err.message, true);
      // Our lease expired and another holder wrote since: retry, re-acquire, look again.
      if (err instanceof AgentError && err.code === 'STALE_FENCING_TOKEN')
        throw new AgentError(err.code, err.message, true);
      throw err;
    }
  };

  return defineAgent(supportAgents.resolver, {
    async handle({ ticketId, customerId, proposal }, ctx): Promise<Resolution> {
      const reference = ctx.idempotencyKey;
      const api = orders(ctx);
      return underLease(ctx, ticketId, async (lease) => {
        const fencing = { resource: lease.resource, token: lease.token };
        ctx.span.setAttribute('baton.lease.token', lease.token);
        // Did another escalation of this ticket resolve it? (Our own earlier attempt does not count.)
        const [refunds, replacements] = await Promise.all([
          api.get<RefundRecord[]>(`/refunds?ticketId=${q(ticketId)}&status=issued`),
          api.get<OrderRecord[]>(`/orders?ticketId=${q(ticketId)}`),
        ]);
        const otherRefund = refunds.find((r) => r.reference !== reference);
        const otherOrder = replacements.find(
          (o) => o.kind === 'replacement' && o.status !== 'cancelled' && o.reference !== reference,
        );
        if (otherRefund || otherOrder) {
          return {
            kind: otherRefund ? 'refund' : 'replacement',
            alreadyResolved: true,
            ...(otherRefund ? { refundId: otherRefund.refundId } : {}),
            ...(otherOrder ? { replacementOrderId: otherOrder.orderId } : {}),
            fencingToken: lease.token,
          };
        }
        // An earlier attempt's outcome is unknown: cancel what is still pending under the reference
        // (the order system refuses it from now on), then what the same answer lists is final.
        const first =
          <T>(kind: 'refunds' | 'returns' | 'orders') =>
          async () =>
            committedOf<T>(await cancelReference(ctx, ordersSystem, reference, 'pending'), kind)[0];
        if (proposal.kind === 'refund') {
          const refund = await ctx.effect(
            'refund',
            (key) =>
              api.post<RefundRecord>(
                '/refunds',
                { orderId: proposal.orderId, ticketId, amountCents: proposal.amountCents, fencing, reference },
                key,
              ),
            { reconcile: first<RefundRecord>('refunds') },
          );
          return { kind: 'refund', alreadyResolved: false, refundId: refund.refundId, fencingToken: lease.token };
        }
        const ret = await ctx.effect(
          'return',
          (key) =>
            api.post<ReturnRecord>(
              '/returns',
              { orderId: proposal.orderId, ticketId, items: proposal.items, fencing, reference },
              key,
            ),
          {
            reconcile: first<ReturnRecord>('returns'),
          },
        );
        const order = await ctx.effect(
          'replacement',
          (key) =>
            api.post<OrderRecord>(
              '/orders',
              { customerId, items: proposal.items, replacesOrderId: proposal.orderId, ticketId, fencing, reference },
              key,
            ),
          { reconcile: first<OrderRecord>('orders') },
        );
        return {
          kind: 'replacement',
          alreadyResolved: false,
          returnId: ret.returnId,
          replacementOrderId: order.orderId,
          fencingToken: lease.token,
        };
      });
    },

    // Undo whatever the resolve step wrote under its reference, newest first: the replacement
    // order, the refund, the return. Each undo is an effect; cancelling or voiding twice changes
    // nothing in the order system (retrySafe), so an attempt that died mid-call simply repeats it.
    async compensate({ ticketId, reference }, ctx) {
      const api = orders(ctx);
      return underLease(ctx, ticketId, async (lease) => {
        const fencing = { resource: lease.resource, token: lease.token };
        const undone: string[] = [];
        // Nothing may commit under the reference after this look: cancel it for good first.
        await cancelReference(ctx, ordersSystem, reference, 'all');
        const [replacementOrders, refunds, returns] = await Promise.all([
          api.get<OrderRecord[]>(`/orders?reference=${q(reference)}&status=placed`),
          api.get<RefundRecord[]>(`/refunds?reference=${q(reference)}&status=issued`),
          api.get<ReturnRecord[]>(`/returns?reference=${q(reference)}&status=open`),
        ]);
        for (const o of replacementOrders) {
          await ctx.effect(
            `cancel-order-${o.orderId}`,
            (key) => api.post(`/orders/${q(o.orderId)}/cancel`, { fencing }, key),
            { retrySafe: true },
          );
          undone.push(`replacement order ${o.orderId} cancelled`);
        }
        for (const r of refunds) {
          await ctx.effect(
            `void-refund-${r.refundId}`,
            (key) => api.post(`/refunds/${q(r.refundId)}/void`, { fencing }, key),
            { retrySafe: true },
          );
          undone.push(`refund ${r.refundId} voided`);
        }
        for (const r of returns) {
          await ctx.effect(
            `cancel-return-${r.returnId}`,
            (key) => api.post(`/returns/${q(r.returnId)}/cancel`, { fencing }, key),
            { retrySafe: true },
          );
          undone.push(`return ${r.returnId} cancelled`);
        }
        return { undone, nothingDone: undone.length === 0 };
      });
    },
  });
}
