// An accounting system, simulated: bills with due dates, and their payments. Like a real one it
// tells other systems what happened through a webhook: `bill.received.v1` when a bill is entered,
// `bill.paid.v1` when it is paid. Events go through an outbox in the record store (written in the
// same write as the bill) and a delivery loop that retries until the webhook accepts them, so a
// gateway that is down delays an event and never loses it; the event id is fixed per bill, so a
// repeated delivery is a duplicate the gateway recognises.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export interface Bill {
  billId: string;
  vendor: string;
  amountCents: number;
  currency: string;
  dueAt: string;
  /** The payment account the bill is paid from (the payment provider's account id). */
  account: string;
  /** Who is reminded, and who decides when a payment is at risk. */
  owner: { id: string; name: string };
  status: 'open' | 'paid';
  paidAt?: string;
  /** The reference of the payment request that paid it (its Idempotency-Key). */
  paymentReference?: string;
  idempotencyKey: string | null;
  reference: string | null;
  createdAt: string;
}

interface OutboxEntry {
  event: Record<string, unknown>;
  delivered: boolean;
  attempts: number;
  /** The webhook's HTTP status once delivered. */
  answer?: number;
}

const NewBill = z.object({
  vendor: z.string().min(1).max(200),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3).default('EUR'),
  dueAt: z.iso.datetime({ offset: true }),
  account: z.string().min(1).max(100),
  owner: z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) }),
});

export interface WebhookOptions {
  webhookUrl: string;
  timeoutMs: number;
  /** The webhook source this system signs as, and its secret (docs/secure.md: signed publishers). */
  source: string;
  secret: string;
  /** How often undelivered events are retried. */
  retryEveryMs?: number;
}

export function registerAccounting(sim: SimulatorContext, webhook: WebhookOptions): void {
  const envelope = (type: string, key: string, data: Record<string, unknown>) => ({
    id: `accounting-${key}`,
    source: 'urn:baton:sim:accounting',
    specversion: '1.0',
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: key,
    data,
  });
  const eventData = (bill: Bill) => ({
    billId: bill.billId,
    vendor: bill.vendor,
    amountCents: bill.amountCents,
    currency: bill.currency,
    dueAt: bill.dueAt,
    account: bill.account,
    owner: bill.owner,
  });

  sim.write('POST', '/bills', NewBill, async (body, _req, effect) => {
    const billId = `bill-${effect.id.slice(0, 16)}`;
    const bill: Bill = {
      billId,
      ...body,
      status: 'open',
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
      createdAt: new Date().toISOString(),
    };
    if (await sim.store.create(`bills.${billId}`, bill)) {
      await sim.store.put(`outbox.${billId}.received`, {
        event: envelope('bill.received.v1', billId, eventData(bill)),
        delivered: false,
        attempts: 0,
      } satisfies OutboxEntry);
    }
    return { status: 201, body: { billId } };
  });

  sim.write('POST', '/bills/:billId/payments', z.object({}), async (_body, req, effect) => {
    const { billId } = req.params as { billId: string };
    const bill = await sim.store.get<Bill>(`bills.${billId}`);
    if (!bill) return { status: 404, body: { code: 'NO_SUCH_BILL', message: `bill ${billId} does not exist` } };
    if (bill.status === 'paid')
      return { status: 200, body: { billId, paidAt: bill.paidAt, paymentReference: bill.paymentReference } };
    const paid: Bill = {
      ...bill,
      status: 'paid',
      paidAt: new Date().toISOString(),
      paymentReference: effect.reference ?? effect.id,
    };
    await sim.store.put(`bills.${billId}`, paid);
    await sim.store.put(`outbox.${billId}.paid`, {
      event: envelope('bill.paid.v1', `${billId}-paid`, { billId, paidAt: paid.paidAt, amountCents: bill.amountCents }),
      delivered: false,
      attempts: 0,
    } satisfies OutboxEntry);
    return { status: 201, body: { billId, paidAt: paid.paidAt, paymentReference: paid.paymentReference } };
  });

  sim.lookup('/bills', 'bills', ['reference', 'idempotencyKey', 'status', 'account']);
  sim.app.get('/bills/:billId', async (req, reply) => {
    const { billId } = req.params as { billId: string };
    const bill = await sim.store.get<Bill>(`bills.${billId}`);
    return bill ?? reply.code(404).send({ code: 'NO_SUCH_BILL', message: `bill ${billId} does not exist` });
  });
  /** The outbox: what was sent to the webhook and what still waits. */
  sim.app.get('/_outbox', async () => sim.store.list<OutboxEntry>('outbox'));

  let delivering = false;
  const deliver = async () => {
    if (delivering) return;
    delivering = true;
    try {
      for (const entry of await sim.store.list<OutboxEntry>('outbox')) {
        if (entry.delivered) continue;
        const key = `outbox.${String((entry.event.data as { billId: string }).billId)}.${entry.event.type === 'bill.paid.v1' ? 'paid' : 'received'}`;
        const body = JSON.stringify(entry.event);
        const status = await fetch(webhook.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signed(webhook, body) },
          body,
          signal: AbortSignal.timeout(webhook.timeoutMs),
        })
          .then((r) => r.status)
          .catch(() => 0);
        // Accepted (202, or 200 for a duplicate), or refused for good with the event dead-lettered
        // (400) or conflicting (409): done. A refused signature or source (401, 403), a rate limit
        // (429) or an outage is tried again: the gateway kept nothing of it.
        const delivered = (status >= 200 && status < 300) || status === 400 || status === 409;
        await sim.store.put(key, {
          ...entry,
          delivered,
          attempts: entry.attempts + 1,
          ...(delivered ? { answer: status } : {}),
        });
      }
    } finally {
      delivering = false;
    }
  };
  const timer = setInterval(() => void deliver().catch(() => undefined), webhook.retryEveryMs ?? 500);
  sim.app.addHook('onClose', async () => clearInterval(timer));
}

/** The webhook's signature headers: HMAC-SHA256 over "<timestamp>.<body>" with the source's secret. */
function signed(webhook: Pick<WebhookOptions, 'source' | 'secret'>, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', webhook.secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-baton-source': webhook.source, 'x-baton-timestamp': timestamp, 'x-baton-signature': `v1=${signature}` };
}
