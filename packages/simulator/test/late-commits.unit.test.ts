// Late commits and cancel-before-create in a simulated system (in process, Fastify inject): a
// write can commit after its answer or after its caller gave up, in both idempotency modes, and a
// cancellation by reference refuses such a commit for good ("all") or only the requests that came
// before it ("pending"), answering what was committed in the same step.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { createLogger } from '@baton/telemetry';
import { createSimulator, type CancellationMarker, type IdempotencyMode, type SimulatorContext } from '../src/index.js';

const logger = createLogger('simulator-test', 'error');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Thing {
  thingId: string;
  name: string;
  reference: string | null;
}

async function thingSystem(idempotency: IdempotencyMode): Promise<SimulatorContext> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sim-late-'));
  dirs.push(dir);
  const sim = await createSimulator({ name: 'things', logger, stateDir: dir, idempotency });
  sim.write('POST', '/things', z.object({ name: z.string().min(1) }), async (body, _req, effect) => {
    const thing: Thing = { thingId: effect.id, name: body.name, reference: effect.reference };
    await sim.store.create(`things.${thing.thingId}`, thing);
    return { status: 201, body: { thingId: thing.thingId } };
  });
  sim.lookup('/things', 'things', ['reference', 'name']);
  return sim;
}

const post = (sim: SimulatorContext, reference: string, key = `key-${reference}`) =>
  sim.app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    payload: JSON.stringify({ name: 'kettle', reference }),
  });
const things = async (sim: SimulatorContext, reference: string) =>
  (await sim.app.inject({ method: 'GET', url: `/things?reference=${encodeURIComponent(reference)}` })).json<Thing[]>();
const stats = async (sim: SimulatorContext) =>
  (await sim.app.inject({ method: 'GET', url: '/_stats' })).json<{
    lateCommits: number;
    refusedAsCancelled: number;
    cancellations: number;
  }>();
const cancel = async (sim: SimulatorContext, reference: string, scope: 'pending' | 'all') =>
  (
    await sim.app.inject({
      method: 'POST',
      url: '/cancellations',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ reference, scope }),
    })
  ).json<{ committed: Record<string, Thing[]>; all: boolean }>();

/** Polls until `check` holds (what the test asserts next), for at most 5 s. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const mode of ['on', 'off'] as const) {
  describe(`late commits (idempotency ${mode})`, () => {
    it('commits a write after answering 504 COMMIT_PENDING ("first"): the lookup finds nothing at first, the record later', async () => {
      const sim = await thingSystem(mode);
      sim.faults.set({ lateCommitShare: 1, lateCommitMinMs: 150, lateCommitMaxMs: 150, lateCommitAnswer: 'first' });
      const answer = await post(sim, 'ref-a');
      assert.equal(answer.statusCode, 504);
      assert.equal(answer.json<{ code: string }>().code, 'COMMIT_PENDING');
      assert.deepEqual(await things(sim, 'ref-a'), [], 'not committed when answered');
      await until('the late write is committed', async () => (await things(sim, 'ref-a')).length === 1);
      assert.equal((await stats(sim)).lateCommits, 1);
      await sim.close();
    });

    it('refuses for good a late commit whose reference an undo cancelled first ("all"), and every later request of it', async () => {
      const sim = await thingSystem(mode);
      sim.faults.set({ lateCommitShare: 1, lateCommitMinMs: 150, lateCommitMaxMs: 150, lateCommitAnswer: 'first' });
      assert.equal((await post(sim, 'ref-b')).statusCode, 504);
      const cancelled = await cancel(sim, 'ref-b', 'all');
      assert.deepEqual(cancelled.committed, {}, 'nothing committed yet: and now nothing will be');
      await until('the late commit is refused', async () => (await stats(sim)).refusedAsCancelled === 1);
      assert.deepEqual(await things(sim, 'ref-b'), []);
      sim.faults.set({ lateCommitShare: 0 });
      const again = await post(sim, 'ref-b', 'another-key');
      assert.equal(again.statusCode, 409);
      assert.equal(again.json<{ code: string }>().code, 'REFERENCE_CANCELLED');
      assert.deepEqual(await things(sim, 'ref-b'), []);
      const markers = (await sim.app.inject({ method: 'GET', url: '/cancellations?reference=ref-b' })).json<
        CancellationMarker[]
      >();
      assert.deepEqual(
        markers.map((m) => [m.reference, m.all]),
        [['ref-b', true]],
      );
      await sim.close();
    });

    it('refuses a commit still pending from before a "pending" cancellation, and applies the retry that comes after it', async () => {
      const sim = await thingSystem(mode);
      // The first attempt's caller gives up before the commit lands ("after-commit"). The commit
      // waits 2 s: the retry below must reach the simulator while the first request still holds
      // its key (at 200 ms, a run on a loaded machine once sent the retry after the first ended).
      sim.faults.set({
        lateCommitShare: 1,
        lateCommitMinMs: 2_000,
        lateCommitMaxMs: 2_000,
        lateCommitAnswer: 'after-commit',
      });
      const first = post(sim, 'ref-c');
      await until('the first request has arrived', async () => (await stats(sim)).lateCommits === 1);
      assert.deepEqual((await cancel(sim, 'ref-c', 'pending')).committed, {});
      sim.faults.set({ lateCommitShare: 0 });
      const retry = await post(sim, 'ref-c');
      assert.equal(
        retry.statusCode,
        mode === 'on' ? 409 : 201,
        mode === 'on' ? 'the key is still held by the first request' : 'applied',
      );
      const refused = await first;
      assert.equal(refused.json<{ code: string }>().code, 'REFERENCE_CANCELLED', 'the first request never applied');
      if (mode === 'on')
        assert.equal(
          (await post(sim, 'ref-c')).statusCode,
          201,
          'the refused request freed its key: the retry applies',
        );
      assert.equal((await things(sim, 'ref-c')).length, 1, 'one effect, the retry');
      await sim.close();
    });

    it('reports what is committed under a reference in the same step as it cancels it', async () => {
      const sim = await thingSystem(mode);
      assert.equal((await post(sim, 'ref-d')).statusCode, 201);
      const cancelled = await cancel(sim, 'ref-d', 'all');
      assert.deepEqual(
        cancelled.committed.things?.map((t) => t.reference),
        ['ref-d'],
      );
      assert.equal((await stats(sim)).cancellations, 1);
      await sim.close();
    });
  });
}
