// The demo's support escalation: a customer of the CRM with a delivered order writes that it came
// late; Baton looks the customer up, checks the order, finds the refund policy in the knowledge
// base, refunds the order under the ticket's lease, logs the ticket and emails the customer, with
// nobody asked. Prints what happened and where to look.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { newTraceparent, postEvent, stackEnv, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { money, terminalSupportStates, type SupportStatus, type TicketOpened } from '@baton/workflow-support';

const systemUrl = (name: 'CRM' | 'ORDERS' | 'TICKETING', fallbackPort: number) =>
  process.env[`BATON_${name}_URL`] ?? `http://127.0.0.1:${fallbackPort}`;

async function send(url: string, method: 'PUT' | 'POST', body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export async function supportDemo(temporal: Client): Promise<void> {
  const env = stackEnv();
  const crm = systemUrl('CRM', 8345);
  const orders = systemUrl('ORDERS', 8346);
  const ticketing = systemUrl('TICKETING', 8347);
  const customerId = `cust-${randomUUID().slice(0, 8)}`;
  const email = `${customerId}@example.com`;
  await send(`${crm}/customers/${customerId}`, 'PUT', {
    name: 'Grace Hopper',
    email,
    tier: 'gold',
    since: '2021-03-04',
  });
  const order = await send(`${orders}/orders`, 'POST', {
    customerId,
    status: 'delivered',
    items: [{ sku: 'kettle-1', name: 'Glass kettle', quantity: 1, unitPriceCents: 4_000 }],
  });
  const ticketId = `T-${randomUUID().slice(0, 8)}`;
  const event: TicketOpened = {
    id: randomUUID(),
    source: 'urn:baton:demo:help-desk',
    specversion: '1.0',
    type: 'support.ticket.opened.v1',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: `tkt-${randomUUID()}`,
    data: {
      ticketId,
      customer: { id: customerId, email },
      subject: 'My order arrived late',
      body: 'The kettle came six days after the promised date.',
      orderId: String(order.orderId),
      channel: 'web',
    },
  };
  const { traceparent, traceId } = newTraceparent();
  const workflowId = String((await postEvent(event, { traceparent })).body.workflowId);
  const done = await waitFor(
    `${workflowId} to settle`,
    async () => {
      const status = (await temporal.workflow.getHandle(workflowId).query(statusQuery)) as SupportStatus;
      return terminalSupportStates.has(status.state) ? status : undefined;
    },
    { timeoutMs: 60_000 },
  );

  const lines: Array<[string, string]> = [
    [
      'outcome',
      `${done.state} by ${done.handledBy}: ${done.proposal ? `${done.proposal.kind}${done.proposal.amountCents ? ` of ${money(done.proposal.amountCents)}` : ''}` : 'answered'} (fencing token ${done.resolution?.fencingToken ?? '-'})`,
    ],
    ['steps', done.steps.map((s) => `${s.stepId}:${s.status}`).join(' → ')],
    ['customer', `${done.customer?.customer.name ?? '?'} from the ${done.customer?.source ?? '?'}`],
    ['answer', `${done.docs?.answer?.title ?? 'none'} (knowledge base article ${done.docs?.answer?.articleId ?? '-'})`],
    [
      'workflow',
      `${workflowId}  ${env.BATON_TEMPORAL_UI_URL}/namespaces/${env.BATON_TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`,
    ],
    ['trace', `${traceId}  ${env.BATON_ZIPKIN_URL}/zipkin/traces/${traceId}`],
    [
      'records',
      `${orders}/refunds?ticketId=${ticketId}  ${ticketing}/entries?ticketId=${ticketId}  ${env.BATON_MESSAGING_URL}/messages?to=${email}`,
    ],
    ['status', `pnpm baton status ${workflowId}`],
  ];
  console.log();
  console.log(`== support ticket ${ticketId}: "${event.data.subject}"`);
  for (const [k, v] of lines) console.log(`   ${k.padEnd(10)} ${v}`);
}
