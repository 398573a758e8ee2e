// The Temporal server's own latency, for tuning its configuration: workflows of N plain
// activities run by the floor worker (no Baton service involved), at 1 and 8 in flight, with
// p50/p90/p99/max, the server's CPU per workflow, and where the slow ones lost their time (the
// largest gaps between consecutive history events, by kind). Runs against an already started
// stack of either topology:
//
//   export BATON_PROFILE=bench-tune BATON_PORT_OFFSET=900 BATON_TOPOLOGY=cluster
//   . infra/env.sh && bash infra/stack.sh start
//   node --conditions=baton-source --import tsx bench/src/server-latency.ts   # BATON_LATENCY_LABEL=... names the run
//   bash infra/stack.sh stop
//
// Settings: BATON_LATENCY_STEPS (1,6,10), BATON_LATENCY_LEVELS (1,8), BATON_LATENCY_N
// (completions per level, 60), BATON_LATENCY_LABEL (a name for the run in its output and JSON).
// Writes <state>/latency-<label>-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigOrExit } from '@baton/contracts';
import { stackEnv, temporalClient } from '@baton/testkit';
import { floorNames } from './floor/names.js';
import { OperationError, percentiles, runLevel } from './load.js';
import { infraProcesses, startAll, stopAll } from './processes.js';
import { cpuByGroup, cpuSnapshot } from './usage.js';

const intList = z
  .string()
  .regex(/^\d+(,\d+)*$/)
  .transform((s) => s.split(',').map(Number));
const config = loadConfigOrExit(
  'server-latency',
  z.object({
    BATON_LATENCY_STEPS: intList.default([1, 6, 10]),
    BATON_LATENCY_LEVELS: intList.default([1, 8]),
    BATON_LATENCY_N: z.coerce.number().int().min(5).max(10_000).default(60),
    BATON_LATENCY_LABEL: z
      .string()
      .regex(/^[\w.=-]+$/)
      .default('run'),
    BATON_TOPOLOGY: z.string().default('dev'),
  }),
);
const env = stackEnv();
const say = (line: string) => console.log(`latency: ${line}`);
const payload = 'x'.repeat(256);
const runTag = `${config.BATON_LATENCY_LABEL}-${Date.now().toString(36)}`;

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const msOf = (ts: Timestamp): number => {
  const s = ts?.seconds ?? 0;
  return (typeof s === 'number' ? s : s.toNumber()) * 1000 + (ts?.nanos ?? 0) / 1e6;
};
const at = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

const worker = await startAll([
  { name: 'floor-worker', group: 'floor-worker', entry: join('bench', 'src', 'floor', 'worker.ts') },
]);
const client = await temporalClient();
const tracked = () => [
  ...infraProcesses(),
  ...worker.flatMap((p) => (p.tracked ? [p.tracked] : [])),
  { name: 'driver', group: 'driver', pid: process.pid },
];

const chain = (steps: number) => async (seq: number) => {
  const workflowId = `latency-${steps}-${runTag}-${seq}`;
  const result = await client.workflow.execute<
    (input: { steps: number; text: string }) => Promise<{ text: string; steps: number }>
  >(floorNames.workflowType, {
    taskQueue: floorNames.taskQueue,
    workflowId,
    args: [{ steps, text: payload }],
    workflowExecutionTimeout: '10 minutes',
  });
  if (result.steps !== steps) throw new OperationError(`${workflowId} returned something else`);
  return workflowId;
};

/** Gaps between consecutive history events, named "A -> B" by event type. */
async function gaps(workflowId: string): Promise<Array<{ kind: string; ms: number }>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const out: Array<{ kind: string; ms: number }> = [];
  const typeOf = (e: (typeof events)[number]) =>
    Object.keys(e)
      .find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k])
      ?.replace(/EventAttributes$/, '')
      .replace(/^workflowExecution/, 'Workflow')
      .replace(/^workflowTask/, 'WFT')
      .replace(/^activityTask/, 'Activity') ?? 'event';
  for (let i = 1; i < events.length; i++) {
    out.push({
      kind: `${typeOf(events[i - 1]!)} -> ${typeOf(events[i]!)}`,
      ms: msOf(events[i]!.eventTime as Timestamp) - msOf(events[i - 1]!.eventTime as Timestamp),
    });
  }
  return out;
}

