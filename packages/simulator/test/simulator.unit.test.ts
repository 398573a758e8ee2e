// A simulated system in process (Fastify inject), with its record store in a temporary folder:
// records survive a reopen, keys are honored or ignored by mode, and clients can look effects up.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { createLogger } from '@baton/telemetry';
import { createSimulator, RecordStore, type IdempotencyMode, type SimulatorContext } from '../src/index.js';

const logger = createLogger('simulator-test', 'error');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Thing {
  thingId: string;
  name: string;
  idempotencyKey: string | null;
  reference: string | null;
}

/** A minimal system: POST /things creates a record per effect id, as the real simulators do. */
async function thingSystem(stateDir: string, idempotency?: IdempotencyMode): Promise<SimulatorContext> {
  const sim = await createSimulator({ name: 'things', logger, stateDir, ...(idempotency ? { idempotency } : {}) });
  sim.write('POST', '/things', z.object({ name: z.string().min(1) }), async (body, _req, effect) => {
    const thing: Thing = {
      thingId: effect.id,
      name: body.name,
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
    };
    await sim.store.create(`things.${thing.thingId}`, thing);
    return { status: 201, body: { thingId: thing.thingId } };
  });
  sim.lookup('/things', 'things', ['reference', 'name']);
  return sim;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sim-'));
  dirs.push(dir);
  return dir;
}

const post = (sim: SimulatorContext, body: unknown, key?: string) =>
  sim.app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    payload: JSON.stringify(body),
  });
const things = async (sim: SimulatorContext, query = '') =>
  (await sim.app.inject({ method: 'GET', url: `/things${query}` })).json<Thing[]>();

