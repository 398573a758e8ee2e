// The demo's correction: a regular's "the usual" cannot be read, so a person gives the reading
// once at the attention gate (a party of six at 19:30); the same guest's next "the usual" is read
// right without anyone, from the kept correction.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { postEvent, reservationEvent, waitFor } from '@baton/testkit';
import { decideUpdate, statusQuery, type AttentionPayload } from '@baton/workflow-kit';
import type { ReservationStatus } from '@baton/workflow-reservation';

export async function showCorrection(
  temporal: Client,
  report: (title: string, fields: Record<string, string | undefined>) => void,
): Promise<void> {
  const customer = { id: `cust-grace-${randomUUID().slice(0, 6)}`, name: 'Grace Hopper' };
  const send = async (text: string) => {
    const event = reservationEvent(text);
    return String((await postEvent({ ...event, data: { ...event.data, customer } })).body.workflowId);
  };
  const settled = (workflowId: string, states: string[]) =>
    waitFor(
      `${workflowId} to settle`,
      async () => {
        const status = (await temporal.workflow.getHandle(workflowId).query(statusQuery)) as ReservationStatus;
        return states.includes(status.state) ? status : undefined;
      },
      { timeoutMs: 60_000 },
    );

  const first = await send('The usual on Friday, please');
  const waiting = await settled(first, ['Needs attention']);
  const gate = waiting.gate!;
  const read = (gate.payload as unknown as AttentionPayload).step.details as {
    date: string;
    customer: Record<string, unknown>;
    notes: string;
  };
  await temporal.workflow.getHandle(first).executeUpdate(decideUpdate, {
    args: [
      {
        gateId: gate.gateId,
        digest: gate.digest,
        decision: 'supply-output',
        decidedBy: 'manager-mia',
        role: 'manager',
        reason: 'her usual: six at half past seven',
        changes: {
          output: {
            partySize: 6,
            date: read.date,
            time: '19:30',
            customer: read.customer,
            allergies: [],
            notes: read.notes,
          },
        },
      },
    ],
  });
  await settled(first, ['Confirmed']);
  const second = await send('The usual on Saturday');
  const done = await settled(second, ['Confirmed', 'Needs attention']);
  report(`correction: "${customer.name}'s usual" taught once, used next time`, {
    first: `"The usual on Friday, please" needed a person, who said: a party of 6 at 19:30 (kept for ${customer.id})`,
    next: `"The usual on Saturday": ${done.state} without a person, ${done.request?.partySize} guests on ${done.request?.date} at ${done.request?.time}`,
    console: 'the corrections page lists it, with revoke: /corrections   |   $ infra/pnpm.sh baton corrections list',
  });
}
