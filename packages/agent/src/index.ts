export { defineAgent, type AgentDefinition, type AgentContext } from './define.js';
export { runAgent, type AgentRuntimeOptions } from './runtime.js';
export { serveAgent } from './service.js';
export { AgentError, ExternalSystemError } from './errors.js';
export { EffectLedger, type LedgerRecord } from './ledger.js';
export { callExternal, type ExternalCall } from './http.js';
export { BreakerRegistry, DEFAULT_BREAKER, type BreakerOptions, type BreakerStateName } from './breaker.js';
