// A ticketing system, simulated: the interaction log of each support ticket. Every entry is
// written once per Idempotency-Key (once per request in mode "off"), and found by the client's
// reference or by ticket for reconcile and for the people reading the ticket.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export const EntryInput = z.object({
  kind: z.enum(['resolved', 'answered', 'declined', 'not-resolved', 'duplicate', 'expired', 'note']),
  summary: z.string().min(1).max(4000),
  /** Who closed it: `baton` (no person), or the person who decided. */
  handledBy: z.string().min(1).max(200),
  customerId: z.string().min(1).max(100),
  workflowId: z.string().min(1).max(300),
});

export interface TicketEntry extends z.output<typeof EntryInput> {
  entryId: string;
  ticketId: string;
  idempotencyKey: string | null;
  reference: string | null;
  loggedAt: string;
}

export function registerTicketing(sim: SimulatorContext): void {
  sim.write('POST', '/tickets/:ticketId/entries', EntryInput, async (body, req, effect) => {
    const { ticketId } = req.params as { ticketId: string };
    const entry: TicketEntry = {
      entryId: effect.id,
      ticketId,
      ...body,
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
      loggedAt: new Date().toISOString(),
    };
    // Logged once per effect id, even if the answer to the first attempt was lost.
    await sim.store.create(`entries.${entry.entryId}`, entry);
    return { status: 201, body: { entryId: entry.entryId } };
  });
  sim.lookup('/entries', 'entries', ['ticketId', 'reference', 'idempotencyKey', 'kind', 'customerId']);
}
