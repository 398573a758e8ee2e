// digest-send: sends the day's digest through the messaging provider once. The step's key is the
// day's digest workflow and this step, so the ledger (and the provider's Idempotency-Key) make
// one message per schedule and day, whatever retries or firings happen; an earlier attempt whose
// outcome is unknown is looked up by reference.
import { cancelReference, committedOf, defineAgent } from '@baton/agent';
import { digestAgents } from '../src/contracts.js';
import { digestAgentConfig } from '../src/agent-config.js';

const config = digestAgentConfig('digest-send');
const contract = digestAgents['digest-send'];

export default defineAgent(contract, {
  async handle({ recipient, text }, ctx) {
    const timeoutMs = config.BATON_DIGEST_HTTP_TIMEOUT_MS;
    return ctx.effect(
      'send',
      (idempotencyKey) =>
        ctx.callExternal<{ messageId: string }>({
          system: 'messaging',
          method: 'POST',
          url: `${config.BATON_MESSAGING_URL}/messages`,
          body: { to: recipient, template: 'daily-digest', body: text },
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
