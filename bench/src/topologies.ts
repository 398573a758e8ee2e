// Two or more bench results side by side, one column group per topology (dev: one nats-server and
// the Temporal dev server on SQLite; cluster: three NATS nodes with R3 streams and the Temporal
// server on PostgreSQL). bench/run.sh runs it after BATON_BENCH_TOPOLOGIES=dev,cluster; by hand:
//   node --conditions=baton-source --import tsx bench/src/topologies.ts \
//     .baton/bench/results-A.json .baton/bench/results-B.json
// Ratios within a topology are Baton ÷ floor, as in the main report; the "cluster ÷ dev" column
// divides the second file's figure by the first's.
import { readFileSync } from 'node:fs';
import type { BenchResults, ScenarioResult } from './report.js';
import { table, topologyLine } from './report.js';

const files = process.argv.slice(2);
if (files.length < 2) {
  console.error('usage: topologies.ts RESULTS.json RESULTS.json [...]');
  process.exit(2);
}
const runs = files.map((f) => ({ file: f, r: JSON.parse(readFileSync(f, 'utf8')) as BenchResults }));
const name = (r: BenchResults) => r.machine.topology ?? 'dev';

const num = (v: number | undefined): string => {
  if (v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
};
const x = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? ''
    : ` (${(a / b).toFixed(2)}×)`;
const level = (s: ScenarioResult | undefined, c: number) => s?.levels.find((l) => l.concurrency === c);
const peak = (s: ScenarioResult | undefined) =>
  s?.levels.reduce<ScenarioResult['levels'][number] | undefined>(
    (b, l) => (!b || l.throughput > b.throughput ? l : b),
    undefined,
  );

const out: string[] = [];
out.push('Bench on each topology, same machine, one run each');
for (const { file, r } of runs) {
  out.push(
    `  ${name(r)}: ${topologyLine(r.machine.topology)}`,
    `    ${r.startedAt}, scale ${r.config.BATON_BENCH_SCALE}, load average ${r.machine.loadAverage.map((v) => v.toFixed(2)).join(' ')} at start, ${r.loadAverageAtEnd.map((v) => v.toFixed(2)).join(' ')} at end; ${file}`,
  );
}
out.push('');

const ids = [...new Set(runs.flatMap(({ r }) => r.scenarios.map((s) => s.id)))];
const titleOf = (id: string) => runs.flatMap(({ r }) => r.scenarios).find((s) => s.id === id)?.title ?? id;
const first = runs[0]!.r.config.BATON_BENCH_LEVELS[0]!;
const fixed = runs[0]!.r.config.BATON_BENCH_FIXED;
const [base, ...others] = runs;

type Metric = { label: string; higherIsWorse: boolean; get: (s: ScenarioResult | undefined) => number | undefined };
const metrics: Metric[] = [
  { label: `p50 ms @${first}`, higherIsWorse: true, get: (s) => level(s, first)?.latencyMs.p50 },
  { label: `p99 ms @${first}`, higherIsWorse: true, get: (s) => level(s, first)?.latencyMs.p99 },
  { label: `ops/s @${fixed}`, higherIsWorse: false, get: (s) => level(s, fixed)?.throughput },
  { label: 'peak ops/s', higherIsWorse: false, get: (s) => peak(s)?.throughput },
  { label: 'CPU s/1k', higherIsWorse: true, get: (s) => s?.cpu.perThousand },
];

out.push(
  `1. Each figure on each topology; in brackets Baton ÷ its floor on the same topology; last column ${others.map(({ r }) => name(r)).join(', ')} ÷ ${name(base!.r)}`,
);
for (const m of metrics) {
  out.push(
    table(
      [`${m.label}`, ...runs.map(({ r }) => name(r)), ...others.map(({ r }) => `${name(r)} ÷ ${name(base!.r)}`)],
      ids.map((id) => {
        const cells = runs.map(({ r }) => {
          const s = r.scenarios.find((y) => y.id === id);
          const f = s?.floor ? r.scenarios.find((y) => y.id === s.floor) : undefined;
          return `${num(m.get(s))}${f ? x(m.get(s), m.get(f)) : ''}`;
        });
        const b = m.get(base!.r.scenarios.find((y) => y.id === id));
        const rel = others.map(({ r }) => {
          const v = m.get(r.scenarios.find((y) => y.id === id));
          return v === undefined || b === undefined || b === 0 ? '-' : `${(v / b).toFixed(2)}×`;
        });
        return [titleOf(id), ...cells, ...rel];
      }),
    ),
    '',
  );
}

// Where the CPU went: the servers of each topology.
const groups = [...new Set(runs.flatMap(({ r }) => r.scenarios.flatMap((s) => Object.keys(s.cpu.byGroup))))].sort();
out.push('2. CPU seconds per 1,000 ops by process group, per topology');
for (const { r } of runs) {
  out.push(
    `  ${name(r)}`,
    table(
      ['scenario', 'total', ...groups],
      r.scenarios.map((s) => [
        s.title,
        num(s.cpu.perThousand),
        ...groups.map((g) =>
          s.cpu.byGroup[g] === undefined ? '·' : num((s.cpu.byGroup[g]! / Math.max(1, s.cpu.completed)) * 1000),
        ),
      ]),
    ),
    '',
  );
}

if (runs.some(({ r }) => r.gateway)) {
  out.push('3. Gateway burst: events/s forwarded, reservations/s confirmed');
  out.push(
    table(
      ['topology', 'events', 'events/s', 'reservations/s', 'failed'],
      runs.map(({ r }) => [
        name(r),
        String(r.gateway?.events ?? '-'),
        num(r.gateway?.eventsPerSecond),
        num(r.gateway?.reservationsPerSecond),
        String(r.gateway?.failed ?? '-'),
      ]),
    ),
    '',
  );
}
console.log(out.join('\n'));
