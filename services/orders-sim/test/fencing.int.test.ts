// The order system as the system of record behind a ticket's lease: leases from the real
// nats-server (@baton/lease), the order simulator in process. A holder whose lease expired and
// was taken over is refused by the fencing token, and nothing it sent is recorded; the new
// holder's writes go through; writes without a lease on a ticket's resolution are refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '@baton/bus';
import { Leases } from '@baton/lease';
import { createSimulator, type SimulatorContext } from '@baton/simulator';
import { createLogger } from '@baton/telemetry';
import { testBus, waitFor } from '@baton/testkit';
import { registerOrders, type Order, type Refund } from '../src/orders.js';

describe('order system fencing', () => {
  let bus: Bus;
  let leases: Leases;
  let sim: SimulatorContext;
  const dir = mkdtempSync(join(tmpdir(), 'baton-orders-'));
  before(async () => {
    bus = await testBus('orders-fencing-test');
    leases = await Leases.open(bus);
    sim = await createSimulator({ name: 'orders', logger: createLogger('orders-test', 'error'), stateDir: dir });
    registerOrders(sim);
  });
  after(async () => {
    await sim?.close();
    await bus?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (url: string, body: unknown) => {
    const res = await sim.app.inject({
      method: 'POST',
      url,
      payload: body as Record<string, unknown>,
      headers: { 'idempotency-key': randomUUID() },
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const seedOrder = async () =>
    (
      await post('/orders', {
        customerId: 'c-1',
        status: 'delivered',
        items: [{ sku: 'k-1', name: 'Kettle', quantity: 1, unitPriceCents: 4_000 }],
      })
    ).body as unknown as Order;

  it("refuses a stale holder's write after its lease expired and another holder wrote", async () => {
    const order = await seedOrder();
    const ticket = `ticket:T-${randomUUID()}`;
    const stale = await leases.acquire(ticket, 'escalation-a', { ttlMs: 1 });
    await waitFor('the first lease to expire', async () => (Date.now() > stale.expiresAt ? true : undefined));
    const fresh = await leases.acquire(ticket, 'escalation-b', { ttlMs: 30_000 });
    assert.ok(fresh.token > stale.token);

    const ok = await post('/refunds', {
      orderId: order.orderId,
      ticketId: ticket,
      amountCents: 4_000,
      fencing: { resource: ticket, token: fresh.token },
    });
    assert.equal(ok.status, 201);
    // The paused holder wakes up and writes with its old token.
    const late = await post('/refunds', {
      orderId: order.orderId,
      ticketId: ticket,
      amountCents: 4_000,
      fencing: { resource: ticket, token: stale.token },
    });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'STALE_FENCING_TOKEN');
    const refunds = (
      await sim.app.inject({ method: 'GET', url: `/refunds?ticketId=${encodeURIComponent(ticket)}` })
    ).json<Refund[]>();
    assert.deepEqual(
      refunds.map((r) => r.fencingToken),
      [fresh.token],
      'only the current holder wrote',
    );
  });

  it("accepts a holder's writes until a newer token has been seen, whatever the clock says", async () => {
    const order = await seedOrder();
    const ticket = `ticket:T-${randomUUID()}`;
    const lease = await leases.acquire(ticket, 'escalation-a', { ttlMs: 1 });
    await waitFor('the lease to expire', async () => (Date.now() > lease.expiresAt ? true : undefined));
    // Expired, but nobody else took it: the system of record has seen no newer token.
    const ret = await post('/returns', {
      orderId: order.orderId,
      ticketId: ticket,
      items: order.items,
      fencing: { resource: ticket, token: lease.token },
    });
    assert.equal(ret.status, 201);
  });

  it('refuses a replacement order for a ticket without a fencing token', async () => {
    const order = await seedOrder();
    const res = await post('/orders', {
      customerId: 'c-1',
      items: order.items,
      replacesOrderId: order.orderId,
      ticketId: 'T-1',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'FENCING_REQUIRED');
  });
});
