// The workflow kit's platform half (Node side): what the orchestrator, the gateway, the console,
// the test kit, the demo and the repository's own tests use beyond a workflow author's surface
// (the activities, the registry's internals, history fixtures, schedules, API documents, search
// attribute keys). `@baton/workflow-kit/internal`; workflow folders import `@baton/workflow-kit`.
export * from './index.js';
export {
  BatonState,
  BatonWorkflowType,
  BatonStateSince,
  BatonStuck,
  TemporalChangeVersion,
  BatonCustomer,
} from './definitions.js';
export {
  DEFAULT_APPROVAL_TIMEOUT_MS,
  DEFAULT_TRUST_THRESHOLD,
  SOURCE_MEMO_KEY,
  gateNoticeTypes,
  ATTENTION_GATE_TYPE,
  type WorkflowStuckNotice,
  type CorrectionRecord,
} from './definitions.js';
export { createHandoffActivities, type HandoffActivities, type CallAgentRequest } from './activities/handoff.js';
export {
  createGateActivities,
  type GateActivities,
  type TrustRecord,
  type TrustStatus,
  type AuditRecordInput,
} from './activities/gates.js';
export { canonicalJson, gateDigest, parseDecision } from './workflows/gate.js';
export { startedWithPatches } from './workflows/patches.js';
export type { BatonSinks } from './sinks.js';
export type { AgentStepInput } from './workflows/agent-step.js';
export { RegistrationError, DEFAULT_WORKFLOWS_DIR, GENERATED_DIR, type ReplayTarget } from './registry.js';
export { bundleFromSources, SOURCE_CONDITION } from './bundling.js';
export { HistoryFixture, fixtureName, loadHistoryFixtures, type LoadedFixture } from './histories.js';
export { ensureSchedule, setScheduleTime, describeSchedule } from './schedules.js';
export {
  apiDocuments,
  asyncApiDocument,
  openApiDocument,
  referencePage,
  apiDocumentPath,
  API_DIR,
} from './api-documents.js';
