// The context an agent's handler gets when a baseline chain (or a report) calls it in this process,
// with no Baton around it: no ledger (an effect simply runs), no breaker (a call simply goes out),
// one attempt, the offline capabilities it is given (rule-based paths, an in-memory artifact store).
import { trace } from '@opentelemetry/api';
import { callExternal, type AgentContext, type offlineCapabilities } from '@baton/agent';
import type { Logger } from '@baton/telemetry';

export interface ChainContextOptions {
  workflowId: string;
  stepId: string;
  logger: Logger;
  /** The tracer name its step spans are made with. */
  tracer: string;
  capabilities: ReturnType<typeof offlineCapabilities>;
  /** How an external call goes out (default: straight out, no breaker). */
  callExternal?: AgentContext['callExternal'];
}

export function chainContext(options: ChainContextOptions): AgentContext {
  const { workflowId, stepId, logger } = options;
  return {
    workflowId,
    stepId,
    attempt: 1,
    idempotencyKey: `${workflowId}/${stepId}`,
    signal: AbortSignal.timeout(30_000),
    logger,
    span: trace.getTracer(options.tracer).startSpan(stepId),
    effect: (name, fn) => fn(`${workflowId}/${stepId}/${name}`),
    callExternal: options.callExternal ?? ((call) => callExternal(call)),
    ...options.capabilities,
  };
}