describe('simulated system', () => {
  it('keeps its records on disk: a reopened store has them, and a repeated key still gets the first answer', async () => {
    const dir = tempDir();
    const first = await thingSystem(dir);
    const created = await post(first, { name: 'a' }, 'k-1');
    assert.equal(created.statusCode, 201);
    await first.close();

    const reopened = await thingSystem(dir);
    const retry = await post(reopened, { name: 'a' }, 'k-1');
    assert.equal(retry.statusCode, 201);
    assert.equal(retry.headers['idempotent-replay'], 'true');
    assert.deepEqual(retry.json(), created.json());
    assert.equal((await things(reopened)).length, 1);
    await reopened.close();
  });

  it('applies a key once under concurrent requests (mode "on")', async () => {
    const sim = await thingSystem(tempDir());
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(sim, { name: 'b' }, 'k-2')));
    assert.equal((await things(sim)).length, 1);
    assert.ok(
      answers.every((a) => a.statusCode === 201 || a.json<{ code: string }>().code === 'IDEMPOTENCY_KEY_IN_USE'),
    );
    await sim.close();
  });

  it('applies a key once even when the answer record of the first request was lost and its claim went stale', async () => {
    const sim = await thingSystem(tempDir());
    const first = await post(sim, { name: 'c' }, 'k-3');
    // What a crash between "record stored" and "answer stored" leaves: a claim still pending.
    await sim.store.put(`idem.${RecordStore.digest('POST /things k-3')}`, { pendingSince: 0 });
    const retry = await post(sim, { name: 'c' }, 'k-3');
    assert.equal(retry.statusCode, 201);
    assert.deepEqual(retry.json(), first.json());
    assert.equal((await things(sim)).length, 1);
    await sim.close();
  });

  it('requires an Idempotency-Key in mode "on"', async () => {
    const sim = await thingSystem(tempDir());
    const answer = await post(sim, { name: 'd' });
    assert.equal(answer.statusCode, 400);
    assert.equal(answer.json<{ code: string }>().code, 'MISSING_IDEMPOTENCY_KEY');
    await sim.close();
  });

  it('applies every request in mode "off", recording the key each carried, and counts the repeats', async () => {
    const sim = await thingSystem(tempDir(), 'off');
    for (let i = 0; i < 3; i++) assert.equal((await post(sim, { name: 'e' }, 'k-4')).statusCode, 201);
    assert.equal((await post(sim, { name: 'e' })).statusCode, 201, 'no key needed');
    const records = await things(sim);
    assert.equal(records.length, 4);
    assert.equal(
      records.filter((t) => t.idempotencyKey === 'k-4').length,
      3,
      'duplicates are countable from the records',
    );
    assert.equal(records.filter((t) => t.idempotencyKey === null).length, 1);
    const stats = (await sim.app.inject({ method: 'GET', url: '/_stats' })).json<{ repeatedKeys: number }>();
    assert.equal(stats.repeatedKeys, 2);
    await sim.close();
  });

  it('switches idempotency at run time through PUT /_mode, and refuses an unknown mode', async () => {
    const sim = await thingSystem(tempDir());
    const put = (body: unknown) =>
      sim.app.inject({
        method: 'PUT',
        url: '/_mode',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    assert.equal((await put({ idempotency: 'sometimes' })).statusCode, 400);
    assert.deepEqual((await put({ idempotency: 'off' })).json(), { idempotency: 'off' });
    await post(sim, { name: 'f' }, 'k-5');
    await post(sim, { name: 'f' }, 'k-5');
    assert.equal((await things(sim)).length, 2);
    await put({ idempotency: 'on' });
    await post(sim, { name: 'g' }, 'k-6');
    await post(sim, { name: 'g' }, 'k-6');
    assert.equal((await things(sim)).filter((t) => t.name === 'g').length, 1);
    await sim.close();
  });

  it('finds an effect by the client reference: the body reference, else the Idempotency-Key', async () => {
    const sim = await thingSystem(tempDir(), 'off');
    await post(sim, { name: 'h' }, 'wf-1/deposit/charge');
    await post(sim, { name: 'i', reference: 'order-7' }, 'k-7');
    assert.deepEqual(
      (await things(sim, '?reference=wf-1%2Fdeposit%2Fcharge')).map((t) => t.name),
      ['h'],
    );
    assert.deepEqual(
      (await things(sim, '?reference=order-7')).map((t) => t.name),
      ['i'],
    );
    assert.deepEqual(await things(sim, '?reference=nothing'), []);
    const bad = await sim.app.inject({ method: 'GET', url: '/things?color=red' });
    assert.equal(bad.statusCode, 400);
    await sim.close();
  });

  it("applies faults to the system's own reads (an outage makes it down), not to the lookups that reconcile", async () => {
    const sim = await thingSystem(tempDir());
    sim.read('/things/:name', async (req) => ({ name: (req.params as { name: string }).name }));
    assert.equal((await sim.app.inject({ method: 'GET', url: '/things/kettle' })).statusCode, 200);
    await sim.app.inject({ method: 'PUT', url: '/_faults', payload: { outageUntil: Date.now() + 60_000 } });
    const down = await sim.app.inject({ method: 'GET', url: '/things/kettle' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json<{ code: string }>().code, 'UNAVAILABLE');
    assert.equal(
      (await sim.app.inject({ method: 'GET', url: '/things?name=kettle' })).statusCode,
      200,
      'reconcile lookups still answer',
    );
    assert.equal(
      (await sim.app.inject({ method: 'GET', url: '/_stats' })).json<{ injectedFailures: number }>().injectedFailures,
      1,
    );
    await sim.close();
  });

  it('runs a check and a write as one transaction (atomically)', async () => {
    const sim = await thingSystem(tempDir());
    const bump = () =>
      sim.store.atomically((tx) => {
        const n = tx.get<number>('counter.n') ?? 0;
        tx.put('counter.n', n + 1);
        return n + 1;
      });
    const results = await Promise.all(Array.from({ length: 20 }, bump));
    assert.deepEqual(
      [...results].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
      'no two saw the same value',
    );
    await sim.close();
  });
});
