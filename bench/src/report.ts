// The results: one JSON document, and the tables printed from it. Every Baton figure is printed
// with its ratio to its floor (Baton ÷ floor); "!" marks a figure more than twice as costly.
import type { LevelResult, Percentiles } from './load.js';
import type { MachineInfo } from './machine.js';
import type { Segment } from './breakdown.js';
import type { Scenario, ScenarioId } from './scenarios.js';
import type { BenchConfig } from './config.js';
import {
  ORCHESTRATOR_GROUP,
  SATURATED,
  cpuListText,
  orchestratorCoresOf,
  projectGrowth,
  type PinnedLevel,
} from './pinning.js';

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  kind: Scenario['kind'];
  floor?: ScenarioId;
  workflowsPerOp: number;
  levels: Array<Omit<LevelResult, 'samples'>>;
  stoppedEarly?: string;
  /** CPU seconds of every tracked process over the sweep (warm-up excluded), by group. */
  cpu: { byGroup: Record<string, number>; total: number; completed: number; perThousand: number };
}

export interface MemoryRow {
  name: string;
  group: string;
  restMiB?: number;
  floorsPeakMiB?: number;
  batonPeakMiB?: number;
}

export interface ScaleOutRow {
  setup: string;
  concurrency: number;
  throughput: number;
  latencyMs: Percentiles;
  cpuPerThousand: number;
}

export interface GatewayResult {
  events: number;
  /** From the first publish until the gateway had validated every event and started its workflow. */
  forwardSeconds: number;
  eventsPerSecond: number;
  gatewayCpuSecondsPerThousand: number;
  /** Until every reservation those events started was Confirmed (the rest of Baton at full tilt). */
  completedSeconds: number;
  reservationsPerSecond: number;
  failed: number;
}

export interface Breakdown {
  level: number;
  floor: Segment[];
  baton: Segment[];
  handoff: Segment[];
}

export interface BenchResults {
  version: 1;
  startedAt: string;
  wallSeconds: number;
  machine: MachineInfo;
  config: BenchConfig;
  startupSeconds: number;
  /** 1, 5 and 15 minute load averages when the run ended: anything else busy on the machine shows here. */
  loadAverageAtEnd: number[];
  scenarios: ScenarioResult[];
  memory: MemoryRow[];
  breakdowns: Breakdown[];
  scaleOut: ScaleOutRow[];
  /** The scale-out levels again, read over their windows with every process pinned (BATON_BENCH_PIN=1). */
  pinned?: PinnedLevel[];
  gateway?: GatewayResult;
}

// ---- formatting ------------------------------------------------------------------------------

const num = (v: number | undefined, unit = ''): string => {
  if (v === undefined || !Number.isFinite(v)) return '-';
  const abs = Math.abs(v);
  const text = abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toFixed(3);
  return `${text}${unit}`;
};

/** "(2.3×)", with "!" when Baton is more than twice as costly as its floor. */
const ratio = (baton: number | undefined, floor: number | undefined, higherIsWorse: boolean): string => {
  if (baton === undefined || floor === undefined || !Number.isFinite(baton) || !Number.isFinite(floor) || floor === 0)
    return '';
  const r = baton / floor;
  const bad = higherIsWorse ? r > 2 : r < 0.5;
  return ` (${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×${bad ? '!' : ''})`;
};

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const level = (s: ScenarioResult | undefined, c: number) => s?.levels.find((l) => l.concurrency === c);
const peak = (s: ScenarioResult | undefined) =>
  s?.levels.reduce<Omit<LevelResult, 'samples'> | undefined>(
    (best, l) => (!best || l.throughput > best.throughput ? l : best),
    undefined,
  );

/** What a topology name stands for, in the header of every table. */
export function topologyLine(topology: string | undefined): string {
  return topology === 'cluster'
    ? 'cluster (three-node JetStream cluster, streams with 3 replicas; Temporal server on PostgreSQL)'
    : 'dev (one nats-server; the Temporal CLI dev server on SQLite)';
}

