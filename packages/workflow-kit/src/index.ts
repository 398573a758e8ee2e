// The workflow kit's surface for a workflow author (Node side): registering a workflow
// (defineWorkflow, its routes and view), the shapes of its status, gates and decisions, the one
// status query and the decide/resolve updates, and what its tests read. Workflow code imports
// `@baton/workflow-kit/workflow` (the sandbox-safe half); the platform's services and the test kit
// import `@baton/workflow-kit/internal` (this, and the rest).
export {
  AWAITING_DECISION,
  NEEDS_ATTENTION,
  APPROVAL_OPTIONS,
  ATTENTION_OPTIONS,
  DEFAULT_APPROVAL_TIERS,
  DEFAULT_ATTENTION_TIERS,
  statusQuery,
  decideUpdate,
  resolveUpdate,
} from './definitions.js';
export type {
  KitState,
  StepRecord,
  GateTier,
  ApprovalOption,
  AttentionOption,
  WorkflowOption,
  GateOption,
  GatePolicy,
  GateView,
  Decision,
  DecisionInput,
  AttentionPayload,
  Resolution,
  ResolutionInput,
  Attention,
  WorkflowStatus,
  GateNotice,
} from './definitions.js';
export { GateRefusedError } from './workflows/gate.js';
export { causeChain, causeOf } from './workflows/causes.js';
export type { WorkflowDefinition, RunOptions, GateTeaches } from './workflows/run.js';
export type { StepPolicy } from './workflows/call-agent.js';
export {
  Registry,
  defineWorkflow,
  isUpcastRoute,
  type WorkflowRegistration,
  type EventRoute,
  type UpcastEventRoute,
  type AnyEventRoute,
  type SignalRoute,
  type ScheduleDeclaration,
  type WorkflowView,
  type ChangeField,
  type ContextRow,
} from './registry.js';
export { sourceModule } from './bundling.js';
export { pathOf } from './histories.js';
export { parseTimeOfDay } from './schedules.js';
