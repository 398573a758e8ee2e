// The looper's agents: the model turns, an order lookup and a refund.
import { z } from 'zod';
import { defineAgentContract, modelTurnContract } from '@baton/contracts';

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
};
export type LooperAgents = typeof looperAgents;
