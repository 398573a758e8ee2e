// bill-check: what the accounting system says of the bill (paid?) and what the payment provider
// says of the account it is paid from (the balance). Reads only: nothing to record in the ledger.
import { AgentError, defineAgent } from '@baton/agent';
import { billsAgents } from '../src/contracts.js';
import { billsAgentConfig } from '../src/agent-config.js';

const config = billsAgentConfig('bill-check');

export default defineAgent(billsAgents['bill-check'], {
  async handle({ bill }, ctx) {
    const timeoutMs = config.BATON_BILLS_HTTP_TIMEOUT_MS;
    const booked = await ctx.callExternal<{ status: 'open' | 'paid'; paidAt?: string }>({
      system: 'accounting',
      method: 'GET',
      url: `${config.BATON_ACCOUNTING_URL}/bills/${encodeURIComponent(bill.billId)}`,
      timeoutMs,
    });
    let balanceCents: number | null = null;
    try {
      balanceCents = (
        await ctx.callExternal<{ balanceCents: number }>({
          system: 'payment',
          method: 'GET',
          url: `${config.BATON_PAYMENT_URL}/accounts/${encodeURIComponent(bill.account)}`,
          timeoutMs,
        })
      ).balanceCents;
    } catch (err) {
      // An account the provider does not know has no balance to compare; anything else is retried.
      if (!(err instanceof AgentError) || err.code !== 'NO_SUCH_ACCOUNT') throw err;
    }
    return { paid: booked.status === 'paid', ...(booked.paidAt ? { paidAt: booked.paidAt } : {}), balanceCents };
  },
});
