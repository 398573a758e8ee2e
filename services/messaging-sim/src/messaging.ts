// A messaging provider (SMS and mail), simulated: it records every message it was asked to send,
// once per Idempotency-Key (idempotency "on") or once per request ("off"). It also plays a chat's
// incoming webhooks (POST /chat/<room> with the JSON `{ "text" }` Slack and Teams accept), kept
// as messages to `chat:<room>` with the template `chat`.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export interface Message {
  messageId: string;
  to: string;
  template: string;
  body: string;
  idempotencyKey: string | null;
  /** The client's reference (body `reference`, else the Idempotency-Key): GET /messages?reference=. */
  reference: string | null;
  sentAt: string;
}

export function registerMessaging(sim: SimulatorContext): void {
  sim.write(
    'POST',
    '/messages',
    z.object({ to: z.string().min(1), template: z.string().min(1), body: z.string().min(1).max(2000) }),
    async (body, _req, effect) => {
      const message: Message = {
        messageId: effect.id,
        ...body,
        idempotencyKey: effect.idempotencyKey,
        reference: effect.reference,
        sentAt: new Date().toISOString(),
      };
      // Sent once per effect id, even if the answer to the first attempt was lost.
      await sim.store.create(`messages.${message.messageId}`, message);
      return { status: 201, body: { messageId: message.messageId } };
    },
  );
  sim.write('POST', '/chat/:room', z.object({ text: z.string().min(1).max(4000) }), async (body, req, effect) => {
    const { room } = req.params as { room: string };
    const message: Message = {
      messageId: effect.id,
      to: `chat:${room}`,
      template: 'chat',
      body: body.text,
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
      sentAt: new Date().toISOString(),
    };
    await sim.store.create(`messages.${message.messageId}`, message);
    return { status: 200, body: { ok: true } };
  });
  sim.lookup('/messages', 'messages', ['reference', 'idempotencyKey', 'to', 'template']);
}
