// The bench's settings: a zod schema over BATON_BENCH_* variables, parsed once at start.
import { z } from 'zod';
import type { WindowOptions } from './load.js';

const intList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of whole numbers, e.g. 1,8,32,128')
  .transform((s) => s.split(',').map(Number));
const nameList = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

export const Sections = [
  'nats-rr',
  'js-publish',
  'temporal-1',
  'handoff',
  'temporal-6',
  'chain-6',
  'temporal-13',
  'reservation',
  'scale-out',
  'gateway',
] as const;
export type Section = (typeof Sections)[number];

export const BenchConfig = z
  .object({
    /** Multiplies every window and sample count: 1 finishes in minutes on 2 cores, 5 is steadier. */
    BATON_BENCH_SCALE: z.coerce.number().min(0.1).max(50).default(1),
    /** Operations in flight, in the order they are tried; the sweep ends when throughput stops growing. */
    BATON_BENCH_LEVELS: intList.default([1, 8, 32, 128]),
    /** The concurrency the "throughput at a fixed concurrency" column is read at; always run. */
    BATON_BENCH_FIXED: z.coerce.number().int().positive().default(8),
    /** A level must beat the best so far by this factor, or the sweep stops: it stopped growing. */
    BATON_BENCH_GROWTH: z.coerce.number().min(1).max(2).default(1.1),
    /** Run only these sections (comma-separated), e.g. "temporal-1,handoff"; default all. */
    BATON_BENCH_ONLY: nameList.pipe(z.array(z.enum(Sections))).optional(),
    /** Size of the text every operation carries; Baton's tasks add their envelope on top. */
    BATON_BENCH_PAYLOAD_BYTES: z.coerce.number().int().min(1).max(60_000).default(256),
    /** Processes to run under `node --cpu-prof` (e.g. "orchestrator,echo"); profiles land in <state>/profiles. */
    BATON_BENCH_CPU_PROFILE: nameList.default([]),
    /** Workflows whose history and spans the breakdown reads, per level. */
    BATON_BENCH_BREAKDOWN_SAMPLES: z.coerce.number().int().min(1).max(500).default(30),
    /** Concurrency levels the scale-out comparison runs the six-step chain at. */
    BATON_BENCH_SCALEOUT_LEVELS: intList.default([32]),
    /**
     * "1": the scale-out section pins processes to cores with taskset (Linux): each orchestrator
     * replica on a core of its own where there are enough, everything else on the other cores
     * (bench/src/pinning.ts), and reports throughput per core and what growth would need.
     */
    BATON_BENCH_PIN: z
      .enum(['0', '1'], { message: 'must be 1 (pin the scale-out section to cores) or 0' })
      .default('0')
      .transform((v) => v === '1'),
    /** Events the gateway ingest burst publishes (times the scale). */
    BATON_BENCH_GATEWAY_EVENTS: z.coerce.number().int().min(10).max(100_000).default(150),
  })
  .refine((c) => c.BATON_BENCH_LEVELS.includes(c.BATON_BENCH_FIXED), {
    message: 'BATON_BENCH_FIXED must be one of BATON_BENCH_LEVELS',
    path: ['BATON_BENCH_FIXED'],
  });
export type BenchConfig = z.output<typeof BenchConfig>;

/** How long each concurrency level measures, at the configured scale. */
export function windowFor(config: BenchConfig): (concurrency: number) => WindowOptions {
  const s = config.BATON_BENCH_SCALE;
  // One in flight gives the latency percentiles: more samples there; above it, throughput.
  return (concurrency) => ({
    minWindowMs: 2_000 * s,
    minOps: Math.ceil((concurrency === 1 ? 50 : 30) * s),
    maxWindowMs: 8_000 * s,
    opTimeoutMs: 120_000,
  });
}

/** Bound on one concurrency level's wall time, so the default size fits in minutes on 2 cores. */
export function levelBudgetMs(config: BenchConfig): number {
  return 45_000 * config.BATON_BENCH_SCALE;
}

/** A short unrecorded level before each scenario: JIT, connection pools, workflow caches. */
export const WARM_UP: WindowOptions = { minWindowMs: 400, minOps: 16, maxWindowMs: 3_000, opTimeoutMs: 120_000 };
