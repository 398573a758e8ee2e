// The bench table's "since the previous run" block: which saved run it compares with, and that
// the figures it prints are this run's beside that one's.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BenchConfig } from '../src/config.js';
import { previousRun } from '../src/previous.js';
import { renderComparison, type BenchResults, type ScenarioResult } from '../src/report.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-bench-previous-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (
  id: ScenarioResult['id'],
  floor: ScenarioResult['id'] | undefined,
  p50: number,
  throughput: number,
  cpu: number,
): ScenarioResult => ({
  id,
  title: id,
  kind: floor ? 'baton' : 'floor',
  ...(floor ? { floor } : {}),
  workflowsPerOp: 1,
  levels: [1, 8].map((concurrency) => ({
    concurrency,
    ops: 50,
    completed: 50,
    errors: 0,
    throughput: concurrency === 1 ? throughput / 4 : throughput,
    latencyMs: { p50, p95: p50 * 1.5, p99: p50 * 2, mean: p50, min: p50 / 2, max: p50 * 3 },
    windowSeconds: 2,
  })) as unknown as ScenarioResult['levels'],
  cpu: { byGroup: {}, total: cpu, completed: 1000, perThousand: cpu },
});

function run(
  startedAt: string,
  opts: { topology?: string; scale?: number; handoff: [number, number, number] },
): BenchResults {
  return {
    version: 1,
    startedAt,
    wallSeconds: 100,
    machine: {
      cpus: 2,
      cpuModel: 'x',
      memTotalGiB: 24,
      memFreeGiB: 20,
      loadAverage: [0, 0, 0],
      os: 'linux',
      node: '24',
      servers: {},
      topology: opts.topology ?? 'dev',
      git: `g-${startedAt.slice(11, 13)}`,
    },
    config: BenchConfig.parse({ BATON_BENCH_SCALE: String(opts.scale ?? 1) }),
    startupSeconds: 10,
    loadAverageAtEnd: [1, 1, 1],
    scenarios: [scenario('temporal-1', undefined, 34, 200, 10), scenario('handoff', 'temporal-1', ...opts.handoff)],
    memory: [],
    breakdowns: [],
    scaleOut: [],
  };
}
const save = (r: BenchResults) =>
  writeFileSync(join(dir, `results-${r.startedAt.replace(/[:.]/g, '-')}.json`), JSON.stringify(r));

save(run('2026-12-01T08:00:00.000Z', { handoff: [70, 80, 25] }));
save(run('2026-12-01T09:00:00.000Z', { handoff: [60, 100, 20] }));
save(run('2026-12-01T09:30:00.000Z', { topology: 'cluster', handoff: [90, 50, 40] }));
save(run('2026-12-01T09:40:00.000Z', { scale: 5, handoff: [50, 150, 15] }));
save(run('2026-12-01T11:00:00.000Z', { handoff: [10, 900, 1] })); // after the current run: never "previous"
writeFileSync(join(dir, 'results-broken.json'), '{ not json');
const current = run('2026-12-01T10:00:00.000Z', { handoff: [45, 160, 13] });

test('the previous run is the newest earlier one of the same topology and scale; unreadable files are skipped', () => {
  const previous = previousRun(dir, current);
  assert.equal(previous?.results.startedAt, '2026-12-01T09:00:00.000Z');
  assert.equal(
    previousRun(dir, { ...current, machine: { ...current.machine, topology: 'cluster' } })?.results.startedAt,
    '2026-12-01T09:30:00.000Z',
  );
  assert.equal(previousRun(join(dir, 'missing'), current), undefined);
});

test('the comparison prints this run beside the previous one, figures and ratios to the floor', () => {
  const text = renderComparison(current, previousRun(dir, current)!);
  const handoff = text.split('\n').find((l) => l.startsWith('handoff'));
  assert.ok(handoff, text);
  assert.match(handoff, /45\.0 \(was 60\.0, -25%\)/); // p50 at 1 in flight
  assert.match(handoff, /160 \(was 100, \+60%\)/); // ops/s at 8 in flight
  assert.match(handoff, /0\.800 \(was 0\.500, \+60%\)/); // ÷ floor at 8 in flight: 160/200 against 100/200
  assert.match(handoff, /1\.30 \(was 2\.00, -35%\)/); // ÷ floor, CPU: 13/10 against 20/10
  assert.match(text, /git g-09/);
});
