// The looper's agents: the model turns, an order lookup, a refund, a file kept in the object store,
// and the MCP tools' agent.
import { z } from 'zod';
import { ArtifactRef, defineAgentContract, mcpToolContract, modelTurnContract } from '@baton/contracts';

export const looperAgents = {
  assistant: modelTurnContract('assistant'),
  orders: defineAgentContract('orders', {
    input: z.object({ orderId: z.string().min(1) }),
    output: z.object({ orderId: z.string(), totalCents: z.number().int(), notes: z.string() }),
  }),
  payments: defineAgentContract('payments', {
    input: z.object({ orderId: z.string().min(1), amountCents: z.number().int().min(1) }),
    output: z.object({ refundId: z.string(), amountCents: z.number().int() }),
  }),
  files: defineAgentContract('files', { input: z.object({ name: z.string().min(1) }), output: ArtifactRef }),
  mcp: mcpToolContract('mcp'),
};
export type LooperAgents = typeof looperAgents;
