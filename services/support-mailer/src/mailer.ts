// Support mailer: the confirmation email to the customer through the messaging provider, sent
// once per step whatever happens to the task (ledger + idempotency key, reconciled by reference).
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent } from '@baton/agent';
import { supportAgents } from '@baton/workflow-support/contracts';

export const MailerConfig = z.object({
  BATON_MESSAGING_URL: z.url().default('http://127.0.0.1:8342'),
  BATON_MESSAGING_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

const OPENINGS = {
  resolved: 'your ticket is resolved.',
  answered: 'here is the answer to your question.',
  declined: 'we looked at your ticket carefully.',
  'not-resolved': 'we could not complete the resolution we started.',
  expired: 'your ticket needs a little more time.',
} as const;

export function supportMailer(config: z.output<typeof MailerConfig>) {
  return defineAgent(supportAgents['support-mailer'], {
    async handle({ to, name, ticketId, kind, text }, ctx) {
      const body = `Hello${name ? ` ${name}` : ''}, ${OPENINGS[kind]} ${text} (ticket ${ticketId})`.slice(0, 2000);
      return ctx.effect(
        'email',
        (idempotencyKey) =>
          ctx.callExternal<{ messageId: string }>({
            system: 'messaging',
            method: 'POST',
            url: `${config.BATON_MESSAGING_URL}/messages`,
            body: { to, template: `support-${kind}`, body },
            idempotencyKey,
            timeoutMs: config.BATON_MESSAGING_TIMEOUT_MS,
          }),
        {
          schema: supportAgents['support-mailer'].output,
          reconcile: async (key) => {
            // Cancel what is still pending under our reference first: "not sent" is then final.
            const cancellation = await cancelReference(
              ctx,
              {
                system: 'messaging',
                baseUrl: config.BATON_MESSAGING_URL,
                timeoutMs: config.BATON_MESSAGING_TIMEOUT_MS,
              },
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
}
