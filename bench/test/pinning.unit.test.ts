// The pinned scale-out's pure parts: which cores each process gets, the per-core figures of one
// window, and the projection of what growth would need.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BenchConfig } from '../src/config.js';
import {
  coresBusy,
  coresFor,
  parseCpuList,
  parseProcStat,
  pinPlan,
  pinnedLevel,
  projectGrowth,
} from '../src/pinning.js';
import { renderPinned } from '../src/report.js';

test('on 2 cores the rest gets cpu 0 and the orchestrator replicas share cpu 1; with enough cores each has its own', () => {
  const two = pinPlan([1, 0], 2);
  assert.deepEqual(two, { cpus: [0, 1], rest: [0], orchestrators: [[1], [1]], sharedOrchestratorCore: true });
  assert.deepEqual(pinPlan([0, 1], 1).sharedOrchestratorCore, false);
  const eight = pinPlan(parseCpuList('0-7'), 2);
  assert.deepEqual(eight.rest, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(eight.orchestrators, [[6], [7]]);
  assert.equal(eight.sharedOrchestratorCore, false);
  // Three cores: one for the rest, one per replica.
  assert.deepEqual(pinPlan([0, 1, 2], 2), {
    cpus: [0, 1, 2],
    rest: [0],
    orchestrators: [[1], [2]],
    sharedOrchestratorCore: false,
  });
  assert.throws(() => pinPlan([3], 2), /needs at least 2 cores.*may use 3/);
  assert.throws(() => pinPlan([0, 1], 0), /replicas must be a whole number/);
});

test('processes go to their set by group, orchestrator replicas by the number in their name', () => {
  const plan = pinPlan([0, 1, 2, 3], 2);
  assert.deepEqual(coresFor(plan, { name: 'orchestrator', group: 'orchestrator' }), [2]);
  assert.deepEqual(coresFor(plan, { name: 'orchestrator#2', group: 'orchestrator' }), [3]);
  assert.deepEqual(coresFor(plan, { name: 'echo#2', group: 'agents' }), [0, 1]);
  assert.deepEqual(coresFor(plan, { name: 'temporal', group: 'temporal' }), [0, 1]);
  assert.deepEqual(coresFor(plan, { name: 'bench driver', group: 'driver' }), [0, 1]);
});

test('CPU lists and /proc/stat are read as the kernel writes them', () => {
  assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);
  assert.throws(() => parseCpuList('0-a'), /not a CPU list/);
  const before = parseProcStat(
    'cpu  10 0 10 80 0 0 0 0 0 0\ncpu0 100 0 50 850 0 0 0 0 0 0\ncpu1 10 0 10 980 0 0 0 0 0 0\nintr 1 2 3\n',
  );
  const after = parseProcStat(
    'cpu  10 0 10 80 0 0 0 0 0 0\ncpu0 160 0 80 860 0 0 0 0 0 0\ncpu1 30 0 30 1040 0 0 0 0 0 0\n',
  );
  // cpu0: 90 busy of 100; cpu1: 40 busy of 100.
  assert.ok(Math.abs(coresBusy(before, after, [0]) - 0.9) < 1e-9);
  assert.ok(Math.abs(coresBusy(before, after, [0, 1]) - 1.3) < 1e-9);
});

test('one window: utilisation, CPU per workflow, throughput per busy core, saturation', () => {
  const plan = pinPlan([0, 1], 2);
  const l = pinnedLevel({
    setup: '1 echo agent, 1 orchestrator',
    concurrency: 32,
    plan,
    orchestratorReplicas: 1,
    ops: 40,
    windowSeconds: 4,
    cpuByGroup: { orchestrator: 3.8, temporal: 2, agents: 1, driver: 0.4 },
    busyByCoreSet: { rest: 0.92, orchestrators: 0.97 },
  });
  assert.equal(l.throughput, 10);
  assert.ok(Math.abs(l.utilisation.orchestrator! - 0.95) < 1e-9);
  assert.ok(Math.abs(l.busyCores - 1.8) < 1e-9);
  assert.ok(Math.abs(l.perBusyCore - 10 / 1.8) < 1e-9);
  assert.ok(Math.abs(l.cpuPerThousand.orchestrator! - 95) < 1e-9);
  assert.equal(l.orchestratorSaturated, true);
  assert.deepEqual(l.coreSets[1]!.cpus, [1]);
  assert.ok(Math.abs(l.coreSets[0]!.ours - 0.85) < 1e-9);
  assert.equal(
    pinnedLevel({ ...l, ops: 40, cpuByGroup: { orchestrator: 2 }, busyByCoreSet: { rest: 0.5, orchestrators: 0.6 } })
      .orchestratorSaturated,
    false,
  );
});

