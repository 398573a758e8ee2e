// The reservation's patches: every change to its workflow code that a run already waiting (a
// day at a manager's gate) would replay differently is listed here and branched on with
// `patches.has('<id>')` (docs/change-safely.md).
import { definePatches } from '@baton/workflow-kit/workflow';

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
});
