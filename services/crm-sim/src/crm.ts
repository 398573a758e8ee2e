// A CRM, simulated: customer records, read by id (the support workflow's lookup, to which the
// runtime faults apply: an outage makes the CRM "down") and written once per Idempotency-Key.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export const CustomerInput = z.object({
  customerId: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  email: z.email(),
  tier: z.enum(['standard', 'gold', 'platinum']).default('standard'),
  since: z.iso.date(),
});

export interface Customer extends z.output<typeof CustomerInput> {
  idempotencyKey: string | null;
  reference: string | null;
  updatedAt: string;
}

const recordKey = (customerId: string) => `customers.${Buffer.from(customerId).toString('base64url')}`;

export function registerCrm(sim: SimulatorContext): void {
  // Upsert: the CRM's owner (a test, the demo) registers or updates a customer.
  sim.write('PUT', '/customers/:customerId', CustomerInput.omit({ customerId: true }), async (body, req, effect) => {
    const { customerId } = req.params as { customerId: string };
    const customer: Customer = {
      customerId,
      ...body,
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
      updatedAt: new Date().toISOString(),
    };
    await sim.store.put(recordKey(customerId), customer);
    return { status: 200, body: customer };
  });

  sim.read('/customers/:customerId', async (req, reply) => {
    const { customerId } = req.params as { customerId: string };
    const customer = await sim.store.get<Customer>(recordKey(customerId));
    return customer ?? reply.code(404).send({ code: 'CUSTOMER_NOT_FOUND', message: `no customer ${customerId}` });
  });

  sim.lookup('/customers', 'customers', ['customerId', 'email', 'reference']);
}
