// Reads a step's retry policy the way Temporal applies it, for the chaos suite's outcome floor:
// how many attempts a step is sure to get within its budget, even if every attempt runs to its
// own timeout. Taken from the workflow's declared policies, so the floor follows them.
import type { StepPolicy } from '@baton/workflow-kit';

const UNITS: Record<string, number> = {
  ...{ ms: 1, millisecond: 1, milliseconds: 1, s: 1_000, second: 1_000, seconds: 1_000 },
  ...{ m: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000 },
};

/** A Temporal duration ("30 seconds", "500 milliseconds", or milliseconds as a number) in ms. */
export function durationMs(d: string | number | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  if (typeof d === 'number') return d;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(d);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`cannot read the duration "${d}"`);
  return Number(match[1]) * unit;
}

/**
 * Attempts that fit in the step's schedule-to-close budget when each runs to its
 * start-to-close timeout and the backoff doubles from initialInterval up to maximumInterval
 * (Temporal's defaults: 1 s, and 100 x the initial interval).
 */
export function guaranteedAttempts(policy: StepPolicy): number {
  const attempt = durationMs(policy.startToCloseTimeout as string | number, 0);
  const budget = durationMs(policy.scheduleToCloseTimeout as string | number | undefined, Number.POSITIVE_INFINITY);
  const initial = durationMs(policy.initialInterval as string | number | undefined, 1_000);
  const maximum = durationMs(policy.maximumInterval as string | number | undefined, 100 * initial);
  const cap = policy.maximumAttempts && policy.maximumAttempts > 0 ? policy.maximumAttempts : Number.POSITIVE_INFINITY;
  let attempts = 0;
  let elapsed = 0;
  let backoff = initial;
  while (attempts < cap && elapsed + attempt <= budget && attempts < 1_000) {
    attempts++;
    elapsed += attempt + backoff;
    backoff = Math.min(backoff * 2, maximum);
  }
  return attempts;
}
