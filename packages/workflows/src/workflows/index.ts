// Entry point the Temporal worker bundles: every workflow Baton runs.
export { reservationWorkflow } from './reservation.js';
export { benchChainWorkflow } from './bench.js';
export { agentStepWorkflow } from './agent-step.js';
