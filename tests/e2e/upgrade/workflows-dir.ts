// The workflows folder of version N+1, for the in-flight upgrade test: every workflow of the
// repository as it is, except the reservation, whose registration is today's with its workflow
// module replaced by tests/e2e/upgrade/reservation-next.ts. The second orchestrator is started
// with BATON_WORKFLOWS_DIR pointing here, so the upgrade needs no switch of its own in the orchestrator.
import { join } from 'node:path';
import { repoRoot } from '@baton/testkit';
import { workflowsDirWith } from '../workflows-dir.js';

/** Writes the folder under `parent` and returns its path. */
export function nextVersionWorkflowsDir(parent: string): string {
  return workflowsDirWith(parent, 'workflows-next-', {
    reservation: join(repoRoot, 'tests', 'e2e', 'upgrade', 'reservation-next.ts'),
  });
}
