// Ticket log: records the interaction (what was found and done, and by whom) on the ticket in the
// ticketing system, once per step whatever happens to the task (ledger + idempotency key).
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent } from '@baton/agent';
import { supportAgents } from '@baton/workflow-support/contracts';

export const TicketingAgentConfig = z.object({
  BATON_TICKETING_URL: z.url().default('http://127.0.0.1:8347'),
  BATON_TICKETING_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function ticketingAgent(config: z.output<typeof TicketingAgentConfig>) {
  return defineAgent(supportAgents['ticket-log'], {
    async handle({ ticketId, customerId, kind, summary, handledBy }, ctx) {
      return ctx.effect(
        'log',
        (idempotencyKey) =>
          ctx.callExternal<{ entryId: string }>({
            system: 'ticketing',
            method: 'POST',
            url: `${config.BATON_TICKETING_URL}/tickets/${encodeURIComponent(ticketId)}/entries`,
            body: { kind, summary, handledBy, customerId, workflowId: ctx.workflowId },
            idempotencyKey,
            timeoutMs: config.BATON_TICKETING_TIMEOUT_MS,
          }),
        {
          schema: supportAgents['ticket-log'].output,
          // An earlier attempt's outcome is unknown: is there an entry under our reference?
          reconcile: async (key) => {
            // Cancel what is still pending under our reference first: "not written" is then final.
            const cancellation = await cancelReference(
              ctx,
              {
                system: 'ticketing',
                baseUrl: config.BATON_TICKETING_URL,
                timeoutMs: config.BATON_TICKETING_TIMEOUT_MS,
              },
              key,
              'pending',
            );
            const [entry] = committedOf<{ entryId: string }>(cancellation, 'entries');
            return entry ? { entryId: entry.entryId } : undefined;
          },
        },
      );
    },
  });
}
