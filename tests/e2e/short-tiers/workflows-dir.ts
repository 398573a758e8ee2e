// Short approval tiers for real-stack tests, without a field in the reservation's input: the
// file's own services run the workflows folder written here (the reservation registered with
// ./reservation.ts), and a run started with `memo: shortTiersMemo(tiers)` gets those tiers.
import { join } from 'node:path';
import type { GateTier } from '@baton/workflow-kit';
import { repoRoot } from '@baton/testkit';
import { workflowsDirWith } from '../workflows-dir.js';

/** The memo key ./reservation.ts reads (kept in step by hand: that module runs in the sandbox). */
export const APPROVAL_TIERS_MEMO = 'baton.test.approvalTiers';

/** The start option that gives one run these tiers (on services started with the folder below). */
export function shortTiersMemo(tiers: GateTier[]): Record<string, unknown> {
  return { [APPROVAL_TIERS_MEMO]: tiers };
}

/** Writes the folder under `parent` (the stack's state folder) and returns its path: the value of
 *  BATON_WORKFLOWS_DIR for the file's services. */
export function shortTiersWorkflowsDir(parent: string): string {
  return workflowsDirWith(parent, 'workflows-short-tiers-', {
    reservation: join(repoRoot, 'tests', 'e2e', 'short-tiers', 'reservation.ts'),
  });
}
