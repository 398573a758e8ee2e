// The previous run, beside this one: each change to Baton should show its effect in the next
// bench table without anyone digging out an old log. The bench keeps every run's JSON in the
// stack's state folder (results-<time>.json, kept when the folder is emptied); the newest one
// older than this run, of the same topology and scale, is the comparison.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './report.js';

export interface PreviousRun {
  file: string;
  results: BenchResults;
}

/** The newest saved run before `startedAt` with the same topology and scale, if any. A file that
 *  does not parse as a version-1 result is skipped (an interrupted run leaves none, but a hand
 *  edit might). */
export function previousRun(
  stateDir: string,
  current: Pick<BenchResults, 'startedAt' | 'machine' | 'config'>,
): PreviousRun | undefined {
  let names: string[];
  try {
    names = readdirSync(stateDir).filter((n) => /^results-.*\.json$/.test(n));
  } catch {
    return undefined;
  }
  const candidates: PreviousRun[] = [];
  for (const name of names) {
    const file = join(stateDir, name);
    let results: BenchResults;
    try {
      results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
    } catch {
      continue;
    }
    if (results?.version !== 1 || typeof results.startedAt !== 'string' || !Array.isArray(results.scenarios)) continue;
    if (results.startedAt >= current.startedAt) continue;
    if ((results.machine?.topology ?? 'dev') !== (current.machine.topology ?? 'dev')) continue;
    if (results.config?.BATON_BENCH_SCALE !== current.config.BATON_BENCH_SCALE) continue;
    candidates.push({ file, results });
  }
  candidates.sort((a, b) => (a.results.startedAt < b.results.startedAt ? 1 : -1));
  return candidates[0];
}
