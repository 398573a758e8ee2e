// defineAgent: an agent is its contract (declared in the folder of the workflow that uses it), a
// handler, and optionally a compensation. Input and output types come from the contract; the
// runtime validates both.
import type { Span } from '@opentelemetry/api';
import type {
  AgentContract,
  CompensationOutput,
  CompensationParsedInput,
  ContractOutput,
  ContractParsedInput,
  HasCompensation,
} from '@baton/contracts';
import type { z } from 'zod';
import type { Logger } from '@baton/telemetry';
import type { EffectOptions } from './ledger.js';
import type { ExternalCall } from './http.js';
import type { AgentModel } from './models/chain.js';
import type { AgentTools } from './tools/gateway.js';
import type { AgentArtifacts } from './artifacts.js';

export interface AgentContext {
  workflowId: string;
  stepId: string;
  attempt: number;
  /** `workflowId/stepId`: the same for every attempt and redelivery of this step. */
  idempotencyKey: string;
  /** Aborts when Temporal's deadline for this attempt passes. */
  signal: AbortSignal;
  logger: Logger;
  span: Span;
  /**
   * Runs an effect that must not repeat (a charge, a booking, a message). Claimed in the ledger
   * under `idempotencyKey/name` before the call and recorded after it; the key is also handed to
   * fn for the external system. When the outcome of an earlier attempt is unknown (it died
   * mid-call, or the call timed out), `reconcile` asks the external system; without it (and
   * without `retrySafe`) the step fails with EFFECT_OUTCOME_UNKNOWN and goes to a person.
   */
  effect<T>(name: string, fn: (idempotencyKey: string) => Promise<T>, options?: EffectCallOptions<T>): Promise<T>;
  /**
   * Calls an external system over HTTP through its circuit breaker, with the attempt's deadline
   * as an upper bound on the call's own timeout.
   */
  callExternal<T>(call: Omit<ExternalCall, 'signal'>): Promise<T>;
  /** Structured output from the configured model chain, validated by the schema you pass; your rules serve last. */
  model: AgentModel;
  /** Tools over MCP, limited to this agent's allow-list (BATON_TOOLS_ALLOW); a refused call is audited. */
  tools: AgentTools;
  /** Large artifacts by reference: put returns a small ArtifactRef to return in the output. */
  artifacts: AgentArtifacts;
}

export interface EffectCallOptions<T>
  extends Pick<EffectOptions<T>, 'reconcile' | 'retrySafe' | 'classify' | 'claimTtlMs'> {
  /** Checked before the result enters the ledger (e.g. the contract's output schema). */
  schema?: z.ZodType<T>;
}

export interface AgentHandlers<C extends AgentContract> {
  handle(input: ContractParsedInput<C>, ctx: AgentContext): Promise<ContractOutput<C>>;
  compensate?: HasCompensation<C> extends true
    ? (input: CompensationParsedInput<C>, ctx: AgentContext) => Promise<CompensationOutput<C>>
    : never;
}

export interface AgentDefinition<C extends AgentContract = AgentContract> extends AgentHandlers<C> {
  name: C['name'];
  contract: C;
}

export function defineAgent<C extends AgentContract>(contract: C, handlers: AgentHandlers<C>): AgentDefinition<C> {
  return { name: contract.name, contract, ...handlers };
}
