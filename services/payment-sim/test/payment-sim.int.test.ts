// The payment simulator as a real process, killed with SIGKILL: what it committed is on disk
// when it comes back, in both idempotency modes, and can be looked up by the client reference.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NodeProcess } from '@baton/testkit';
import type { Charge } from '../src/payments.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function paymentSim(stateDir: string, port: number, idempotency: 'on' | 'off'): Promise<NodeProcess> {
  return new NodeProcess({
    name: `payment-sim-${idempotency}`,
    entry: 'services/payment-sim/src/main.ts',
    logDir: join(stateDir, 'logs'),
    env: {
      BATON_PAYMENT_PORT: String(port),
      BATON_SIM_STATE_DIR: join(stateDir, 'sims'),
      BATON_SIM_IDEMPOTENCY: idempotency,
      BATON_METRICS_PORT: '0',
      BATON_OTLP_ENDPOINT: '',
    },
  }).start();
}

function client(port: number) {
  const base = `http://127.0.0.1:${port}`;
  return {
    charge: async (key: string, timeoutMs = 5_000) => {
      const r = await fetch(`${base}/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ customerId: 'cust-crash', amountCents: 2_000 }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: r.status, body: (await r.json()) as { chargeId: string } };
    },
    byReference: async (reference: string) =>
      (await (await fetch(`${base}/charges?reference=${encodeURIComponent(reference)}`)).json()) as Charge[],
    setFaults: (faults: Record<string, unknown>) =>
      fetch(`${base}/_faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      }),
  };
}

describe('payment simulator across kill -9', () => {
  it('keeps every charge of mode "off", duplicates included, across a SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-paysim-'));
    dirs.push(dir);
    const port = await freePort();
    const api = client(port);
    const first = await paymentSim(dir, port, 'off');
    const key = 'wf-crash/deposit/charge';
    const a = await api.charge(key);
    const b = await api.charge(key);
    assert.equal(a.status, 201);
    assert.notEqual(a.body.chargeId, b.body.chargeId, 'no deduplication in mode "off"');
    await first.kill9();

    const second = await paymentSim(dir, port, 'off');
    try {
      const found = await api.byReference(key);
      assert.deepEqual(found.map((c) => c.chargeId).sort(), [a.body.chargeId, b.body.chargeId].sort());
      assert.ok(found.every((c) => c.idempotencyKey === key));
      const one = (await (await fetch(`http://127.0.0.1:${port}/charges/${a.body.chargeId}`)).json()) as Charge;
      assert.equal(one.amountCents, 2_000);
    } finally {
      await second.stop();
    }
  });

  it('answers a retry with the charge it committed before it was killed mid-answer (mode "on")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-paysim-'));
    dirs.push(dir);
    const port = await freePort();
    const api = client(port);
    const first = await paymentSim(dir, port, 'on');
    await api.setFaults({ latencyAfterCommitMs: 30_000 });
    const key = 'wf-crash/deposit/charge-late';
    // The charge commits, then the answer waits: the process dies before anyone hears it.
    const lost = api.charge(key, 60_000).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 500));
    await first.kill9();
    assert.ok((await lost) instanceof Error, 'the first answer was never sent');

    const second = await paymentSim(dir, port, 'on');
    try {
      const [stored] = await api.byReference(key);
      assert.ok(stored, 'the committed charge survived the crash');
      const retry = await api.charge(key);
      assert.equal(retry.status, 201);
      assert.equal(retry.body.chargeId, stored.chargeId);
      assert.equal((await api.byReference(key)).length, 1);
    } finally {
      await second.stop();
    }
  });
});
