// The event envelope: CloudEvents attribute names plus Baton's correlation extensions.
// W3C traceparent travels in NATS headers, never in the envelope.
import { z } from 'zod';

/** An event type string: dotted name ending in a version, e.g. `reservation.requested.v1`. */
export const EventType = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.v[0-9]+$/, {
  message: 'must be a dotted, versioned type such as "reservation.requested.v1"',
});

/** Characters allowed in an idempotency key: it becomes part of a workflow id and KV keys. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, { message: 'may contain only letters, digits and . _ : -' });

const envelopeAttributes = {
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  specversion: z.literal('1.0'),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().max(500).optional(),
  datacontenttype: z.literal('application/json').default('application/json'),
  correlationid: z.string().min(1).max(200).optional(),
  causationid: z.string().min(1).max(200).optional(),
  idempotencykey: IdempotencyKey,
};

/** Any well-formed envelope, with its data not yet checked against its type's schema. */
export const AnyEventEnvelope = z.object({
  ...envelopeAttributes,
  type: EventType,
  data: z.unknown(),
});
export type AnyEventEnvelope = z.infer<typeof AnyEventEnvelope>;

/** Builds the envelope schema of one event type: the type string is a literal, data is typed. */
export function eventEnvelope<const T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ ...envelopeAttributes, type: z.literal(type), data });
}
