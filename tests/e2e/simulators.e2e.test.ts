// The simulated external systems keep their promise even when their own bookkeeping fails half
// way: the chaos suite once found two charges under one Idempotency-Key after a nats-server
// restart lost the answer record of the first.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { ServiceSet, stackEnv, testBus } from '@baton/testkit';
import type { Bus } from '@baton/bus';
import { payments } from './support.js';

describe('simulated external systems', () => {
  let services: ServiceSet;
  let bus: Bus;
  before(async () => {
    services = await ServiceSet.start(['payment-sim']);
    bus = await testBus();
  });
  after(async () => {
    await services?.stop();
    await bus?.close();
  });

  const charge = (key: string) =>
    fetch(`${stackEnv().BATON_PAYMENT_URL}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ customerId: 'cust-sim', amountCents: 2_000 }),
      signal: AbortSignal.timeout(5_000),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { chargeId: string } }));

  it('charges once for a key whose answer record was lost and whose claim went stale', async () => {
    const key = `wf-sim-${Date.now()}/deposit/charge`;
    const first = await charge(key);
    assert.equal(first.status, 201);

    // What a broker restart between "charge stored" and "answer stored" leaves behind: a claim
    // still pending, older than the takeover limit.
    const kv = await new Kvm(bus.js).open('sim_payment');
    const effectId = createHash('sha256').update(`POST /charges ${key}`).digest('hex').slice(0, 32);
    await kv.put(`idem.${effectId}`, JSON.stringify({ pendingSince: 0 }));

    const retry = await charge(key);
    assert.equal(retry.status, 201);
    assert.equal(retry.body.chargeId, first.body.chargeId, 'the retry finds the first charge');
    assert.equal((await payments.charges()).filter((c) => c.idempotencyKey === key).length, 1, 'one charge in the records');
  });
});
