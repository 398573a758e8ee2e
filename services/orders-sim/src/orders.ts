// An order system, simulated: customers' orders, and what support does to them: return
// authorizations, refunds and replacement orders, each undoable (cancel, void). It is the system
// of record for a ticket's resolution, so it enforces the lease's fencing token: every support
// write names its resource (`ticket:<id>`) and the token of the lease it holds; a token smaller
// than the largest one this system has accepted for that resource is refused with
// 409 STALE_FENCING_TOKEN (the writer's lease expired and someone else holds it now). The check
// and the write are one transaction of the record store.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

const Item = z.object({
  sku: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  quantity: z.number().int().min(1).max(1000),
  unitPriceCents: z.number().int().min(0),
});
export type Item = z.infer<typeof Item>;
const Fencing = z.object({ resource: z.string().min(1).max(300), token: z.number().int().positive() });

export const OrderStatus = z.enum(['placed', 'shipped', 'delivered', 'cancelled']);
export interface Order {
  orderId: string;
  customerId: string;
  kind: 'purchase' | 'replacement';
  status: z.infer<typeof OrderStatus>;
  items: Item[];
  totalCents: number;
  refundedCents: number;
  placedAt: string;
  replacesOrderId?: string;
  ticketId?: string;
  idempotencyKey: string | null;
  reference: string | null;
}
export interface Return {
  returnId: string;
  orderId: string;
  ticketId: string;
  status: 'open' | 'cancelled';
  items: Item[];
  fencingToken: number;
  idempotencyKey: string | null;
  reference: string | null;
  createdAt: string;
}
export interface Refund {
  refundId: string;
  orderId: string;
  ticketId: string;
  amountCents: number;
  status: 'issued' | 'voided';
  fencingToken: number;
  idempotencyKey: string | null;
  reference: string | null;
  createdAt: string;
}

type Tx = Parameters<Parameters<SimulatorContext['store']['atomically']>[0]>[0];
type Answer = { status: number; body: unknown };

const stale = (resource: string, token: number, seen: number): Answer => ({
  status: 409,
  body: {
    code: 'STALE_FENCING_TOKEN',
    message: `fencing token ${token} for ${resource} is older than ${seen}, which this system has already accepted: the writer's lease is gone`,
  },
});

/** The fencing check, inside the write's transaction: refuse an older token, remember a newer one. */
function fenced(tx: Tx, fencing: z.infer<typeof Fencing>, write: () => Answer): Answer {
  const key = `fence.${Buffer.from(fencing.resource).toString('base64url')}`;
  const seen = tx.get<{ token: number }>(key)?.token ?? 0;
  if (fencing.token < seen) return stale(fencing.resource, fencing.token, seen);
  if (fencing.token > seen) tx.put(key, { token: fencing.token, resource: fencing.resource });
  return write();
}

