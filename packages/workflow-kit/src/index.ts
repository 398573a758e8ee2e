// The workflow kit's public surface for workers, gateways and clients (Node side). Workflow code
// imports `@baton/workflow-kit/workflow` instead: the pure half, safe in the sandbox.
export * from './definitions.js';
export { createHandoffActivities, type HandoffActivities, type CallAgentRequest } from './activities/handoff.js';
export { createGateActivities, type GateActivities, type TrustRecord, type TrustStatus, type AuditRecordInput } from './activities/gates.js';
export { canonicalJson, gateDigest, parseDecision, GateRefusedError } from './workflows/gate.js';
export { startedWithPatches } from './workflows/patches.js';
export type { WorkflowDefinition, RunOptions, GateTeaches } from './workflows/run.js';
export type { StepPolicy } from './workflows/call-agent.js';
export type { BatonSinks } from './sinks.js';
export type { AgentStepInput } from './workflows/agent-step.js';
export { Registry, RegistrationError, defineWorkflow, DEFAULT_WORKFLOWS_DIR, GENERATED_DIR, type WorkflowRegistration, type EventRoute, type UpcastEventRoute, type AnyEventRoute, isUpcastRoute, type ReplayTarget, type SignalRoute, type ScheduleDeclaration, type WorkflowView, type ChangeField, type ContextRow } from './registry.js';
export { bundleFromSources, sourceModule, SOURCE_CONDITION } from './bundling.js';
export { HistoryFixture, pathOf, fixtureName, loadHistoryFixtures, type LoadedFixture } from './histories.js';
export { ensureSchedule, setScheduleTime, parseTimeOfDay, describeSchedule } from './schedules.js';
export { apiDocuments, asyncApiDocument, openApiDocument, referencePage, apiDocumentPath, API_DIR } from './api-documents.js';
