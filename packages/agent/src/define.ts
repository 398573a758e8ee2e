// defineAgent: an agent is a name from the contracts table, a handler, and optionally a
// compensation. Input and output types come from the contracts; the runtime validates both.
import type { Span } from '@opentelemetry/api';
import type { AgentName, AgentOutput, AgentParsedInput, CompensableAgent, CompensationOutput, CompensationParsedInput } from '@baton/contracts';
import type { Logger } from '@baton/telemetry';
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
   * Runs an effect that must not repeat (a charge, a booking, a message). Recorded in the ledger
   * under `idempotencyKey/name`; the key is also handed to fn for the external system.
   */
  effect<T>(name: string, fn: (idempotencyKey: string) => Promise<T>): Promise<T>;
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

export interface AgentDefinition<A extends AgentName> {
  name: A;
  handle(input: AgentParsedInput<A>, ctx: AgentContext): Promise<AgentOutput<A>>;
  compensate?: A extends CompensableAgent ? (input: CompensationParsedInput<A>, ctx: AgentContext) => Promise<CompensationOutput<A>> : never;
}

export function defineAgent<A extends AgentName>(definition: AgentDefinition<A>): AgentDefinition<A> {
  return definition;
}
