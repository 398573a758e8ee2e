// What workflow code imports from the kit (`@baton/workflow-kit/workflow`): pure, deterministic,
// no zod and no Node built-ins, so it can run in Temporal's workflow sandbox.
export * from './definitions.js';
export {
  runWorkflow,
  WorkflowRun,
  type RunOf,
  StepAbandonedError,
  failureCode,
  failureDetails,
  type WorkflowDefinition,
  type RunOptions,
  type StepOptions,
  type GateRequest,
  type GateTeaches,
} from './workflows/run.js';
export { callAgent, DEFAULT_STEP_POLICY, NON_RETRYABLE_CODES, type StepPolicy } from './workflows/call-agent.js';
export {
  HumanGate,
  GateRefusedError,
  canonicalJson,
  gateDigest,
  parseDecision,
  type GateOutcome,
  type GateSpec,
  type GateEvent,
} from './workflows/gate.js';
export { Saga, type CompensationFailure } from './workflows/saga.js';
export { causeChain, causeOf } from './workflows/causes.js';
export {
  definePatches,
  kitPatches,
  startedWithPatches,
  Patches,
  type PatchEntry,
  type PatchStage,
  type PatchTable,
} from './workflows/patches.js';
export {
  agentLoop,
  AgentLoop,
  READ_RESULT_TOOL,
  DEFAULT_INLINE_LIMIT,
  type AgentLoopSpec,
  type LoopTool,
  type LoopLimits,
  type LoopLimit,
  type LoopOutcome,
  type LoopTranscript,
  type TranscriptEntry,
  type ToolApprovalPayload,
} from './workflows/loop.js';
