// The reservation's patches: every change to its workflow code that a run already waiting (a
// day at a manager's gate) would replay differently is listed here and branched on with
// `patches.has('<id>')` (docs/change-safely.md).
import { definePatches, type GateTier } from '@baton/workflow-kit/workflow';

export const patches = definePatches('reservation', {
  'dates-against-now': {
    stage: 'active',
    since: '2026-12-07',
    why: "a requested date is refused when it is before the restaurant's own today, not only before the day the event says it was taken",
  },
  'refuse-partial-reading': {
    stage: 'active',
    since: '2026-12-07',
    why: 'a request intake could not fully read is refused when the party size it did read is larger than the restaurant seats, instead of going to a person',
  },
  'undo-late-commits': {
    stage: 'active',
    since: '2026-12-07',
    why: 'the booking registers its undo (cancel by reference) before its call like every other effect, so a booking the POS made whose answer never came is cancelled when the reservation is undone',
  },
  'no-timings-from-input': {
    stage: 'active',
    since: '2026-12-08',
    why: "a new run ignores the test-only gate timings a run could once be started with (approvalTimeoutMs, approvalTiers, no longer in ReservationInput): the approval gate's tiers are the workflow's own",
  },
});

/** The gate timings runs started before 2026-12-08 could carry in their input (tests set them;
 *  the gateway never did). No longer part of ReservationInput. */
interface RetiredTimings {
  approvalTimeoutMs?: number;
  approvalTiers?: GateTier[];
}

/** The tiers a run started with retired timings keeps while it replays from before the change
 *  (its history has no marker: the recorded expired-after-approval history is one); undefined
 *  for every other run, and for a new run started with them (it records the marker and ignores
 *  them). A run without them asks nothing, so its history is as before. */
export function retiredApprovalTiersOf(input: object): GateTier[] | undefined {
  const { approvalTimeoutMs, approvalTiers } = input as RetiredTimings;
  if (approvalTiers === undefined && approvalTimeoutMs === undefined) return undefined;
  if (patches.has('no-timings-from-input')) return undefined;
  return approvalTiers ?? [{ role: 'manager', timeoutMs: approvalTimeoutMs! }];
}