/** "59.9 (was 62.1, -4%)": this run's figure beside the previous run's. */
const versus = (now: number | undefined, before: number | undefined): string => {
  if (now === undefined || !Number.isFinite(now)) return '-';
  if (before === undefined || !Number.isFinite(before) || before === 0) return `${num(now)} (new)`;
  const change = ((now - before) / before) * 100;
  return `${num(now)} (was ${num(before)}, ${change >= 0 ? '+' : ''}${change.toFixed(0)}%)`;
};

/** Table 1's figures and ratios beside the previous run's (same topology and scale). */
export function renderComparison(results: BenchResults, previous: { file: string; results: BenchResults }): string {
  const before = previous.results;
  const fixed = results.config.BATON_BENCH_FIXED;
  const first = results.config.BATON_BENCH_LEVELS[0]!;
  const byId = new Map(results.scenarios.map((s) => [s.id, s]));
  const prevById = new Map(before.scenarios.map((s) => [s.id, s]));
  const floorRatio = (
    set: Map<ScenarioId, ScenarioResult>,
    s: ScenarioResult | undefined,
    pick: (x: ScenarioResult) => number | undefined,
  ) => {
    const f = s?.floor ? set.get(s.floor) : undefined;
    const [a, b] = [s ? pick(s) : undefined, f ? pick(f) : undefined];
    return a !== undefined && b !== undefined && b !== 0 ? a / b : undefined;
  };
  const atFixed = (x: ScenarioResult) => level(x, fixed)?.throughput;
  const out = [
    `1b. Since the previous run (${before.startedAt}, git ${before.machine.git}, load ${before.loadAverageAtEnd.map((v) => v.toFixed(2)).join(' ')} at its end; ${previous.file})`,
    table(
      [
        'scenario',
        `p50 @${first} ms`,
        `ops/s @${fixed}`,
        'peak ops/s',
        'CPU s/1k',
        `÷ floor, ops/s @${fixed}`,
        '÷ floor, CPU',
      ],
      results.scenarios.map((s) => {
        const p = prevById.get(s.id);
        return [
          s.title,
          versus(level(s, first)?.latencyMs.p50, p ? level(p, first)?.latencyMs.p50 : undefined),
          versus(level(s, fixed)?.throughput, p ? level(p, fixed)?.throughput : undefined),
          versus(peak(s)?.throughput, p ? peak(p)?.throughput : undefined),
          versus(s.cpu.perThousand, p?.cpu.perThousand),
          s.floor ? versus(floorRatio(byId, s, atFixed), floorRatio(prevById, p, atFixed)) : '',
          s.floor
            ? versus(
                floorRatio(byId, s, (x) => x.cpu.perThousand),
                floorRatio(prevById, p, (x) => x.cpu.perThousand),
              )
            : '',
        ];
      }),
    ),
    '',
  ];
  return out.join('\n');
}

