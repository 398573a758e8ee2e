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
// the stage of each is data: `active` calls `patched`, `deprecated` calls `deprecatePatch` and
// takes the new path (once no run that started before the patch is open). After that, once no
// run from before the deprecation is open either, the entry and the old branch are deleted.
// docs/change-safely.md is the practice; the replay suite
// (services/orchestrator/test/replay.unit.test.ts) checks it against recorded histories.
import { deprecatePatch, patched } from '@temporalio/workflow';

export type PatchStage = 'active' | 'deprecated';

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
    if (entry.stage === 'deprecated') {
      deprecatePatch(this.markerOf(id));
      return true;
    }
    return patched(this.markerOf(id));
  }
}

/** A workflow's patches, listed once: `export const patches = definePatches('reservation', {...})`. */
export function definePatches<const P extends PatchTable>(owner: string, table: P): Patches<P> {
  return new Patches(owner, table);
}

/** The kit's own patches, taken by every workflow built on it. */
export const kitPatches = definePatches('baton', {
  'step-activity-ids': {
    stage: 'active',
    since: '2026-12-01',
    why: "an agent step's activity id names its kind, agent and step (run/intake/intake), so replay notices two steps swapped or an agent changed",
  },
  'record-corrections': {
    stage: 'active',
    since: '2026-12-01',
    why: "a person's correction at a gate (changes, or an output given at an attention gate) is recorded by an activity, to be retrieved for the next similar input",
  },
});
