// Notifier: tells the customer what happened, through the messaging provider, once per step.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import type { NoticeKind, ReservationRequest } from '@baton/contracts';

export const NotifierConfig = z.object({
  BATON_MESSAGING_URL: z.url().default('http://127.0.0.1:8342'),
  BATON_MESSAGING_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function messageFor(kind: NoticeKind, request: ReservationRequest): string {
  const when = `${request.date} at ${request.time}`;
  switch (kind) {
    case 'confirmed':
      return `Hello ${request.customer.name}, your table for ${request.partySize} on ${when} is confirmed.`;
    case 'declined':
      return `Hello ${request.customer.name}, we are sorry: we cannot take your reservation for ${when}. Please call us.`;
    case 'expired':
      return `Hello ${request.customer.name}, we could not confirm your reservation for ${when} in time. Please call us.`;
    case 'cancelled':
      return `Hello ${request.customer.name}, we could not complete your reservation for ${when}; any deposit has been refunded. Please call us.`;
  }
}

export function notifierAgent(config: z.output<typeof NotifierConfig>) {
  return defineAgent({
    name: 'notifier',
    async handle({ request, kind }, ctx) {
      return ctx.effect('send', (idempotencyKey) =>
        ctx.callExternal<{ messageId: string }>({
          system: 'messaging',
          method: 'POST',
          url: `${config.BATON_MESSAGING_URL}/messages`,
          body: { to: request.customer.id, template: `reservation-${kind}`, body: messageFor(kind, request) },
          idempotencyKey,
          timeoutMs: config.BATON_MESSAGING_TIMEOUT_MS,
        }),
      );
    },
  });
}
