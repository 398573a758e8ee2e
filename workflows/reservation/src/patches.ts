// The reservation's patches: every change to its workflow code that a run already waiting (a
// day at a manager's gate) would replay differently is listed here and branched on with
// `patches.has('<id>')` (README "Changing a workflow safely"). Empty: no change so far needed one.
import { definePatches } from '@baton/workflow-kit/workflow';

export const patches = definePatches('reservation', {});
