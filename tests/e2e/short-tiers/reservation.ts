// The reservation for real-stack tests that watch its approval gate escalate and expire in real
// time: today's workflow, whose gate has the tiers the run's memo names (APPROVAL_TIERS_MEMO in
// ./workflows-dir.ts), else the default ones. Only a test's workflows folder registers it
// (tests/e2e/short-tiers/workflows-dir.ts); production runs have no way to shorten a gate.
// Workflow code (Temporal's sandbox): no I/O, no Node built-ins.
import { workflowInfo } from '@temporalio/workflow';
import { DEFAULT_APPROVAL_TIERS, type GateTier } from '@baton/workflow-kit/workflow';
import type { ReservationInput, ReservationStatus } from '../../../workflows/reservation/src/definition.js';
import { reservationWorkflowWith } from '../../../workflows/reservation/src/workflow.js';

export function reservationWorkflow(input: ReservationInput): Promise<ReservationStatus> {
  const tiers = workflowInfo().memo?.['baton.test.approvalTiers'] as GateTier[] | undefined;
  return reservationWorkflowWith(tiers ?? DEFAULT_APPROVAL_TIERS)(input);
}