test('the projection: replicas ÷ orchestrator CPU per workflow, and the cores every other group needs at that rate', () => {
  // 0.1 s of orchestrator CPU per workflow: 10 workflows/s per replica; the rest costs 0.15 s.
  const rows = projectGrowth({ orchestrator: 0.1, temporal: 0.08, agents: 0.05, nats: 0.02 }, [1, 2, 4], 2);
  assert.deepEqual(
    rows.map((r) => [r.replicas, Math.round(r.throughput * 1000) / 1000, r.coresNeeded, r.fits]),
    [
      [1, 10, 3, false], // 1 + ceil(1.5)
      [2, 20, 5, false], // 2 + 3
      [4, 40, 10, false], // 4 + 6
    ],
  );
  assert.ok(Math.abs(rows[1]!.coresByGroup.temporal! - 1.6) < 1e-9);
  assert.equal(rows[1]!.coresByGroup.orchestrator, 2);
  assert.equal(projectGrowth({ orchestrator: 0.1, temporal: 0.1 }, [2], 4)[0]!.fits, true); // 2 + 2
  assert.throws(() => projectGrowth({ temporal: 0.1 }, [1], 2), /no orchestrator CPU/);
});

test('the tables say plainly when the machine cannot show growth', () => {
  const plan = pinPlan([0, 1], 2);
  const level = (
    setup: string,
    orchestratorReplicas: number,
    orchestrator: number,
    busy: { rest: number; orchestrators: number },
  ) =>
    pinnedLevel({
      setup,
      concurrency: 32,
      plan,
      orchestratorReplicas,
      ops: 32,
      windowSeconds: 4,
      cpuByGroup: { orchestrator, temporal: 2.4, agents: 1.2 },
      busyByCoreSet: busy,
    });
  const text = renderPinned([
    level('1 echo agent, 1 orchestrator', 1, 1.6, { rest: 0.98, orchestrators: 0.45 }),
    level('2 echo agents, 2 orchestrators', 2, 1.6, { rest: 0.99, orchestrators: 0.46 }),
  ]);
  assert.match(text, /orchestrator 1 on cpu 1, orchestrator 2 on cpu 1 \(shared/);
  assert.match(text, /the rest is the limit/);
  // 0.05 s of orchestrator CPU per workflow: 2 replicas at 40/s; the rest costs 0.1125 s a workflow, 4.5 cores.
  assert.match(
    text,
    /This machine cannot show growth from a second orchestrator: at 40\.0 ops\/s two replicas need 7 cores \(2 for the orchestrators, 5 for the rest\); it has 2\./,
  );
  assert.match(
    text,
    /2 orchestrators sharing one core \(cpu 1\): 8\.00 ops\/s \(1\.00× of "1 echo agent, 1 orchestrator"\)/,
  );
  assert.match(text, /Processes outside the run used up to 0\.150 of the 2 cores/);

  // The orchestrator's core busy, but mostly with someone else's work: no verdict on the limit.
  const crowded = renderPinned([level('2 echo agents, 1 orchestrator', 1, 1.6, { rest: 0.99, orchestrators: 0.97 })]);
  assert.match(crowded, /only 0\.400 of it was the orchestrator's, 0\.570 went to processes outside the run/);
  assert.match(crowded, /this run does not say which limits/);
  assert.match(crowded, /yes, 0\.570 by others/);
  // Of two one-orchestrator windows, the limit is read in the one outside processes disturbed least.
  const both = renderPinned([
    level('1 echo agent, 1 orchestrator', 1, 1.6, { rest: 0.91, orchestrators: 0.42 }),
    level('2 echo agents, 1 orchestrator', 1, 1.6, { rest: 0.99, orchestrators: 0.97 }),
  ]);
  assert.match(
    both,
    /Measured with 1 orchestrator \("1 echo agent, 1 orchestrator", c=32, the quietest such window\): 8\.00 ops\/s; .*the rest is the limit/,
  );
  const own = renderPinned([level('1 echo agent, 1 orchestrator', 1, 3.8, { rest: 0.95, orchestrators: 0.97 })]);
  assert.match(own, /the orchestrator kept its core busy \(0\.950\): the orchestrator is the limit/);
  assert.doesNotMatch(own, /outside the run used/);
});

test('BATON_BENCH_PIN is off unless set to 1, and a wrong value names the field', () => {
  assert.equal(BenchConfig.parse({}).BATON_BENCH_PIN, false);
  assert.equal(BenchConfig.parse({ BATON_BENCH_PIN: '1' }).BATON_BENCH_PIN, true);
  const bad = BenchConfig.safeParse({ BATON_BENCH_PIN: 'yes' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues[0]?.path, ['BATON_BENCH_PIN']);
});
