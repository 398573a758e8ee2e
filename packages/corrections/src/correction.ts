// A correction: a person told an agent what it should have read. Kept so the same mistake does
// not need a person twice; revoked ones stay in the record, marked, and are no longer used.
import { z } from 'zod';

export const CorrectionScope = z.enum(['customer', 'everyone']);
export type CorrectionScope = z.infer<typeof CorrectionScope>;

export const Correction = z.object({
  /** Derived from the gate it was made at: a retried record is the same correction. */
  id: z.string().regex(/^[a-f0-9]{24}$/),
  at: z.iso.datetime({ offset: true }),
  /** Who corrected. */
  by: z.string().min(1).max(200),
  workflowId: z.string().min(1),
  workflowType: z.string().min(1),
  gateId: z.string().min(1),
  gateType: z.string().min(1),
  /** The agent whose reading was corrected (`intake`). */
  agent: z.string().min(1),
  /** Whose input it was (the customer id); with scope `customer` it applies to them only. */
  subject: z.string().min(1).max(200).optional(),
  scope: CorrectionScope,
  /** The input as text: what the index matches the next input against. */
  input: z.string().min(1).max(4000),
  /** What the agent read (or the part it could read), and what the person said is right. */
  wrong: z.record(z.string(), z.unknown()),
  right: z.record(z.string(), z.unknown()),
  reason: z.string().max(2000).default(''),
  revoked: z
    .object({ by: z.string().min(1).max(200), at: z.iso.datetime({ offset: true }), reason: z.string().max(2000) })
    .optional(),
});
export type Correction = z.infer<typeof Correction>;
export type CorrectionInput = Omit<z.input<typeof Correction>, 'id' | 'revoked'>;

/** The fields the person changed: present in `right` and different from (or missing in) `wrong`. */
export function correctedFields(c: Pick<Correction, 'wrong' | 'right'>): string[] {
  return Object.keys(c.right).filter((k) => JSON.stringify(c.right[k]) !== JSON.stringify(c.wrong[k]));
}
