// The slowest-files reporter: each gap between events belongs to the file of the later event (its
// start-up before its first event), one key per file however the runner names it, slowest first.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { slowestFilesReport, type TestEvent } from '../src/slowest-files-reporter.js';

it('charges each gap to the file of the next event and lists the slowest first', async () => {
  const times = [0, 5_000, 6_000, 20_000, 21_000];
  const clock = () => times.shift()!;
  async function* events(): AsyncGenerator<TestEvent> {
    yield { type: 'test:pass', data: { file: 'a.test.ts' } }; // 5 s of start-up
    yield { type: 'test:pass', data: { file: `${process.cwd()}/a.test.ts` } }; // the same file, absolute
    yield { type: 'test:plan', data: {} }; // no file: not counted
    yield { type: 'test:pass', data: { file: 'b.test.ts' } }; // 14 s
    yield { type: 'test:pass', data: { file: 'c.test.ts' } }; // 1 s
  }
  let report = '';
  for await (const line of slowestFilesReport(events(), clock, 2)) report += line;
  assert.deepEqual(
    report
      .trim()
      .split('\n')
      .map((l) => l.trim()),
    ['slowest test files (wall, one at a time):', '14.0 s  b.test.ts', '6.0 s  a.test.ts'],
  );
});
