// A reporter for node's test runner (`--test-reporter=<this file>`): prints the ten slowest test
// files with their wall time once the run ends, so whoever makes the suite slower sees where.
//
// Hand-written because node's own reporters give durations per test, not per file, and a
// file's start-up (its stack, its services, its browser) happens outside any one test. Files run
// one at a time (`--test-concurrency=1`), so every gap between two events belongs to the file of
// the later one: its start-up before its first event, its tests after. It adds to the spec
// reporter; it replaces nothing.
import { appendFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

export interface TestEvent {
  type: string;
  data?: { file?: string };
}

// Node's runner takes an async generator function as a reporter (a plain function is not one).
export default async function* slowestFiles(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  // infra/test.sh collects every group's times (of every track) here, for the run's own top ten.
  yield* slowestFilesReport(source, Date.now, 10, process.env.BATON_TEST_TIMES);
}

/** The report, with the clock given (tests). */
export async function* slowestFilesReport(
  source: AsyncIterable<TestEvent>,
  clock: () => number = Date.now,
  top = 10,
  collect?: string,
): AsyncGenerator<string> {
  const wall = new Map<string, number>();
  let last = clock();
  for await (const event of source) {
    // The run's own summary (no file) comes last: report then, not at the end of the stream, which
    // a run with --test-force-exit never reaches (the runner exits first).
    if (event.type === 'test:summary' && !event.data?.file) {
      yield* report(wall, top, collect);
      return;
    }
    // Some events name the file relative to the working folder, others absolute: one key each.
    const file = event.data?.file && relative(process.cwd(), resolve(event.data.file));
    if (!file) continue;
    const now = clock();
    wall.set(file, (wall.get(file) ?? 0) + (now - last));
    last = now;
  }
  yield* report(wall, top, collect);
}

/** The top rows; every file's time also appended to `collect` (a file), when given. */
function* report(wall: Map<string, number>, top: number, collect: string | undefined): Generator<string> {
  if (collect) appendFileSync(collect, [...wall.entries()].map(([file, ms]) => `${ms}\t${file}\n`).join(''));
  const rows = [...wall.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  if (rows.length === 0) return;
  yield '\nslowest test files (wall, one at a time):\n';
  for (const [file, ms] of rows) yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`;
}
