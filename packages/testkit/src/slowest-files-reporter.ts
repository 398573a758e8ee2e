// A reporter for node's test runner (`--test-reporter=<this file>`): prints the ten slowest test
// files with their wall time once the run ends, so whoever makes the suite slower sees where.
//
// Hand-written because node's own reporters give durations per test, not per file, and a
// file's start-up (its stack, its services, its browser) happens outside any one test. Files run
// one at a time (`--test-concurrency=1`), so every gap between two events belongs to the file of
// the later one: its start-up before its first event, its tests after. It adds to the spec
// reporter; it replaces nothing.
import { relative, resolve } from 'node:path';

export interface TestEvent {
  type: string;
  data?: { file?: string };
}

// Node's runner takes an async generator function as a reporter (a plain function is not one).
export default async function* slowestFiles(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  yield* slowestFilesReport(source);
}

/** The report, with the clock given (tests). */
export async function* slowestFilesReport(source: AsyncIterable<TestEvent>, clock: () => number = Date.now, top = 10): AsyncGenerator<string> {
  const wall = new Map<string, number>();
  let last = clock();
  for await (const event of source) {
    // Some events name the file relative to the working folder, others absolute: one key each.
    const file = event.data?.file && relative(process.cwd(), resolve(event.data.file));
    if (!file) continue;
    const now = clock();
    wall.set(file, (wall.get(file) ?? 0) + (now - last));
    last = now;
  }
  const rows = [...wall.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  if (rows.length === 0) return;
  yield '\nslowest test files (wall, one at a time):\n';
  for (const [file, ms] of rows) yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`;
}
