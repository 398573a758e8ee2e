// A small workflow around one tool-using loop, for the kit's loop tests: an assistant that may
// look an order up and refund it (a refund above 100.00 EUR needs a person's approval).
import type {
  KitState,
  GateView,
  LoopTranscript,
  RunOptions,
  WorkflowDefinition,
  WorkflowStatus,
} from '@baton/workflow-kit/workflow';
import type { LooperAgents } from './contracts.js';

export const LooperStates = ['Working', 'Answered', 'Stopped'] as const;
export type LooperState = (typeof LooperStates)[number];
export const REFUND_GATE = 'looper.refund';

export interface LooperStatus extends WorkflowStatus<LooperState> {
  state: LooperState | KitState;
  gate?: GateView;
  previousGates?: GateView[];
  loop?: LoopTranscript;
  answer?: string;
  stopped?: string;
}

export interface LooperInput extends RunOptions<LooperState> {
  prompt: string;
  maxTurns?: number;
  maxTokens?: number;
  maxCostCents?: number;
  inlineLimit?: number;
  /** The order lookup's results come inline (large ones paged from the loop), not by reference. */
  inlineOrders?: boolean;
  /** Allow-listed MCP tools the model may call too (run by the agent `mcp`). */
  mcpTools?: string[];
}

export const looper: WorkflowDefinition<LooperState, LooperAgents, LooperStatus> = {
  type: 'looper',
  states: LooperStates,
  terminal: ['Answered', 'Stopped'],
  limitsMs: {},
  gateTypes: { [REFUND_GATE]: { autoApprove: false, title: 'A refund above 100.00 EUR the assistant wants to make' } },
};