export function registerOrders(sim: SimulatorContext): void {
  const { store } = sim;

  // A purchase (the shop placing an order; tests and the demo seed them), or a replacement order
  // for a ticket (support, fenced, at no charge).
  sim.write(
    'POST',
    '/orders',
    z.object({
      customerId: z.string().min(1).max(100),
      items: z.array(Item).min(1).max(50),
      status: OrderStatus.default('placed'),
      replacesOrderId: z.string().min(1).optional(),
      ticketId: z.string().min(1).optional(),
      fencing: Fencing.optional(),
      reference: z.string().optional(),
    }),
    async (body, _req, effect) =>
      store.atomically((tx) => {
        const write = (): Answer => {
          const existing = tx.get<Order>(`orders.${effect.id}`);
          if (existing) return { status: 201, body: existing };
          if (body.replacesOrderId) {
            const original = tx.get<Order>(`orders.${body.replacesOrderId}`);
            if (!original)
              return {
                status: 404,
                body: { code: 'ORDER_NOT_FOUND', message: `order ${body.replacesOrderId} does not exist` },
              };
          }
          const replacement = body.replacesOrderId !== undefined;
          const order: Order = {
            orderId: effect.id,
            customerId: body.customerId,
            kind: replacement ? 'replacement' : 'purchase',
            status: body.status,
            items: body.items,
            totalCents: replacement ? 0 : body.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0),
            refundedCents: 0,
            placedAt: new Date().toISOString(),
            ...(body.replacesOrderId ? { replacesOrderId: body.replacesOrderId } : {}),
            ...(body.ticketId ? { ticketId: body.ticketId } : {}),
            idempotencyKey: effect.idempotencyKey,
            reference: effect.reference,
          };
          tx.put(`orders.${order.orderId}`, order);
          return { status: 201, body: order };
        };
        if (body.replacesOrderId && !body.fencing)
          return {
            status: 400,
            body: {
              code: 'FENCING_REQUIRED',
              message: 'a replacement order for a ticket needs the lease fencing token',
            },
          };
        return body.fencing ? fenced(tx, body.fencing, write) : write();
      }),
  );

  sim.write('POST', '/orders/:orderId/cancel', z.object({ fencing: Fencing }), async (body, req) =>
    store.atomically((tx) =>
      fenced(tx, body.fencing, () => {
        const { orderId } = req.params as { orderId: string };
        const order = tx.get<Order>(`orders.${orderId}`);
        if (!order)
          return { status: 404, body: { code: 'ORDER_NOT_FOUND', message: `order ${orderId} does not exist` } };
        if (order.status === 'shipped' || order.status === 'delivered')
          return {
            status: 409,
            body: { code: 'ORDER_ALREADY_SHIPPED', message: `order ${orderId} is ${order.status}` },
          };
        tx.put(`orders.${orderId}`, { ...order, status: 'cancelled' });
        return { status: 200, body: { orderId, status: 'cancelled' } };
      }),
    ),
  );

  sim.write(
    'POST',
    '/returns',
    z.object({
      orderId: z.string().min(1),
      ticketId: z.string().min(1),
      items: z.array(Item).min(1).max(50),
      fencing: Fencing,
      reference: z.string().optional(),
    }),
    async (body, _req, effect) =>
      store.atomically((tx) =>
        fenced(tx, body.fencing, () => {
          const existing = tx.get<Return>(`returns.${effect.id}`);
          if (existing) return { status: 201, body: existing };
          if (!tx.get<Order>(`orders.${body.orderId}`))
            return { status: 404, body: { code: 'ORDER_NOT_FOUND', message: `order ${body.orderId} does not exist` } };
          const ret: Return = {
            returnId: effect.id,
            orderId: body.orderId,
            ticketId: body.ticketId,
            status: 'open',
            items: body.items,
            fencingToken: body.fencing.token,
            idempotencyKey: effect.idempotencyKey,
            reference: effect.reference,
            createdAt: new Date().toISOString(),
          };
          tx.put(`returns.${ret.returnId}`, ret);
          return { status: 201, body: ret };
        }),
      ),
  );

  sim.write('POST', '/returns/:returnId/cancel', z.object({ fencing: Fencing }), async (body, req) =>
    store.atomically((tx) =>
      fenced(tx, body.fencing, () => {
        const { returnId } = req.params as { returnId: string };
        const ret = tx.get<Return>(`returns.${returnId}`);
        if (!ret)
          return { status: 404, body: { code: 'RETURN_NOT_FOUND', message: `return ${returnId} does not exist` } };
        tx.put(`returns.${returnId}`, { ...ret, status: 'cancelled' });
        return { status: 200, body: { returnId, status: 'cancelled' } };
      }),
    ),
  );

  sim.write(
    'POST',
    '/refunds',
    z.object({
      orderId: z.string().min(1),
      ticketId: z.string().min(1),
      amountCents: z.number().int().positive(),
      fencing: Fencing,
      reference: z.string().optional(),
    }),
    async (body, _req, effect) =>
      store.atomically((tx) =>
        fenced(tx, body.fencing, () => {
          const existing = tx.get<Refund>(`refunds.${effect.id}`);
          if (existing) return { status: 201, body: existing };
          const order = tx.get<Order>(`orders.${body.orderId}`);
          if (!order)
            return { status: 404, body: { code: 'ORDER_NOT_FOUND', message: `order ${body.orderId} does not exist` } };
          if (order.refundedCents + body.amountCents > order.totalCents) {
            return {
              status: 422,
              body: {
                code: 'REFUND_EXCEEDS_ORDER',
                message: `order ${body.orderId}: ${body.amountCents} more would refund over its total ${order.totalCents}`,
              },
            };
          }
          const refund: Refund = {
            refundId: effect.id,
            orderId: body.orderId,
            ticketId: body.ticketId,
            amountCents: body.amountCents,
            status: 'issued',
            fencingToken: body.fencing.token,
            idempotencyKey: effect.idempotencyKey,
            reference: effect.reference,
            createdAt: new Date().toISOString(),
          };
          tx.put(`refunds.${refund.refundId}`, refund);
          tx.put(`orders.${order.orderId}`, { ...order, refundedCents: order.refundedCents + body.amountCents });
          return { status: 201, body: refund };
        }),
      ),
  );

  // Voiding a refund that has not settled yet gives the money back to the shop.
  sim.write('POST', '/refunds/:refundId/void', z.object({ fencing: Fencing }), async (body, req) =>
    store.atomically((tx) =>
      fenced(tx, body.fencing, () => {
        const { refundId } = req.params as { refundId: string };
        const refund = tx.get<Refund>(`refunds.${refundId}`);
        if (!refund)
          return { status: 404, body: { code: 'REFUND_NOT_FOUND', message: `refund ${refundId} does not exist` } };
        if (refund.status === 'voided') return { status: 200, body: { refundId, status: 'voided' } };
        const order = tx.get<Order>(`orders.${refund.orderId}`);
        tx.put(`refunds.${refundId}`, { ...refund, status: 'voided' });
        if (order)
          tx.put(`orders.${order.orderId}`, {
            ...order,
            refundedCents: Math.max(0, order.refundedCents - refund.amountCents),
          });
        return { status: 200, body: { refundId, status: 'voided' } };
      }),
    ),
  );

  // The support agent's reads (faults apply: the order system can be down) ...
  sim.read('/customers/:customerId/orders', async (req) => {
    const { customerId } = req.params as { customerId: string };
    return (await store.list<Order>('orders'))
      .filter((o) => o.customerId === customerId)
      .sort((a, b) => (a.placedAt < b.placedAt ? 1 : -1));
  });
  // ... and the lookups by reference or ticket that reconcile an unknown outcome.
  sim.lookup('/orders', 'orders', [
    'reference',
    'idempotencyKey',
    'customerId',
    'ticketId',
    'replacesOrderId',
    'status',
    'orderId',
  ]);
  sim.lookup('/returns', 'returns', ['reference', 'idempotencyKey', 'ticketId', 'orderId', 'status']);
  sim.lookup('/refunds', 'refunds', ['reference', 'idempotencyKey', 'ticketId', 'orderId', 'status']);
}