export function render(results: BenchResults): string {
  const out: string[] = [];
  const { machine, config } = results;
  const fixed = config.BATON_BENCH_FIXED;
  const byId = new Map(results.scenarios.map((s) => [s.id, s]));
  const first = config.BATON_BENCH_LEVELS[0]!;

  out.push(
    `Baton bench — ${results.startedAt}, scale ${config.BATON_BENCH_SCALE}, one run, ${num(results.wallSeconds)} s wall (${num(results.startupSeconds)} s starting services)`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${num(machine.memTotalGiB)} GiB RAM, ${machine.os}, node ${machine.node}, load average ${machine.loadAverage.map((v) => v.toFixed(2)).join(' ')} at start, ${results.loadAverageAtEnd.map((v) => v.toFixed(2)).join(' ')} at end`,
    `topology: ${topologyLine(machine.topology)}`,
    `servers: ${Object.values(machine.servers).join('; ')}; git ${machine.git}`,
    `payload ${config.BATON_BENCH_PAYLOAD_BYTES} B per operation; ratios are Baton ÷ floor ("!" = more than twice as costly)`,
    '',
  );

  out.push(
    `1. Latency at ${first} in flight (ms), throughput at ${fixed} in flight and at its peak (ops/s; a workflow is one op), CPU seconds per 1,000 ops`,
  );
  out.push(
    table(
      ['scenario', 'floor', `n@${first}`, 'p50', 'p95', 'p99', `ops/s @${fixed}`, 'peak ops/s', 'CPU s/1k'],
      results.scenarios.map((s) => {
        const f = s.floor ? byId.get(s.floor) : undefined;
        const [l1, f1] = [level(s, first), level(f, first)];
        const [lx, fx] = [level(s, fixed), level(f, fixed)];
        const [pk, fpk] = [peak(s), peak(f)];
        return [
          s.title,
          s.floor ?? '',
          String(l1?.ops ?? '-'),
          `${num(l1?.latencyMs.p50)}${ratio(l1?.latencyMs.p50, f1?.latencyMs.p50, true)}`,
          `${num(l1?.latencyMs.p95)}${ratio(l1?.latencyMs.p95, f1?.latencyMs.p95, true)}`,
          `${num(l1?.latencyMs.p99)}${ratio(l1?.latencyMs.p99, f1?.latencyMs.p99, true)}`,
          `${num(lx?.throughput)}${ratio(lx?.throughput, fx?.throughput, false)}`,
          `${num(pk?.throughput)} @${pk?.concurrency ?? '-'}${ratio(pk?.throughput, fpk?.throughput, false)}`,
          `${num(s.cpu.perThousand)}${ratio(s.cpu.perThousand, f?.cpu.perThousand, true)}`,
        ];
      }),
    ),
    '',
  );

  out.push('2. Throughput as concurrency rises: ops/s (p50 ms); "·" = not run (why: below the table)');
  out.push(
    table(
      ['scenario', ...config.BATON_BENCH_LEVELS.map((c) => `c=${c}`)],
      results.scenarios.map((s) => [
        s.title,
        ...config.BATON_BENCH_LEVELS.map((c) => {
          const l = level(s, c);
          if (!l) return '·';
          const f = s.floor ? level(byId.get(s.floor), c) : undefined;
          return `${num(l.throughput)}${ratio(l.throughput, f?.throughput, false)} (${num(l.latencyMs.p50)})${l.errors ? ` ${l.errors} err` : ''}`;
        }),
      ]),
    ),
    ...results.scenarios.filter((s) => s.stoppedEarly).map((s) => `   ${s.title}: ${s.stoppedEarly}`),
    '',
  );

  const groups = [...new Set(results.scenarios.flatMap((s) => Object.keys(s.cpu.byGroup)))].sort();
  out.push(
    '3. CPU seconds per 1,000 ops by process group (every process on the machine that the bench started or measures)',
  );
  out.push(
    table(
      ['scenario', 'total', ...groups],
      results.scenarios.map((s) => [
        s.title,
        num(s.cpu.perThousand),
        ...groups.map((g) => num(((s.cpu.byGroup[g] ?? 0) / Math.max(1, s.cpu.completed)) * 1000)),
      ]),
    ),
    '',
  );

  out.push('4. Resident memory (MiB): at rest after start-up, peak while the floors ran, peak under Baton load');
  out.push(
    table(
      ['process', 'group', 'at rest', 'peak, floors', 'peak, Baton load'],
      results.memory.map((m) => [m.name, m.group, num(m.restMiB), num(m.floorsPeakMiB), num(m.batonPeakMiB)]),
    ),
    '',
  );

  if (results.gateway) {
    const g = results.gateway;
    out.push(
      `5. Gateway: ${g.events} reservation events published to NATS at once; validated and forwarded (workflow started) at ${num(g.eventsPerSecond)} events/s ` +
        `(${num(g.forwardSeconds)} s, gateway CPU ${num(g.gatewayCpuSecondsPerThousand)} s per 1,000 events); all ${g.events - g.failed} reservations Confirmed after ${num(g.completedSeconds)} s ` +
        `= ${num(g.reservationsPerSecond)} reservations/s${g.failed ? `; ${g.failed} did not confirm` : ''}`,
      '',
    );
  }

  if (results.scaleOut.length) {
    out.push(
      '6. Scale-out: the six-step chain with more replicas on this machine (ops/s, p50 ms, CPU s per 1,000 workflows)',
    );
    const setups = [...new Set(results.scaleOut.map((r) => r.setup))];
    const levels = [...new Set(results.scaleOut.map((r) => r.concurrency))];
    const base = (c: number) => results.scaleOut.find((r) => r.setup === setups[0] && r.concurrency === c);
    out.push(
      table(
        ['setup', ...levels.map((c) => `c=${c}`)],
        setups.map((setup) => [
          setup,
          ...levels.map((c) => {
            const r = results.scaleOut.find((x) => x.setup === setup && x.concurrency === c);
            const b = base(c);
            return r
              ? `${num(r.throughput)}${setup === setups[0] ? '' : ` (${num(b ? r.throughput / b.throughput : undefined)}× of 1)`} p50 ${num(r.latencyMs.p50)} cpu ${num(r.cpuPerThousand)}`
              : '·';
          }),
        ]),
      ),
      '',
    );
  }

  if (results.pinned?.length) out.push(renderPinned(results.pinned), '');

  for (const b of results.breakdowns) {
    out.push(
      `7. Where one step's time goes at c=${b.level} (median ms over sampled workflows; Temporal history times and Zipkin spans)`,
    );
    out.push(
      table(
        ['segment (Temporal view)', 'floor: 1 activity', 'Baton: 1 handoff'],
        b.floor.map((f, i) => [
          f.name,
          `${num(f.p50)} (n=${f.samples})`,
          `${num(b.baton[i]?.p50)} (n=${b.baton[i]?.samples ?? 0})`,
        ]),
      ),
    );
    out.push(
      table(
        ['inside the Baton step, from "activity started" (Zipkin spans)', 'p50', 'p95'],
        b.handoff.map((h) => [h.name, num(h.p50), num(h.p95)]),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** Replica counts the growth projection is printed for. */
const PROJECTED_REPLICAS = [1, 2, 4];

/** Tables 6b-6d: the pinned scale-out, per core; and what showing growth would take. */
export function renderPinned(levels: PinnedLevel[]): string {
  const out: string[] = [];
  const plan = levels[0]!.plan;
  const machineCores = plan.cpus.length;
  const cores = (cpus: number[]) => `cpu ${cpuListText(cpus)}`;
  out.push(
    `6b. Scale-out pinned to cores (BATON_BENCH_PIN=1), over each level's steady window: servers, agents, other services and the driver on ${cores(plan.rest)}; ` +
      plan.orchestrators.map((c, i) => `orchestrator ${i + 1} on ${cores(c)}`).join(', ') +
      (plan.sharedOrchestratorCore
        ? ` (shared: ${machineCores} cores cannot give each replica its own and leave one for the rest)`
        : ''),
    '    busy = cores\' worth of CPU in use; "ours" counts the run\'s processes, "all" every process on those cores (/proc/stat); saturated = all >= ' +
      `${SATURATED} of the set's cores`,
  );
  out.push(
    table(
      [
        'setup',
        'c',
        'ops/s',
        'busy (ours)',
        'ops/s per busy core',
        'orchestrator CPU s/1k',
        'rest cores: ours / all',
        'orch. cores: ours / all',
        'orch. saturated',
      ],
      levels.map((l) => {
        const [rest, orch] = [l.coreSets[0]!, l.coreSets[1]!];
        return [
          l.setup,
          String(l.concurrency),
          num(l.throughput),
          num(l.busyCores),
          num(l.perBusyCore),
          num(l.cpuPerThousand[ORCHESTRATOR_GROUP]),
          `${num(rest.ours)} / ${num(rest.busy)} of ${rest.cpus.length}`,
          `${num(orch.ours)} / ${num(orch.busy)} of ${orch.cpus.length}`,
          !orch.saturated ? 'no' : orch.saturatedByOurs ? 'yes, by it' : `yes, ${num(orch.others)} by others`,
        ];
      }),
    ),
    '',
  );

  const groups = [...new Set(levels.flatMap((l) => Object.keys(l.utilisation)))].sort((a, b) =>
    a === ORCHESTRATOR_GROUP ? -1 : b === ORCHESTRATOR_GROUP ? 1 : a.localeCompare(b),
  );
  out.push("6c. Each group's CPU during the pinned window: fraction of one core (CPU s per 1,000 workflows)");
  out.push(
    table(
      ['setup', 'c', ...groups],
      levels.map((l) => [
        l.setup,
        String(l.concurrency),
        ...groups.map((g) =>
          l.utilisation[g] === undefined ? '·' : `${num(l.utilisation[g])} (${num(l.cpuPerThousand[g])})`,
        ),
      ]),
    ),
    '',
  );

  // The projection rests on the level with the most replicas (it pays whatever a second replica
  // costs), at its highest concurrency.
  const from = [...levels]
    .sort((a, b) => a.orchestratorReplicas - b.orchestratorReplicas || a.concurrency - b.concurrency)
    .at(-1)!;
  const perWorkflow = Object.fromEntries(Object.entries(from.cpuPerThousand).map(([g, v]) => [g, v / 1000]));
  if (!(perWorkflow[ORCHESTRATOR_GROUP]! > 0)) {
    out.push('6d. What growth would need: not projected, no orchestrator CPU was measured in the pinned window.');
    return out.join('\n');
  }
  const rows = projectGrowth(perWorkflow, PROJECTED_REPLICAS, machineCores);
  out.push(
    `6d. What growth would need, from "${from.setup}, c=${from.concurrency}" (CPU s per workflow by group): each orchestrator replica keeps a core of its own busy, ` +
      'every other group gets the cores it needs to keep up (enough in flight assumed; CPU the only limit)',
  );
  out.push(
    table(
      [
        'orchestrators',
        'projected ops/s',
        'cores: orchestrators + rest',
        'cores needed',
        `fits ${machineCores} cores`,
        'rest by group (cores)',
      ],
      rows.map((r) => {
        const rest = Object.entries(r.coresByGroup)
          .filter(([g, v]) => g !== ORCHESTRATOR_GROUP && v >= 0.05)
          .sort((a, b) => b[1] - a[1])
          .map(([g, v]) => `${g} ${num(v)}`)
          .join(', ');
        const restSum = Object.entries(r.coresByGroup).reduce(
          (sum, [g, v]) => (g === ORCHESTRATOR_GROUP ? sum : sum + v),
          0,
        );
        return [
          String(r.replicas),
          num(r.throughput),
          `${r.replicas} + ${num(restSum)}`,
          String(r.coresNeeded),
          r.fits ? 'yes' : 'no',
          rest,
        ];
      }),
    ),
  );
  out.push(...growthVerdict(levels, rows, machineCores).map((line) => `   ${line}`));
  return out.join('\n');
}

/** The plain sentences under table 6d: what was measured, and whether this machine can show growth. */
export function growthVerdict(
  levels: PinnedLevel[],
  rows: ReturnType<typeof projectGrowth>,
  machineCores: number,
): string[] {
  const out: string[] = [];
  const outsideOf = (l: PinnedLevel) => l.coreSets.reduce((sum, c) => sum + c.others, 0);
  // Which side limits is read where processes outside the run took the least; 1 against 2
  // replicas is read between neighbouring setups (the same agents, one more orchestrator).
  const cleanest = levels.filter((l) => l.orchestratorReplicas === 1).sort((a, b) => outsideOf(a) - outsideOf(b))[0];
  const two = levels.filter((l) => l.orchestratorReplicas === 2).at(-1);
  const one =
    levels.filter((l) => l.orchestratorReplicas === 1 && l.concurrency === two?.concurrency).at(-1) ?? cleanest;
  if (cleanest) {
    const [rest, orch] = [cleanest.coreSets[0]!, cleanest.coreSets[1]!];
    const restCores = `the rest's ${rest.cpus.length} core(s)`;
    const limit = orch.saturatedByOurs
      ? `the orchestrator kept its core busy (${num(orch.ours)}): the orchestrator is the limit`
      : orch.saturated
        ? `the orchestrator's core was busy (${num(orch.busy)}) but only ${num(orch.ours)} of it was the orchestrator's, ${num(orch.others)} went to processes outside the run` +
          (rest.saturated
            ? ` and ${restCores} were busy too (${num(rest.busy)}, ${num(rest.others)} outside the run)`
            : '') +
          ': both sides were short of CPU they did not get, so this run does not say which limits'
        : rest.saturated
          ? `the orchestrator's core was not saturated (${num(orch.busy)} busy) but ${restCores} were (${num(rest.busy)}): the rest is the limit, and a second orchestrator cannot add throughput until the rest has more cores`
          : `neither core set was saturated (rest ${num(rest.busy)} of ${rest.cpus.length}, orchestrator ${num(orch.busy)} of ${orch.cpus.length}): not CPU-bound at c=${cleanest.concurrency}; more in flight would tell`;
    out.push(
      `Measured with 1 orchestrator ("${cleanest.setup}", c=${cleanest.concurrency}, the quietest such window): ${num(cleanest.throughput)} ops/s; ${limit}.`,
    );
  }
  if (one && two) {
    const shared = two.plan.sharedOrchestratorCore
      ? `sharing ${orchestratorCoresOf(two).length === 1 ? 'one core' : 'cores'} (cpu ${cpuListText(orchestratorCoresOf(two))})`
      : 'each on its own core';
    const perOrchCore = (l: PinnedLevel) => {
      const c = l.cpuPerThousand[ORCHESTRATOR_GROUP];
      return c ? 1000 / c : undefined;
    };
    out.push(
      `Measured with 2 orchestrators ${shared}: ${num(two.throughput)} ops/s (${num(two.throughput / one.throughput)}× of "${one.setup}"); workflows per orchestrator CPU-second ${num(perOrchCore(two))} against ${num(perOrchCore(one))} with one ` +
        "(equal means a second replica costs no CPU per workflow, so it would add its core's worth of throughput).",
    );
  }
  const outside = Math.max(...levels.map(outsideOf));
  if (outside >= 0.1) {
    out.push(
      `Processes outside the run used up to ${num(outside)} of the ${machineCores} cores during these windows: the machine was not quiet, so the measured ops/s are partly its doing. ` +
        'The projection rests on CPU seconds per workflow, which do not depend on what was left free.',
    );
  }
  const r2 = rows.find((r) => r.replicas === 2);
  const r1 = rows.find((r) => r.replicas === 1);
  if (r2 && !r2.fits) {
    out.push(
      `This machine cannot show growth from a second orchestrator: at ${num(r2.throughput)} ops/s two replicas need ${r2.coresNeeded} cores (2 for the orchestrators, ${r2.coresNeeded - 2} for the rest); it has ${machineCores}.` +
        (r1 && !r1.fits
          ? ` Even one orchestrator kept busy needs ${r1.coresNeeded}: here the rest is short of CPU before the orchestrator is.`
          : ''),
    );
  } else if (r2) {
    out.push(
      `This machine can show it: two replicas on their own cores need ${r2.coresNeeded} of its ${machineCores} cores, projected ${num(r2.throughput)} ops/s.`,
    );
  }
  return out;
}
