// The looper's workflow: one loop, then the end state its outcome calls for.
import { agentLoop, runWorkflow } from '@baton/workflow-kit/workflow';
import { REFUND_GATE, looper, type LooperInput, type LooperStatus } from './definition.js';

export async function looperWorkflow(input: LooperInput): Promise<LooperStatus> {
  return runWorkflow(looper, { state: 'Working' }, input, async (run) => {
    run.enter('Working');
    const outcome = await agentLoop(
      run,
      {
        name: 'assist',
        purpose: 'looper-test',
        modelAgent: 'assistant',
        system: 'You help with orders.',
        prompt: input.prompt,
        tools: [
          {
            name: 'lookup_order',
            description: 'Looks an order up',
            parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
            agent: 'orders',
            input: (a) => ({ orderId: String(a.orderId) }),
            ...(input.inlineOrders ? { inline: true } : {}),
          },
          {
            name: 'fetch_file',
            description: 'Fetches a file (kept in the object store)',
            parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
            agent: 'files',
            input: (a) => ({ name: String(a.name) }),
          },
          {
            name: 'refund',
            description: 'Refunds an amount of an order, in cents',
            parameters: {
              type: 'object',
              properties: { orderId: { type: 'string' }, amountCents: { type: 'integer' } },
              required: ['orderId', 'amountCents'],
            },
            agent: 'payments',
            input: (a) => {
              if (!Number.isInteger(a.amountCents) || (a.amountCents as number) < 1)
                throw new Error('amountCents must be a whole number of cents, at least 1');
              return { orderId: String(a.orderId), amountCents: a.amountCents as number };
            },
            needsApproval: (a) => (a.amountCents as number) > 10_000,
          },
        ],
        limits: {
          ...(input.maxTurns !== undefined ? { maxTurns: input.maxTurns } : {}),
          ...(input.maxTokens !== undefined ? { maxTokens: input.maxTokens } : {}),
          ...(input.maxCostCents !== undefined
            ? { maxCostCents: input.maxCostCents, price: { inputPerMillion: 300, outputPerMillion: 1500 } }
            : {}),
        },
        approval: { gateType: REFUND_GATE, tiers: [{ role: 'manager', timeoutMs: 3600_000 }] },
        ...(input.inlineLimit !== undefined ? { inlineLimit: input.inlineLimit } : {}),
        ...(input.mcpTools ? { mcp: { agent: 'mcp', tools: input.mcpTools } } : {}),
        turnHandles: ['MODEL_NOT_CONFIGURED'],
      },
      (t) => (run.status.loop = t),
    );
    if (outcome.kind === 'answered') {
      run.status.answer = outcome.text;
      return run.end('Answered');
    }
    run.status.stopped = outcome.kind === 'failed' ? `${outcome.code}: ${outcome.detail}` : outcome.detail;
    return run.end('Stopped');
  });
}
