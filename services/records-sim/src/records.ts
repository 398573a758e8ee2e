// The company's records system, simulated: where reviewed contracts are filed, each with its
// summary, its redlines and who approved it, and where a filing is looked up by the client's
// reference (GET /filings?reference=). With idempotency "on" each Idempotency-Key files once;
// "off" files every request, as a plain document store does, so a repeated filing shows in the
// records as a second record with the same reference.
import { z } from 'zod';
import type { SimulatorContext } from '@baton/simulator';

export interface FilingRecord {
  filingId: string;
  contractId: string;
  title: string;
  counterpartyId: string;
  overallRisk: 'low' | 'medium' | 'high';
  summary: string;
  redlines: number;
  approvedBy: string | null;
  /** The object-store key of the document the review read. */
  documentKey: string;
  idempotencyKey: string | null;
  /** The client's reference (body `reference`, else the Idempotency-Key). */
  reference: string | null;
  createdAt: string;
}

const FilingRequest = z.object({
  contractId: z.string().min(1).max(100),
  title: z.string().min(1).max(300),
  counterpartyId: z.string().min(1).max(100),
  overallRisk: z.enum(['low', 'medium', 'high']),
  summary: z.string().min(1).max(4_000),
  redlines: z.number().int().min(0),
  approvedBy: z.string().min(1).max(200).nullable(),
  documentKey: z.string().min(1).max(500),
  reference: z.string().min(1).max(300).optional(),
});

export function registerRecords(sim: SimulatorContext): void {
  sim.write('POST', '/filings', FilingRequest, async (body, _req, effect) => {
    const { reference: _reference, ...fields } = body;
    const filing: FilingRecord = {
      filingId: effect.id,
      ...fields,
      idempotencyKey: effect.idempotencyKey,
      reference: effect.reference,
      createdAt: new Date().toISOString(),
    };
    // Created once per effect id: a retry after a lost answer finds the filing, not a second one.
    const stored = (await sim.store.create(`filings.${filing.filingId}`, filing))
      ? filing
      : (await sim.store.get<FilingRecord>(`filings.${filing.filingId}`))!;
    return { status: 201, body: { filingId: stored.filingId, reference: stored.reference ?? stored.filingId } };
  });

  // Lookups: a client reconciles an unknown outcome by its reference; people find a contract's filings.
  sim.lookup('/filings', 'filings', ['reference', 'idempotencyKey', 'contractId', 'counterpartyId']);
  sim.app.get('/filings/:filingId', async (req, reply) => {
    const { filingId } = req.params as { filingId: string };
    const filing = await sim.store.get<FilingRecord>(`filings.${filingId}`);
    return filing ?? reply.code(404).send({ code: 'NO_SUCH_FILING', message: `filing ${filingId} does not exist` });
  });
}
