// The bench runner (`npm run bench`, through bench/run.sh which starts the stack): starts every
// Baton service plus the echo agent and the floor worker as real processes, measures the floors
// and Baton side by side, then prints the tables and writes the JSON next to the stack's state.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { consumers, loadConfigOrExit, streams, subjects } from '@baton/contracts';
import { servicesForWorkflows, stackEnv, temporalClient, testBus, waitFor } from '@baton/testkit';
import { reservationWorkflowId, type ReservationStatus } from '@baton/workflow-reservation';
import { handoffBreakdown, temporalBreakdown } from './breakdown.js';
import { BenchConfig, WARM_UP, levelBudgetMs, windowFor, type Section } from './config.js';
import { floorNames } from './floor/names.js';
import { runLevel, sweep, type LevelResult } from './load.js';
import { machineInfo } from './machine.js';
import {
  Pinner,
  allowedCpus,
  checkTaskset,
  coreTimes,
  coresBusy,
  cpuListText,
  orchestratorCoresOf,
  pinPlan,
  pinnedLevel,
  type CoreTimes,
  type PinPlan,
  type PinnedLevel,
} from './pinning.js';
import {
  adminEnv,
  infraProcesses,
  serviceSpec,
  stackProcesses,
  startAll,
  stopAll,
  type BenchProcess,
  type ProcessSpec,
} from './processes.js';
import { previousRun } from './previous.js';
import {
  render,
  renderComparison,
  type BenchResults,
  type Breakdown,
  type GatewayResult,
  type MemoryRow,
  type ScaleOutRow,
  type ScenarioResult,
} from './report.js';
import { cleanReservationEvent, newRunTag, scenarios, type Scenario, type ScenarioId } from './scenarios.js';
import { MemorySampler, childrenOf, cpuByGroup, cpuSnapshot, type CpuSnapshot, type Tracked } from './usage.js';

const config = loadConfigOrExit('bench', BenchConfig);
const env = stackEnv();
const wall0 = performance.now();
const startedAt = new Date().toISOString();
const wants = (section: Section) => !config.BATON_BENCH_ONLY || config.BATON_BENCH_ONLY.includes(section);
const say = (line: string) => console.log(`bench: ${line}`);

