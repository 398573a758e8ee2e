// bill-reminder: tells the bill's owner it is due, through the messaging provider, once per
// reminder (the ledger, with the step's key as the provider's Idempotency-Key and a look-up by
// reference when an earlier attempt's outcome is unknown).
import { cancelReference, committedOf, defineAgent } from '@baton/agent';
import { billsAgents } from '../src/contracts.js';
import { billsAgentConfig } from '../src/agent-config.js';
import { euros } from '../src/rules.js';

const config = billsAgentConfig('bill-reminder');
const contract = billsAgents['bill-reminder'];

export default defineAgent(contract, {
  async handle({ bill, reminder, dueIn }, ctx) {
    const timeoutMs = config.BATON_BILLS_HTTP_TIMEOUT_MS;
    return ctx.effect(
      'send',
      (idempotencyKey) =>
        ctx.callExternal<{ messageId: string }>({
          system: 'messaging',
          method: 'POST',
          url: `${config.BATON_MESSAGING_URL}/messages`,
          body: {
            to: bill.owner.id,
            template: 'bill-reminder',
            body: `Hello ${bill.owner.name}, reminder ${reminder}: the ${bill.vendor} bill of ${euros(bill.amountCents, bill.currency)} is due in ${dueIn} (${bill.dueAt}).`,
          },
          idempotencyKey,
          timeoutMs,
        }),
      {
        schema: contract.output,
        reconcile: async (key) => {
          // Cancel what is still pending under our reference first: "not sent" is then final.
          const cancellation = await cancelReference(
            ctx,
            { system: 'messaging', baseUrl: config.BATON_MESSAGING_URL, timeoutMs },
            key,
            'pending',
          );
          const [sent] = committedOf<{ messageId: string }>(cancellation, 'messages');
          return sent ? { messageId: sent.messageId } : undefined;
        },
      },
    );
  },
});
