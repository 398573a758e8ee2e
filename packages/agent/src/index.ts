export { defineAgent, type AgentDefinition, type AgentContext, type EffectCallOptions } from './define.js';
export { runAgent, type AgentRuntimeOptions } from './runtime.js';
export { serveAgent, type AgentFactory } from './service.js';
export { serveAgentModule, AgentModuleError } from './serve-module.js';
export { AgentError, ExternalSystemError } from './errors.js';
export {
  EffectLedger,
  EffectInProgressError,
  EffectClaimLostError,
  EffectOutcomeUnknownError,
  EffectReconcileError,
  EffectOutputInvalidError,
  DEFAULT_CLAIM_TTL_MS,
  defaultClassify,
  type LedgerRecord,
  type LedgerEntry,
  type EffectOptions,
  type OnceResult,
} from './ledger.js';
export { callExternal, type ExternalCall } from './http.js';
export {
  ModelChain,
  InvalidModelOutputError,
  type AgentModel,
  type StructuredRequest,
  type ModelBindings,
  type BreakerRun,
} from './models/chain.js';
export {
  loadModelConfig,
  providerVariable,
  type ModelConfig,
  type ModelProviderConfig,
  type ProviderKind,
} from './models/config.js';
export { createProvider, type ModelProvider } from './models/providers.js';
export { playTurn, defineModelTurnAgent, toModelMessages, withPages, type TurnRules } from './models/turn.js';
export { defineMcpToolAgent, describeTools, checkArguments } from './tools/loop-tools.js';
export { ModelBudget, ModelBudgetExceededError, type BudgetLimits } from './models/budget.js';
export {
  ToolGateway,
  ToolNotAllowedError,
  type AgentTools,
  type ToolInfo,
  type ToolGatewayOptions,
} from './tools/gateway.js';
export { loadToolConfig, type ToolConfig } from './tools/config.js';
export { ArtifactStore, type AgentArtifacts, type PutArtifact } from './artifacts.js';
export { BreakerRegistry, DEFAULT_BREAKER, type BreakerOptions, type BreakerStateName } from './breaker.js';
export { offlineCapabilities } from './offline.js';
export { cancelReference, committedOf, keepOne, type Cancellation, type ReferenceSystem } from './late-commits.js';
