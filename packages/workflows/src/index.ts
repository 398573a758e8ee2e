// Public surface for workers and clients. Workflow code itself is reached through `workflowsPath`.
import { fileURLToPath } from 'node:url';

export * from './definitions.js';
export { createHandoffActivities, type HandoffActivities, type CallAgentRequest } from './activities/handoff.js';
export { createGateActivities, type GateActivities, type TrustRecord, type TrustStatus, type AuditRecordInput } from './activities/gates.js';
export { canonicalJson, gateDigest } from './workflows/gate.js';
export type { ReservationInput } from './workflows/reservation.js';
export type { BatonSinks } from './sinks.js';
export type { AgentStepInput } from './workflows/agent-step.js';

/** The module the worker bundles as workflow code. */
export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
