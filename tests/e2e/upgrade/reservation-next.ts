// Version N+1 of the reservation, for the in-flight upgrade test only: the orchestrator runs it
// instead of workflows/reservation/src/workflow.ts when its BATON_WORKFLOWS_DIR is the folder
// tests/e2e/upgrade/workflows-dir.ts writes (the reservation registered with this module). It is
// today's reservation with one step added first (the request's text handed to the echo agent), behind a
// patch, exactly as a team would add it: a run that had passed this point under version N
// replays without the marker and keeps the old path; a run that starts on N+1 takes the step.
// Workflow code (Temporal's sandbox): no I/O, no zod, no Node built-ins.
import { callAgent, definePatches } from '@baton/workflow-kit/workflow';
import type { SampleAgents } from '../../../workflows/samples/src/contracts.js';
import type { ReservationInput, ReservationStatus } from '../../../workflows/reservation/src/definition.js';
import { reservationWorkflow as versionN } from '../../../workflows/reservation/src/workflow.js';

/** What workflows/reservation/src/patches.ts would list in version N+1. */
export const patches = definePatches('reservation', {
  'echo-first': { stage: 'active', since: '2026-12-01', why: 'the upgrade test: one step added before intake' },
});

export const ECHO_FIRST_STEP = 'echo-first';

export async function reservationWorkflow(input: ReservationInput): Promise<ReservationStatus> {
  if (patches.has('echo-first'))
    await callAgent<SampleAgents, 'echo'>('echo', ECHO_FIRST_STEP, { text: input.event.data.text });
  return versionN(input);
}
