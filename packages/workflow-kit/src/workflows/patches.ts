// Versioning of workflow code that is already running. A reservation waits a day for a manager,
// a reminder waits weeks; every deploy in that window replays the waiting runs' histories
// against the new code. A change that makes the code issue other commands than the history
// recorded (a step added, removed or moved, a timer changed) must be put behind a patch:
//
//   if (patches.has('deposit-check')) { ...the new code... } else { ...the old code... }
//
// `has` is Temporal's `patched(id)`: true for a run that reaches this point on the new code
// (recording a marker in its history), false for a run whose history passed this point without
// the marker (it keeps the old path). Each workflow lists its patches in one table
// (`definePatches` in its `src/patches.ts`), so the ids are typed and reviewed in one place and
// the stage of each is data:
//   - `active`: `has` calls `patched`. A new run records the marker (and the SDK's upsert of the
//     TemporalChangeVersion search attribute after it: two history events) when it gets there.
//   - `settled`: every orchestrator that can pick a run up knows the patch (it was deployed
//     `active` earlier). Whatever starts a run lists it in the run's TemporalChangeVersion search
//     attribute at the start (`startedWithPatches`, the gateway, schedules and the test harness do),
//     and a run started with it takes the new code without asking Temporal: no marker, no upsert.
//     A run started without it (before, or by a starter that does not list it) asks `patched` as
//     under `active`, so every recorded history replays as before. The start is part of the
//     history, so a replay makes the same choice.
//   - `deprecated`: `deprecatePatch`, always the new code (once no run that started before the
//     patch is open); a run started with it listed needs no call either.
// After `deprecated`, once no run from before the deprecation is open either, the entry and the
// old branch are deleted. Never list at the start a patch some orchestrator does not know yet: an
// old one would run the old code for a run whose start says new, and the next replay on new code
// would fail. A patch is therefore added `active` and made `settled` in a later deploy, and that
// deploy (like the first one that reads the list) puts the orchestrator out before the gateway.
// docs/change-safely.md is the practice; the replay suite
// (services/orchestrator/test/replay.unit.test.ts) checks it against recorded histories.
import { deprecatePatch, patched, workflowInfo } from '@temporalio/workflow';
import { TemporalChangeVersion } from '../definitions.js';

export type PatchStage = 'active' | 'settled' | 'deprecated';

export interface PatchEntry {
  stage: PatchStage;
  /** The day the patch was added (for the reviewer deciding when it may go). */
  since: string;
  /** What the new code does differently. */
  why: string;
}

export type PatchTable = Record<string, PatchEntry>;

export class Patches<P extends PatchTable> {
  constructor(
    /** Prefix of every marker this table records: the workflow type (`reservation`). */
    readonly owner: string,
    readonly table: P,
  ) {}

  /** The marker id recorded in histories: `<owner>.<id>`. */
  markerOf(id: keyof P & string): string {
    return `${this.owner}.${id}`;
  }

  /** True when this run takes the new code at this point (see the file header). */
  has(id: keyof P & string): boolean {
    const entry = this.table[id];
    if (!entry) throw new Error(`patch "${id}" is not listed in the ${this.owner} patch table`);
    // Read from the run's start event (workflow code never upserts this attribute; the SDK's own
    // upsert after a marker does not change what the workflow sees): the same answer in a replay.
    if (workflowInfo().typedSearchAttributes.get(TemporalChangeVersion)?.includes(this.markerOf(id))) return true;
    if (entry.stage === 'deprecated') {
      deprecatePatch(this.markerOf(id));
      return true;
    }
    return patched(this.markerOf(id));
  }

  /** The markers a run may be started with (see the file header): the settled and deprecated ones. */
  startedWith(): string[] {
    return Object.entries(this.table)
      .filter(([, entry]) => entry.stage !== 'active')
      .map(([id]) => this.markerOf(id));
  }
}

/** What a starter puts in a new run's TemporalChangeVersion search attribute: the kit's settled
 *  patches and those of `tables` (a workflow's own), so the run records no marker for them. */
export function startedWithPatches(...tables: Array<Patches<PatchTable>>): string[] {
  return [kitPatches, ...tables].flatMap((t) => t.startedWith());
}

/** A workflow's patches, listed once: `export const patches = definePatches('reservation', {...})`. */
export function definePatches<const P extends PatchTable>(owner: string, table: P): Patches<P> {
  return new Patches(owner, table);
}

/** The kit's own patches, taken by every workflow built on it. */
export const kitPatches = definePatches('baton', {
  'step-activity-ids': {
    stage: 'settled',
    since: '2026-12-01',
    why: "an agent step's activity id names its kind, agent and step (run/intake/intake), so replay notices two steps swapped or an agent changed",
  },
  'record-corrections': {
    stage: 'settled',
    since: '2026-12-01',
    why: "a person's correction at a gate (changes, or an output given at an attention gate) is recorded by an activity, to be retrieved for the next similar input",
  },
  'progress-events': {
    stage: 'active',
    since: '2026-12-08',
    why: "a workflow's progress (states, steps, gates, outcome) that no audit record carried goes out by an activity of its own (docs/progress.md)",
  },
  'trust-only-if-auto-approve': {
    stage: 'active',
    since: '2026-12-07',
    why: 'a gate whose type may never approve by itself does not look its earned trust up (the trustStatus activity, whose answer it discarded)',
  },
});
