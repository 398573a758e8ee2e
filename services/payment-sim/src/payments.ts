// A payment provider for deposits, simulated: charges and refunds, each applied once per
// Idempotency-Key, with records that tests count to prove nothing was charged twice.
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
  sim.write('POST', '/charges', z.object({ customerId: z.string().min(1), amountCents: z.number().int().positive() }), async (body, req, effect) => {
    const charge: Charge = { chargeId: effect.id, ...body, idempotencyKey: String(req.headers['idempotency-key']), refunded: false, createdAt: new Date().toISOString() };
    // Created once per effect id: a retry after a lost answer finds the charge, not a second one.
    const stored = (await sim.store.create(`charges.${charge.chargeId}`, charge)) ? charge : (await sim.store.get<Charge>(`charges.${charge.chargeId}`))!;
    return { status: 201, body: { chargeId: stored.chargeId, amountCents: stored.amountCents } };
  });

  sim.write('POST', '/refunds', z.object({ chargeId: z.string().min(1) }), async (body, req, effect) => {
    const charge = await sim.store.get<Charge>(`charges.${body.chargeId}`);
    if (!charge) return { status: 404, body: { code: 'NO_SUCH_CHARGE', message: `charge ${body.chargeId} does not exist` } };
    // One refund per charge, whatever the key: the refund's id is the charge's.
    const refund: Refund = { refundId: charge.chargeId, chargeId: charge.chargeId, amountCents: charge.amountCents, idempotencyKey: String(req.headers['idempotency-key']), createdAt: new Date().toISOString() };
    const first = await sim.store.create(`refunds.${refund.refundId}`, refund);
    await sim.store.put(`charges.${charge.chargeId}`, { ...charge, refunded: true });
    const mine = first || (await sim.store.get<Refund>(`refunds.${refund.refundId}`))?.idempotencyKey === refund.idempotencyKey;
    return mine ? { status: 201, body: { refunded: true, refundId: refund.refundId } } : { status: 200, body: { refunded: false, reason: 'already refunded' } };
  });

  sim.app.get('/charges', async () => sim.store.list<Charge>('charges'));
  sim.app.get('/refunds', async () => sim.store.list<Refund>('refunds'));
}
