// The contract review's patches: every change to its workflow code that a run already waiting
// (most of a day at legal's gate) would replay differently is listed here and branched on with
// `patches.has('<id>')` (docs/change-safely.md).
import { definePatches } from '@baton/workflow-kit/workflow';

export const patches = definePatches('contract-review', {
  'check-answers': {
    stage: 'active',
    since: '2026-12-07',
    why: 'the model-backed answers are checked (coverage of the source, a rules second opinion on each risk, the redlines against the findings) and any flag opens the approval gate, showing the flags, also for a contract with no high-risk clause',
  },
});
