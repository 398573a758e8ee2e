// Notifier: tells the customer what happened, through the messaging provider, once per step.
// The provider may send a message after its answer or after we gave up: an attempt whose outcome
// is unknown cancels what is pending under its reference before it sends again
// (cancel-before-create, @baton/agent late-commits.ts).
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent, keepOne } from '@baton/agent';
import {
  reservationAgents,
  type CustomerRef,
  type NoticeKind,
  type ReservationRequest,
} from '@baton/workflow-reservation/contracts';

export const NotifierConfig = z.object({
  BATON_MESSAGING_URL: z.url().default('http://127.0.0.1:8342'),
  BATON_MESSAGING_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

/** The message text. Without a request (intake could not read one) it speaks of "your request". */
export function messageFor(
  kind: NoticeKind,
  customer: CustomerRef,
  request?: ReservationRequest,
  reason?: string,
): string {
  const hello = `Hello ${customer.name}`;
  const when = request ? `${request.date} at ${request.time}` : undefined;
  switch (kind) {
    case 'confirmed':
      return `${hello}, your table for ${request?.partySize ?? ''} on ${when ?? 'the day you asked for'} is confirmed.`;
    case 'declined':
      return `${hello}, we are sorry: we cannot take your reservation${when ? ` for ${when}` : ''}. Please call us.`;
    case 'refused':
      return `${hello}, we cannot take your reservation${when ? ` for ${when}` : ''}: ${reason ?? 'it does not meet our booking rules'}. Please call us.`;
    case 'expired':
      return `${hello}, we could not confirm your reservation${when ? ` for ${when}` : ''} in time. Please call us.`;
    case 'cancelled':
      // Only what the records support: a refund still pending is said as such (`reason`).
      return `${hello}, we could not complete your reservation${when ? ` for ${when}` : ''}; ${reason ?? 'any deposit has been refunded'}. Please call us.`;
    case 'unreadable':
      return `${hello}, we could not understand your reservation request (the day, the time or how many guests). Please call us or write again.`;
  }
}

export function notifierAgent(config: z.output<typeof NotifierConfig>) {
  return defineAgent(reservationAgents.notifier, {
    async handle({ customer, request, kind, reason }, ctx) {
      return ctx.effect(
        'send',
        (idempotencyKey) =>
          ctx.callExternal<{ messageId: string }>({
            system: 'messaging',
            method: 'POST',
            url: `${config.BATON_MESSAGING_URL}/messages`,
            body: {
              to: customer.id,
              template: `reservation-${kind}`,
              body: messageFor(kind, customer, request, reason),
            },
            idempotencyKey,
            timeoutMs: config.BATON_MESSAGING_TIMEOUT_MS,
          }),
        {
          schema: reservationAgents.notifier.output,
          // An earlier attempt's outcome is unknown: a message still in flight is refused from now
          // on, and what was sent under our reference is final. A message cannot be unsent: two
          // found raise the alarm.
          reconcile: async (key) => {
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
            const sent = await keepOne(
              ctx,
              { agent: 'notifier', effect: 'send', reference: key },
              committedOf<{ messageId: string }>(cancellation, 'messages'),
              async () => undefined,
            );
            return sent ? { messageId: sent.messageId } : undefined;
          },
        },
      );
    },
  });
}
