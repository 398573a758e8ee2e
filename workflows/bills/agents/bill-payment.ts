// bill-payment: pays the bill now, on a person's word at the missed-payment gate: the payment is
// recorded in the accounting system once (the ledger; the step's key is the Idempotency-Key, and
// the bill itself says whether an earlier attempt paid it).
import { defineAgent } from '@baton/agent';
import { billsAgents } from '../src/contracts.js';
import { billsAgentConfig } from '../src/agent-config.js';

const config = billsAgentConfig('bill-payment');
const contract = billsAgents['bill-payment'];

export default defineAgent(contract, {
  async handle({ bill }, ctx) {
    const timeoutMs = config.BATON_BILLS_HTTP_TIMEOUT_MS;
    const url = `${config.BATON_ACCOUNTING_URL}/bills/${encodeURIComponent(bill.billId)}`;
    return ctx.effect(
      'pay',
      (idempotencyKey) =>
        ctx.callExternal<{ paidAt: string; paymentReference: string }>({
          system: 'accounting',
          method: 'POST',
          url: `${url}/payments`,
          body: {},
          idempotencyKey,
          timeoutMs,
        }),
      {
        schema: contract.output,
        reconcile: async () => {
          const current = await ctx.callExternal<{ status: string; paidAt?: string; paymentReference?: string }>({
            system: 'accounting',
            method: 'GET',
            url,
            timeoutMs,
          });
          return current.status === 'paid' && current.paidAt && current.paymentReference
            ? { paidAt: current.paidAt, paymentReference: current.paymentReference }
            : undefined;
        },
      },
    );
  },
});