// ---- processes -------------------------------------------------------------------------------
const profileDir = join(env.stateDir, 'profiles');
const withProfile = (spec: ProcessSpec): ProcessSpec =>
  config.BATON_BENCH_CPU_PROFILE.includes(spec.name)
    ? { ...spec, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, spec.name)}`] }
    : spec;
const specs: ProcessSpec[] = [
  // The services of the workflows measured: the reservation, and the samples' bench chain (echo).
  ...servicesForWorkflows(['reservation', 'samples']).map((name) => withProfile(serviceSpec(name))),
  withProfile({
    name: 'floor-worker',
    group: 'floor-worker',
    entry: join('bench', 'src', 'floor', 'worker.ts'),
    env: adminEnv(),
  }),
];
const running: BenchProcess[] = [];
const tracked = (): Tracked[] => [
  ...infraProcesses(),
  ...running.flatMap((p) => (p.tracked ? [p.tracked] : [])),
  { name: 'bench driver', group: 'driver', pid: process.pid },
];

let stopping = false;
const stopEverything = async () => {
  if (stopping) return;
  stopping = true;
  await stopAll(running);
};
process.once('SIGINT', () => void stopEverything().then(() => process.exit(130)));
process.once('SIGTERM', () => void stopEverything().then(() => process.exit(143)));

// The pinned mode fails here, before anything starts, where it cannot run (no taskset, not Linux, one core).
let pinPlanned: PinPlan | undefined;
if (config.BATON_BENCH_PIN) {
  if (!wants('scale-out'))
    say('BATON_BENCH_PIN=1 pins the scale-out section only, and it is not run (BATON_BENCH_ONLY)');
  else {
    try {
      await checkTaskset();
      const cpus = allowedCpus();
      if (!cpus) throw new Error("BATON_BENCH_PIN=1: cannot read this process's cores from /proc/self/status");
      // As many orchestrator replicas as the scale-out setups below run at most.
      pinPlanned = pinPlan(cpus, 2);
    } catch (err) {
      console.error(`bench: ${(err as Error).message}`);
      process.exit(2);
    }
  }
}

const infra = infraProcesses();
const pidOf = (name: string) => infra.find((p) => p.name === name)?.pid;
const machine = await machineInfo({
  nats: pidOf('nats') ?? pidOf('nats-1'),
  temporal: pidOf('temporal'),
  postgres: pidOf('postgres'),
});
say(
  `${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadAverage.map((v) => v.toFixed(2)).join(' ')}, scale ${config.BATON_BENCH_SCALE}`,
);
say(`starting ${specs.length} processes: ${specs.map((s) => s.name).join(', ')}`);
const t0 = performance.now();
running.push(...(await startAll(specs)));
const startupSeconds = (performance.now() - t0) / 1000;
say(`all ready in ${startupSeconds.toFixed(1)} s`);

const client = await temporalClient();
const bus = await testBus('bench-driver');
// A fresh floor stream each run: file storage and a deduplication window, as Baton's streams have.
await bus.jsm.streams.delete(floorNames.stream).catch(() => false);
await bus.jsm.streams.add({
  name: floorNames.stream,
  subjects: [floorNames.streamSubject],
  storage: StorageType.File,
  retention: RetentionPolicy.Limits,
  max_msgs: 200_000,
  duplicate_window: nanos(2 * 60_000),
  // As many replicas as Baton's streams get (infra/env.sh: 3 in the cluster topology).
  num_replicas: Number(process.env.BATON_NATS_REPLICAS ?? 1),
});

const runTag = newRunTag();
const all = scenarios({
  client,
  nc: bus.nc,
  js: bus.js,
  runTag,
  payload: 'x'.repeat(config.BATON_BENCH_PAYLOAD_BYTES),
});
const window = windowFor(config);
const sampler = new MemorySampler(tracked);
sampler.start();

// ---- memory at rest --------------------------------------------------------------------------
// Let start-up work (bundling, JIT, GC) settle before calling anything "at rest".
await sleep(3_000);
sampler.setPhase('rest');
await sleep(1_000);
sampler.setPhase(undefined);

// ---- floors and Baton, each floor right before the Baton figure it is the floor of ----------
const order: ScenarioId[] = [
  'nats-rr',
  'js-publish',
  'temporal-1',
  'handoff',
  'temporal-6',
  'chain-6',
  'temporal-13',
  'reservation',
];
const results: ScenarioResult[] = [];
const levelsOf = new Map<ScenarioId, LevelResult[]>();

async function measure(scenario: Scenario): Promise<ScenarioResult> {
  sampler.setPhase(scenario.kind === 'floor' ? 'floors' : 'baton');
  await runLevel(scenario.op, 8, WARM_UP);
  const before = cpuSnapshot(tracked());
  const result = await sweep(scenario.op, {
    levels: config.BATON_BENCH_LEVELS,
    fixedLevel: config.BATON_BENCH_FIXED,
    growth: config.BATON_BENCH_GROWTH,
    levelBudgetMs: levelBudgetMs(config),
    window,
    onLevel: (l) =>
      say(
        `  ${scenario.id} c=${l.concurrency}: ${l.throughput.toFixed(1)} ops/s, p50 ${l.latencyMs.p50.toFixed(2)} ms, p99 ${l.latencyMs.p99.toFixed(2)} ms ` +
          `(n=${l.ops} in ${(l.windowMs / 1000).toFixed(1)} s, level ${(l.wallMs / 1000).toFixed(1)} s${l.errors ? `, ${l.errors} errors: ${l.firstError}` : ''})`,
      ),
  });
  const byGroup = cpuByGroup(tracked(), before, cpuSnapshot(tracked()));
  sampler.setPhase(undefined);
  if (result.stoppedEarly) say(`  ${scenario.id}: ${result.stoppedEarly}`);
  levelsOf.set(scenario.id, result.levels);
  const completed = result.levels.reduce((n, l) => n + l.completed, 0);
  const total = Object.values(byGroup).reduce((a, b) => a + b, 0);
  return {
    id: scenario.id,
    title: scenario.title,
    kind: scenario.kind,
    ...(scenario.floor ? { floor: scenario.floor } : {}),
    workflowsPerOp: scenario.workflows,
    levels: result.levels.map(({ samples: _samples, ...rest }) => rest),
    ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}),
    cpu: { byGroup, total, completed, perThousand: (total / Math.max(1, completed)) * 1000 },
  };
}

for (const id of order) {
  const scenario = all.find((s) => s.id === id);
  if (!scenario || !wants(id)) continue;
  say(`${scenario.title}`);
  results.push(await measure(scenario));
}

// ---- scale-out: the six-step chain with a second echo agent, then a second orchestrator ------
// With BATON_BENCH_PIN=1 every process is pinned to cores first (bench/src/pinning.ts) and each
// level also reads CPU per group and per core over exactly its steady window.
const scaleOut: ScaleOutRow[] = [];
const pinned: PinnedLevel[] = [];
if (wants('scale-out')) {
  const chain = all.find((s) => s.id === 'chain-6')!;
  const extra: BenchProcess[] = [];
  const setups: Array<{ setup: string; add: ProcessSpec[]; orchestrators: number }> = [
    { setup: '1 echo agent, 1 orchestrator', add: [], orchestrators: 1 },
    { setup: '2 echo agents, 1 orchestrator', add: [serviceSpec('echo', 2)], orchestrators: 1 },
    { setup: '2 echo agents, 2 orchestrators', add: [serviceSpec('orchestrator', 2)], orchestrators: 2 },
  ];
  const pinner = pinPlanned && new Pinner(pinPlanned);
  // CPU per workflow over a window of one wave (c completions) swings with which workflows of the
  // wave fall inside it: the pinned mode reads at least three waves.
  const pinnedWindow = (c: number) => {
    const w = window(c);
    return {
      ...w,
      minOps: Math.max(w.minOps, 3 * c),
      maxWindowMs: Math.max(w.maxWindowMs, 30_000 * config.BATON_BENCH_SCALE),
    };
  };
  // Everything the pinned mode pins and counts: the bench's processes and every server of the stack.
  const everything = (): Tracked[] => [
    ...stackProcesses(),
    ...tracked().filter((t) => !infra.some((i) => i.name === t.name)),
  ];
  if (pinner) {
    const { plan } = pinner;
    say(
      `scale-out pinned: servers, agents, services and driver on cpu ${cpuListText(plan.rest)}; ` +
        plan.orchestrators.map((c, i) => `orchestrator replica ${i + 1} on cpu ${cpuListText(c)}`).join(', ') +
        (plan.sharedOrchestratorCore ? ' (shared: too few cores for one each)' : ''),
    );
  }
  sampler.setPhase('baton');
  try {
    for (const { setup, add, orchestrators } of setups) {
      if (add.length) {
        say(`scale-out: starting ${add.map((s) => s.name).join(', ')}`);
        const started = await startAll(add);
        extra.push(...started);
        running.push(...started);
      }
      await pinner?.pin(everything().map((t) => (t.withChildren ? { ...t, children: childrenOf(t.pid) } : t)));
      await runLevel(chain.op, 8, WARM_UP);
      for (const c of config.BATON_BENCH_SCALEOUT_LEVELS) {
        const before = cpuSnapshot(tracked());
        type Reading = { cpu: CpuSnapshot; cores: CoreTimes };
        const reading = (): Reading => ({ cpu: cpuSnapshot(everything()), cores: coreTimes() });
        let open: Reading | undefined;
        let close: Reading | undefined;
        const l = pinner
          ? await runLevel(chain.op, c, pinnedWindow(c), (edge) =>
              edge === 'open' ? (open = reading()) : (close = reading()),
            )
          : await runLevel(chain.op, c, window(c));
        const cpu = Object.values(cpuByGroup(tracked(), before, cpuSnapshot(tracked()))).reduce((a, b) => a + b, 0);
        scaleOut.push({
          setup,
          concurrency: c,
          throughput: l.throughput,
          latencyMs: l.latencyMs,
          cpuPerThousand: (cpu / Math.max(1, l.completed)) * 1000,
        });
        say(
          `  ${setup}, c=${c}: ${l.throughput.toFixed(1)} workflows/s, p50 ${l.latencyMs.p50.toFixed(0)} ms${l.errors ? `, ${l.errors} errors: ${l.firstError}` : ''}`,
        );
        if (pinner && open) {
          // A level ended by errors closes its window without the hook: read at its end instead.
          const end = close ?? reading();
          const { plan } = pinner;
          const p = pinnedLevel({
            setup,
            concurrency: c,
            plan,
            orchestratorReplicas: orchestrators,
            ops: l.ops,
            windowSeconds: l.windowMs / 1000,
            cpuByGroup: cpuByGroup(everything(), open.cpu, end.cpu),
            busyByCoreSet: {
              rest: coresBusy(open.cores, end.cores, plan.rest),
              orchestrators: coresBusy(
                open.cores,
                end.cores,
                orchestratorCoresOf({ plan, orchestratorReplicas: orchestrators }),
              ),
            },
          });
          pinned.push(p);
          say(
            `    pinned: ${p.busyCores.toFixed(2)} cores busy (ours), ${p.perBusyCore.toFixed(2)} workflows/s per busy core; orchestrator ${(p.utilisation.orchestrator ?? 0).toFixed(2)} of its core(s), ` +
              `orchestrator cores ${p.coreSets[1]!.busy.toFixed(2)} busy${p.orchestratorSaturated ? ' (saturated)' : ''}, rest ${p.coreSets[0]!.busy.toFixed(2)} of ${plan.rest.length}`,
          );
        }
      }
    }
  } finally {
    await pinner?.restore();
    await stopAll(extra);
    running.splice(0, running.length, ...running.filter((p) => !extra.includes(p)));
    sampler.setPhase(undefined);
  }
}

// ---- gateway: a burst of events through NATS, validated and turned into workflows ------------
let gateway: GatewayResult | undefined;
if (wants('gateway')) {
  const n = Math.ceil(config.BATON_BENCH_GATEWAY_EVENTS * config.BATON_BENCH_SCALE);
  say(`gateway: ${n} reservation events at once`);
  sampler.setPhase('baton');
  const events = Array.from({ length: n }, () => cleanReservationEvent());
  const before = cpuSnapshot(tracked());
  const t = performance.now();
  let lastSeq = 0;
  // Publishes in flight are bounded so the driver measures the gateway, not its own backlog.
  const queue = [...events];
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const ack = await bus.js.publish(subjects.event(e.type), JSON.stringify(e), { msgID: e.id });
        lastSeq = Math.max(lastSeq, ack.seq);
      }
    }),
  );
  await waitFor(
    'the gateway to validate and forward every event',
    async () => {
      const info = await bus.jsm.consumers.info(streams.events, consumers.gateway);
      return info.ack_floor.stream_seq >= lastSeq && info.num_ack_pending === 0;
    },
    { intervalMs: 20, timeoutMs: 600_000 },
  );
  const forwardSeconds = (performance.now() - t) / 1000;
  const gatewayCpu = cpuByGroup(tracked(), before, cpuSnapshot(tracked())).gateway ?? 0;
  const outcomes = await Promise.allSettled(
    events.map(
      (e) =>
        client.workflow
          .getHandle(reservationWorkflowId(e.idempotencykey, e.source))
          .result() as Promise<ReservationStatus>,
    ),
  );
  const completedSeconds = (performance.now() - t) / 1000;
  sampler.setPhase(undefined);
  const failed = outcomes.filter((o) => o.status === 'rejected' || o.value.state !== 'Confirmed').length;
  gateway = {
    events: n,
    forwardSeconds,
    eventsPerSecond: n / forwardSeconds,
    gatewayCpuSecondsPerThousand: (gatewayCpu / n) * 1000,
    completedSeconds,
    reservationsPerSecond: (n - failed) / completedSeconds,
    failed,
  };
  say(
    `  forwarded ${gateway.eventsPerSecond.toFixed(1)} events/s; ${n - failed} reservations confirmed in ${completedSeconds.toFixed(1)} s`,
  );
}

// ---- where the time goes ---------------------------------------------------------------------
const breakdowns: Breakdown[] = [];
const handoffLevels = levelsOf.get('handoff') ?? [];
const floorLevels = levelsOf.get('temporal-1') ?? [];
if (handoffLevels.length) {
  const top = handoffLevels.reduce((best, l) => (l.throughput > best.throughput ? l : best));
  const wanted = [...new Set([handoffLevels[0]!.concurrency, top.concurrency])];
  say(`breakdown of one step at c=${wanted.join(', c=')} (Temporal histories, Zipkin spans)`);
  // Services export spans in batches every 500 ms; give the last ones time to arrive.
  await sleep(2_000);
  const pick = <T>(xs: T[]) => {
    const k = config.BATON_BENCH_BREAKDOWN_SAMPLES;
    return xs.length <= k ? xs : Array.from({ length: k }, (_, i) => xs[Math.floor((i * xs.length) / k)]!);
  };
  for (const c of wanted) {
    const batonSamples = pick(handoffLevels.find((l) => l.concurrency === c)?.samples ?? []);
    const floorSamples = pick(floorLevels.find((l) => l.concurrency === c)?.samples ?? []);
    breakdowns.push({
      level: c,
      floor: await temporalBreakdown(client, floorSamples),
      baton: await temporalBreakdown(client, batonSamples),
      handoff: await handoffBreakdown(
        client,
        batonSamples.map((s) => s.key),
      ),
    });
  }
}

// ---- report ----------------------------------------------------------------------------------
sampler.stop();
const memory: MemoryRow[] = tracked().map((p) => ({
  name: p.name,
  group: p.group,
  restMiB: sampler.peak('rest', p.name),
  floorsPeakMiB: sampler.peak('floors', p.name),
  batonPeakMiB: sampler.peak('baton', p.name),
}));
const report: BenchResults = {
  version: 1,
  startedAt,
  wallSeconds: (performance.now() - wall0) / 1000,
  machine,
  config,
  startupSeconds,
  loadAverageAtEnd: loadavg(),
  scenarios: results,
  memory,
  breakdowns,
  scaleOut,
  ...(pinned.length ? { pinned } : {}),
  ...(gateway ? { gateway } : {}),
};
await bus.jsm.streams.delete(floorNames.stream).catch(() => false);
await client.close();
await bus.close();
await stopEverything();
report.wallSeconds = (performance.now() - wall0) / 1000;

console.log(`\n${render(report)}`);
const previous = previousRun(env.stateDir, report);
console.log(
  previous
    ? renderComparison(report, previous)
    : 'No earlier run of this topology and scale in the state folder to compare with.',
);
mkdirSync(env.stateDir, { recursive: true });
const file = join(env.stateDir, `results-${startedAt.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
say(`results written to ${file}`);
