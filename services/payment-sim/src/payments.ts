// A payment provider for deposits, simulated: charges and refunds, with records that tests count
// to prove nothing was charged twice. With idempotency "on" each Idempotency-Key is applied once;
// "off" charges every request. A charge is refunded at most once whatever the mode: that is the
// provider's rule about money, not deduplication.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export interface Charge {
  chargeId: string;
  customerId: string;
  amountCents: number;
  /** The Idempotency-Key the request carried, if any. */
  idempotencyKey: string | null;
  /** The client's reference (body `reference`, else the Idempotency-Key): GET /charges?reference=. */
  reference: string | null;
  refunded: boolean;
  createdAt: string;
}

export interface Refund {
  refundId: string;
  chargeId: string;
  amountCents: number;
  idempotencyKey: string | null;
  reference: string | null;
  createdAt: string;
}

export interface Account {
  accountId: string;
  balanceCents: number;
  updatedAt: string;
}

export function registerPayments(sim: SimulatorContext): void {
  sim.write(
    'POST',
    '/charges',
    z.object({ customerId: z.string().min(1), amountCents: z.number().int().positive() }),
    async (body, _req, effect) => {
      const charge: Charge = {
        chargeId: effect.id,
        ...body,
        idempotencyKey: effect.idempotencyKey,
        reference: effect.reference,
        refunded: false,
        createdAt: new Date().toISOString(),
      };
      // Created once per effect id: a retry after a lost answer finds the charge, not a second one.
      const stored = (await sim.store.create(`charges.${charge.chargeId}`, charge))
        ? charge
        : (await sim.store.get<Charge>(`charges.${charge.chargeId}`))!;
      return { status: 201, body: { chargeId: stored.chargeId, amountCents: stored.amountCents } };
    },
  );

  sim.write('POST', '/refunds', z.object({ chargeId: z.string().min(1) }), async (body, _req, effect) => {
    const charge = await sim.store.get<Charge>(`charges.${body.chargeId}`);
    if (!charge)
      return { status: 404, body: { code: 'NO_SUCH_CHARGE', message: `charge ${body.chargeId} does not exist` } };
    // One refund per charge, whatever the key: the refund's id is the charge's.
    const refund: Refund = {
      refundId: charge.chargeId,
      chargeId: charge.chargeId,
      amountCents: charge.amountCents,
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
      createdAt: new Date().toISOString(),
    };
    const first = await sim.store.create(`refunds.${refund.refundId}`, refund);
    await sim.store.put(`charges.${charge.chargeId}`, { ...charge, refunded: true });
    const stored = first ? refund : await sim.store.get<Refund>(`refunds.${refund.refundId}`);
    const mine = first || (refund.idempotencyKey !== null && stored?.idempotencyKey === refund.idempotencyKey);
    return mine
      ? { status: 201, body: { refunded: true, refundId: refund.refundId } }
      : { status: 200, body: { refunded: false, reason: 'already refunded' } };
  });

  // Lookups a client uses to reconcile an unknown outcome: is there a charge for my reference?
  sim.lookup('/charges', 'charges', ['reference', 'idempotencyKey', 'customerId', 'refunded']);
  sim.lookup('/refunds', 'refunds', ['reference', 'idempotencyKey', 'chargeId']);
  // Account balances, for a client that checks a payment can go through before it is due (bill
  // reminders). PUT sets a balance (the bank's side, or a test's); GET reads it.
  sim.write('PUT', '/accounts/:accountId', z.object({ balanceCents: z.number().int() }), async (body, req) => {
    const { accountId } = req.params as { accountId: string };
    const account: Account = { accountId, balanceCents: body.balanceCents, updatedAt: new Date().toISOString() };
    await sim.store.put(`accounts.${accountId}`, account);
    return { status: 200, body: account };
  });
  sim.app.get('/accounts/:accountId', async (req, reply) => {
    const { accountId } = req.params as { accountId: string };
    const account = await sim.store.get<Account>(`accounts.${accountId}`);
    return account ?? reply.code(404).send({ code: 'NO_SUCH_ACCOUNT', message: `account ${accountId} does not exist` });
  });
  sim.app.get('/charges/:chargeId', async (req, reply) => {
    const { chargeId } = req.params as { chargeId: string };
    const charge = await sim.store.get<Charge>(`charges.${chargeId}`);
    return charge ?? reply.code(404).send({ code: 'NO_SUCH_CHARGE', message: `charge ${chargeId} does not exist` });
  });
}