interface Row {
  steps: number;
  concurrency: number;
  n: number;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  serverCpuMsPerWorkflow: Record<string, number>;
  gapKinds?: Array<{ kind: string; n: number; p50: number; p99: number; max: number; total: number }>;
  slowest?: Array<{ workflowId: string; ms: number; biggestGaps: Array<{ kind: string; ms: number }> }>;
}
const rows: Row[] = [];
try {
  // Warm-up: worker caches, connection pools, JIT, the server's task-queue partitions.
  await runLevel(chain(1), 4, { minWindowMs: 500, minOps: 20, maxWindowMs: 5_000, opTimeoutMs: 120_000 });
  for (const steps of config.BATON_LATENCY_STEPS) {
    for (const c of config.BATON_LATENCY_LEVELS) {
      const before = cpuSnapshot(tracked());
      const level = await runLevel(chain(steps), c, {
        minWindowMs: 1_000,
        minOps: config.BATON_LATENCY_N,
        maxWindowMs: 120_000,
        opTimeoutMs: 120_000,
      });
      const cpu = cpuByGroup(tracked(), before, cpuSnapshot(tracked()));
      const sorted = level.samples.map((s) => s.ms).sort((a, b) => a - b);
      const row: Row = {
        steps,
        concurrency: c,
        n: sorted.length,
        throughput: level.throughput,
        p50: at(sorted, 0.5),
        p90: at(sorted, 0.9),
        p99: at(sorted, 0.99),
        max: sorted[sorted.length - 1] ?? NaN,
        serverCpuMsPerWorkflow: Object.fromEntries(
          Object.entries(cpu).map(([g, s]) => [g, (s * 1000) / Math.max(1, level.completed)]),
        ),
      };
      if (c === 1) {
        // Every gap of every sampled workflow, by kind: which transition the outliers sit in.
        const all = await Promise.all(level.samples.map(async (s) => ({ ...s, gaps: await gaps(s.key) })));
        const byKind = new Map<string, number[]>();
        for (const w of all) for (const g of w.gaps) byKind.set(g.kind, [...(byKind.get(g.kind) ?? []), g.ms]);
        row.gapKinds = [...byKind.entries()]
          .map(([kind, v]) => {
            const p = percentiles(v);
            return { kind, n: v.length, p50: p.p50, p99: p.p99, max: p.max, total: v.reduce((a, b) => a + b, 0) };
          })
          .sort((a, b) => b.total - a.total);
        row.slowest = all
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 3)
          .map((w) => ({
            workflowId: w.key,
            ms: w.ms,
            biggestGaps: [...w.gaps].sort((a, b) => b.ms - a.ms).slice(0, 3),
          }));
      }
      rows.push(row);
      const cpuText = Object.entries(row.serverCpuMsPerWorkflow)
        .filter(([g]) => ['temporal', 'postgres', 'nats', 'floor-worker'].includes(g))
        .map(([g, ms]) => `${g} ${ms.toFixed(1)}`)
        .join(', ');
      say(
        `${config.BATON_LATENCY_LABEL} steps=${steps} c=${c}: n=${row.n} ${row.throughput.toFixed(1)} wf/s p50 ${f1(row.p50)} p90 ${f1(row.p90)} p99 ${f1(row.p99)} max ${f1(row.max)} ms; CPU ms/wf ${cpuText}${level.errors ? `; ${level.errors} errors: ${level.firstError}` : ''}`,
      );
      for (const k of row.gapKinds?.slice(0, 4) ?? [])
        say(`    ${k.kind}: p50 ${f1(k.p50)} p99 ${f1(k.p99)} max ${f1(k.max)} ms (n=${k.n})`);
      for (const w of row.slowest?.slice(0, 1) ?? [])
        say(`    slowest ${f1(w.ms)} ms: ${w.biggestGaps.map((g) => `${g.kind} ${f1(g.ms)}`).join('; ')}`);
    }
  }
} finally {
  await client.close();
  await stopAll(worker);
}
mkdirSync(env.stateDir, { recursive: true });
const file = join(
  env.stateDir,
  `latency-${config.BATON_LATENCY_LABEL}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  file,
  `${JSON.stringify({ label: config.BATON_LATENCY_LABEL, topology: config.BATON_TOPOLOGY, loadAverage: loadavg(), rows }, null, 2)}\n`,
);
say(
  `written ${file}; load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
