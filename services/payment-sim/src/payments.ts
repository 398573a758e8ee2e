// A payment provider for deposits, simulated: charges and refunds, each applied once per
// Idempotency-Key, with records that tests count to prove nothing was charged twice.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export interface Charge {
  chargeId: string;
  customerId: string;
  amountCents: number;
  idempotencyKey: string;
  refunded: boolean;
  createdAt: string;
}

export interface Refund {
  refundId: string;
  chargeId: string;
  amountCents: number;
  idempotencyKey: string;
  createdAt: string;
}

export function registerPayments(sim: SimulatorContext): void {
  sim.write('POST', '/charges', z.object({ customerId: z.string().min(1), amountCents: z.number().int().positive() }), async (body, req) => {
    const charge: Charge = { chargeId: randomUUID(), ...body, idempotencyKey: String(req.headers['idempotency-key']), refunded: false, createdAt: new Date().toISOString() };
    await sim.store.put(`charges.${charge.chargeId}`, charge);
    return { status: 201, body: { chargeId: charge.chargeId, amountCents: charge.amountCents } };
  });

  sim.write('POST', '/refunds', z.object({ chargeId: z.string().min(1) }), async (body, req) => {
    const charge = await sim.store.get<Charge>(`charges.${body.chargeId}`);
    if (!charge) return { status: 404, body: { code: 'NO_SUCH_CHARGE', message: `charge ${body.chargeId} does not exist` } };
    if (charge.refunded) return { status: 200, body: { refunded: false, reason: 'already refunded' } };
    const refund: Refund = { refundId: randomUUID(), chargeId: charge.chargeId, amountCents: charge.amountCents, idempotencyKey: String(req.headers['idempotency-key']), createdAt: new Date().toISOString() };
    await sim.store.put(`refunds.${refund.refundId}`, refund);
    await sim.store.put(`charges.${charge.chargeId}`, { ...charge, refunded: true });
    return { status: 201, body: { refunded: true, refundId: refund.refundId } };
  });

  sim.app.get('/charges', async () => sim.store.list<Charge>('charges'));
  sim.app.get('/refunds', async () => sim.store.list<Refund>('refunds'));
}
