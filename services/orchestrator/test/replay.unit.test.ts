// The replay suite: every recorded history (workflows/<name>/histories/, written by
// `npm run record-histories` from the real stack) replays against the code the orchestrator
// would run now, with Temporal's replayer and no server. A change that would break a waiting
// run fails here, naming the workflow, the history and the patch to add. The last two tests
// prove the suite can fail: the reservation with two steps swapped fails it, and the same swap
// behind a patch passes it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { GENERATED_DIR, Registry, loadHistoryFixtures, type LoadedFixture } from '@baton/workflow-kit/internal';
import { replayFixtures, workerBundle } from '../src/replay.js';

const RESERVATION_SRC = fileURLToPath(new URL('../../../workflows/reservation/src/', import.meta.url));
// Each statement whole, on one line or formatted over several (up to its closing `);`).
const HOLD = /^\s*const hold = await run\.step\(\s*'availability',\s*'hold-table'[\s\S]*?\);$/m;
const SAFETY = /^\s*status\.safety = await run\.step\(\s*'safety',\s*'safety-check'[\s\S]*?\);$/m;

/** The reservation's workflow code with the safety check moved before the table hold: the
 *  reorder a well-meaning edit might make. `patch`: the new order only behind patched(). */
function swappedReservation(patch: boolean): string {
  let source = readFileSync(join(RESERVATION_SRC, 'workflow.ts'), 'utf8');
  const hold = HOLD.exec(source)?.[0];
  const safety = SAFETY.exec(source)?.[0];
  assert.ok(
    hold && safety,
    'the reservation still has its hold-table and safety-check steps (update this test if they moved)',
  );
  if (patch) {
    source = source.replace(safety, `  if (!patched('reservation.safety-first')) ${safety.trim()}`);
    source = source.replace(hold, `  if (patched('reservation.safety-first')) ${safety.trim()}\n${hold}`);
    source = `import { patched } from '@temporalio/workflow';\n${source}`;
  } else {
    source = source.replace(safety, '').replace(hold, `${safety}\n${hold}`);
  }
  // Written beside the worker's generated entries (where the bundler finds the SDK), its own
  // imports made absolute.
  source = source.replace(/from '\.\/([^']+)'/g, (_m, file: string) => `from '${join(RESERVATION_SRC, file)}'`);
  const path = join(GENERATED_DIR, `reservation-swapped${patch ? '-patched' : ''}-${process.pid}.ts`);
  writeFileSync(path, source);
  return path;
}

describe('replay of recorded histories', () => {
  let registry: Registry;
  let fixtures: LoadedFixture[];
  let bundle: WorkflowBundle;
  const written: string[] = [];
  before(async () => {
    // The replay workers' progress lines, and core's copy of each failure the test expects, are
    // noise here; the failures themselves are asserted and printed below.
    // (The fast tier runs every unit file in one process: another file may have made the runtime.)
    try {
      Runtime.install({
        logger: new DefaultLogger('WARN'),
        telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
      });
    } catch {
      // Already installed: its logger stays.
    }
    registry = await Registry.load();
    fixtures = loadHistoryFixtures(registry.replayTargets());
    bundle = await workerBundle(registry);
  });
  after(() => {
    for (const path of written) rmSync(path, { force: true });
  });

  it('keeps recorded histories for every workflow the orchestrator runs, once it has a histories folder', () => {
    // A workflow just written (`npm run new-workflow`) has no histories folder until its first
    // `npm run record-histories`: nothing of it can be waiting in production, so it is named, not
    // failed. A folder that exists but holds none of the workflow's histories is a failure.
    const unrecorded = registry.replayTargets().filter((t) => !fixtures.some((f) => f.workflowName === t.workflowName));
    for (const t of unrecorded.filter((t) => !existsSync(t.historiesDir))) {
      console.log(
        `  notice: ${t.type} (${t.workflowName}) has no recorded histories yet (${t.historiesDir}); record them before its first deploy`,
      );
    }
    const missing = unrecorded.filter((t) => existsSync(t.historiesDir));
    assert.deepEqual(
      missing.map((t) => `${t.type} (${t.workflowName}): no histories in ${t.historiesDir}`),
      [],
      'record them with `npm run record-histories` (docs/change-safely.md)',
    );
  });

  it('replays every recorded history on the current code', async () => {
    const failures = await replayFixtures(bundle, fixtures);
    console.log(
      `  replayed ${fixtures.length} histories of ${new Set(fixtures.map((f) => f.workflowName)).size} workflows`,
    );
    assert.equal(failures.length, 0, `\n${failures.map((f) => f.message).join('\n\n')}`);
  });

  it('fails a reservation whose two steps were swapped without a patch, naming the workflow, the history and what to do', async () => {
    const path = swappedReservation(false);
    written.push(path);
    const reservations = fixtures.filter((f) => f.workflowType === 'reservation');
    const failures = await replayFixtures(await workerBundle(registry, { reservation: path }), reservations);
    // Every recorded run that got as far as holding a table replayed the old order.
    const reachedHold = reservations.filter((f) => f.path.includes('Holding table'));
    assert.ok(
      reachedHold.some((f) => f.path.at(-1) === 'Confirmed' && !f.path.includes('Awaiting approval')),
      'a clean booking is among the histories',
    );
    assert.deepEqual(failures.map((f) => f.fixture.file).sort(), reachedHold.map((f) => f.file).sort());
    for (const failure of failures) {
      assert.equal(failure.error.name, 'DeterminismViolationError', failure.message);
      assert.match(
        failure.message,
        /^workflow reservation \(reservationWorkflow\) no longer replays its recorded history workflows\/reservation\/histories\/[a-z0-9-]+\.json/,
      );
      assert.match(failure.message, /workflows\/reservation\/src\/patches\.ts/);
      assert.match(failure.message, /patches\.has\('<id>'\)/);
      assert.match(failure.message, /see docs\/change-safely\.md/);
    }
    console.log(
      `  ${failures.length} of ${reservations.length} reservation histories fail, e.g.:\n${failures[0]?.message}`,
    );
  });

  it('replays every history when the same swap is behind a patch', async () => {
    const path = swappedReservation(true);
    written.push(path);
    const failures = await replayFixtures(await workerBundle(registry, { reservation: path }), fixtures);
    assert.equal(failures.length, 0, `\n${failures.map((f) => f.message).join('\n\n')}`);
  });
});
