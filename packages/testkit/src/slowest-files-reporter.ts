// A reporter for node's test runner (`--test-reporter=<this file>`): prints the ten slowest test
// files with their wall time once the run ends, so whoever makes the suite slower sees where.
//
// Hand-written because node's own reporters give durations per test, not per file, and a
// file's start-up (its stack, its services, its browser) happens outside any one test. Files run
// one at a time (`--test-concurrency=1`), so every gap between two events belongs to the file of
// the later one: its start-up before its first event, its tests after. It adds to the spec
// reporter; it replaces nothing.
import { basename, relative } from 'node:path';

interface TestEvent {
  type: string;
  data?: { file?: string };
}

export default async function* slowestFiles(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const wall = new Map<string, number>();
  let last = Date.now();
  for await (const event of source) {
    const file = event.data?.file;
    if (!file) continue;
    const now = Date.now();
    wall.set(file, (wall.get(file) ?? 0) + (now - last));
    last = now;
  }
  const rows = [...wall.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (rows.length === 0) return;
  yield '\nslowest test files (wall, one at a time):\n';
  for (const [file, ms] of rows) {
    const name = file.startsWith('/') ? relative(process.cwd(), file) || basename(file) : file;
    yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${name}\n`;
  }
}
