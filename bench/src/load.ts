// Closed-loop load: N operations in flight, each replaced by the next as it completes. Latency
// and throughput are taken in a steady window that opens once every slot has completed at least
// once (so the start-up ramp is not counted) and closes after a duration and a minimum count.
// Operations still in flight when the window closes are drained, never abandoned.
export interface WindowOptions {
  /** The window lasts at least this long... */
  minWindowMs: number;
  /** ...and holds at least this many completions... */
  minOps: number;
  /** ...but never longer than this. */
  maxWindowMs: number;
  /** Bound on one operation: a stuck one fails the level instead of hanging the bench. */
  opTimeoutMs: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export interface LevelResult {
  concurrency: number;
  /** Completions inside the window. */
  ops: number;
  /** Every completion of the level, ramp and drain included (what CPU time is divided by). */
  completed: number;
  errors: number;
  firstError?: string;
  windowMs: number;
  throughput: number;
  latencyMs: Percentiles;
  /** Wall time of the whole level, ramp and drain included. */
  wallMs: number;
  /** Operations completed in the window that named what they did (a workflow id), with their latency. */
  samples: Array<{ key: string; ms: number }>;
}

/** One operation; returns a key naming what it did (a workflow id), or nothing. */
export type Operation = (seq: number) => Promise<string | void>;

export class OperationError extends Error {
  readonly code = 'OPERATION_FAILED';
}

/** Nearest-rank percentiles: exact for the few thousand samples a level collects. */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, mean: NaN, min: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OperationError(`operation took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let nextSeq = 0;

/**
 * onWindow is called synchronously as the steady window opens and as it closes (CPU readings that span exactly the
 * window).
 */
export async function runLevel(
  op: Operation,
  concurrency: number,
  options: WindowOptions,
  onWindow?: (edge: 'open' | 'close') => void,
): Promise<LevelResult> {
  const started = performance.now();
  let completed = 0;
  let windowStart: number | undefined;
  let windowEnd: number | undefined;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const samples: Array<{ key: string; ms: number }> = [];
  let stop = false;
  let closeWindow: () => void = () => {};
  const windowClosed = new Promise<void>((resolve) => (closeWindow = resolve));

  // At least one completion per slot inside the window: with many in flight, completions come in
  // waves (every slot started together), and a window shorter than one wave counts a burst.
  const needOps = Math.max(options.minOps, concurrency);
  const maybeClose = (now: number) => {
    if (windowStart === undefined || windowEnd !== undefined) return;
    const length = now - windowStart;
    // The ramp took about one latency; a window must be allowed at least that long to see a wave.
    const maxMs = Math.max(options.maxWindowMs, 1.5 * (windowStart - started));
    if ((length >= options.minWindowMs && latencies.length >= needOps) || length >= maxMs) {
      windowEnd = now;
      onWindow?.('close');
      stop = true;
      closeWindow();
    }
  };
  // The window may have to close while every slot is still waiting on a slow operation.
  const ticker = setInterval(() => maybeClose(performance.now()), 20);

  const slot = async () => {
    while (!stop) {
      const t0 = performance.now();
      try {
        const key = await withTimeout(op(nextSeq++), options.opTimeoutMs);
        const t1 = performance.now();
        completed++;
        if (windowStart !== undefined && windowEnd === undefined) {
          latencies.push(t1 - t0);
          if (key) samples.push({ key, ms: t1 - t0 });
        }
        // Every slot has had its first completion: the ramp is over.
        if (windowStart === undefined && completed >= concurrency) {
          windowStart = t1;
          onWindow?.('open');
        }
        maybeClose(t1);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
        // A failing operation must not spin: stop the level after a few.
        if (errors >= Math.max(5, concurrency)) {
          stop = true;
          windowEnd ??= performance.now();
          closeWindow();
        }
      }
    }
  };
  const slots = Array.from({ length: concurrency }, () => slot());
  await windowClosed;
  await Promise.all(slots);
  clearInterval(ticker);
  const windowMs = windowStart !== undefined && windowEnd !== undefined ? windowEnd - windowStart : 0;
  return {
    concurrency,
    ops: latencies.length,
    completed,
    errors,
    ...(firstError ? { firstError } : {}),
    windowMs,
    throughput: windowMs > 0 ? (latencies.length / windowMs) * 1000 : 0,
    latencyMs: percentiles(latencies),
    wallMs: performance.now() - started,
    samples,
  };
}

export interface SweepOptions {
  levels: number[];
  /** A level projected to take longer than this (ramp, window, drain) is not run. */
  levelBudgetMs: number;
  /** This level always runs: the "fixed concurrency" figure is read there. */
  fixedLevel: number;
  /** A level whose throughput is below previous × this ends the sweep: it stopped growing. */
  growth: number;
  window: (concurrency: number) => WindowOptions;
  onLevel?: (result: LevelResult) => void;
}

export interface SweepResult {
  levels: LevelResult[];
  /** Why the sweep ended before the last level, if it did. */
  stoppedEarly?: string;
}

export async function sweep(op: Operation, options: SweepOptions): Promise<SweepResult> {
  const levels: LevelResult[] = [];
  for (const concurrency of options.levels) {
    const last = levels.at(-1);
    if (last && concurrency > options.fixedLevel && last.throughput > 0) {
      // Past saturation latency grows with what is in flight: ramp, window and drain each take
      // about concurrency / throughput.
      const projectedMs = Math.max(3 * (concurrency / last.throughput) * 1000, options.window(concurrency).minWindowMs);
      if (projectedMs > options.levelBudgetMs) {
        return {
          levels,
          stoppedEarly: `c=${concurrency} not run: at ${last.throughput.toFixed(1)} ops/s it would take about ${(projectedMs / 1000).toFixed(0)} s (budget ${(options.levelBudgetMs / 1000).toFixed(0)} s a level; BATON_BENCH_SCALE raises it)`,
        };
      }
    }
    const result = await runLevel(op, concurrency, options.window(concurrency));
    levels.push(result);
    options.onLevel?.(result);
    if (result.errors > 0 && result.ops === 0)
      return { levels, stoppedEarly: `c=${concurrency} failed: ${result.firstError}` };
    const best = Math.max(...levels.slice(0, -1).map((l) => l.throughput));
    if (levels.length > 1 && concurrency >= options.fixedLevel && result.throughput < best * options.growth) {
      const next = options.levels[options.levels.indexOf(concurrency) + 1];
      if (next !== undefined)
        return {
          levels,
          stoppedEarly: `throughput stopped growing at c=${concurrency} (< ${options.growth}× the best so far); c=${next}+ not run`,
        };
    }
  }
  return { levels };
}
