// A messaging provider (SMS and mail), simulated: it records every message it was asked to send.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export interface Message {
  messageId: string;
  to: string;
  template: string;
  body: string;
  idempotencyKey: string;
  sentAt: string;
}

export function registerMessaging(sim: SimulatorContext): void {
  sim.write('POST', '/messages', z.object({ to: z.string().min(1), template: z.string().min(1), body: z.string().min(1).max(2000) }), async (body, req, effect) => {
    const message: Message = { messageId: effect.id, ...body, idempotencyKey: String(req.headers['idempotency-key']), sentAt: new Date().toISOString() };
    // Sent once per effect id, even if the answer to the first attempt was lost.
    await sim.store.create(`messages.${message.messageId}`, message);
    return { status: 201, body: { messageId: message.messageId } };
  });
  sim.app.get('/messages', async () => sim.store.list<Message>('messages'));
}
