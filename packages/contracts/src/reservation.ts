// The reservation domain: the request as it arrives from existing systems, and the structured
// request the intake agent makes of it.
import { z } from 'zod';
import { eventEnvelope } from './envelope.js';

export const CustomerRef = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  phone: z.string().max(40).optional(),
});
export type CustomerRef = z.infer<typeof CustomerRef>;

/** Data of `reservation.requested.v1`: free text as a host, a phone line or a form wrote it. */
export const ReservationRequestedData = z.object({
  text: z.string().min(1).max(2000),
  customer: CustomerRef,
  /** The local date the text's weekdays are relative to (the day the request was taken). */
  receivedOn: z.iso.date().optional(),
});
export const ReservationRequested = eventEnvelope('reservation.requested.v1', ReservationRequestedData);
export type ReservationRequested = z.infer<typeof ReservationRequested>;

/** What intake understood: the request in structured form. */
export const ReservationRequest = z.object({
  partySize: z.number().int().min(1).max(50),
  date: z.iso.date(),
  time: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/),
  customer: CustomerRef.extend({ regular: z.boolean() }),
  allergies: z.array(z.string().min(1)).default([]),
  notes: z.string().max(2000).default(''),
});
export type ReservationRequest = z.infer<typeof ReservationRequest>;

/** Every event type the gateway accepts, by type string. One entry per versioned type. */
export const inboundEvents = {
  'reservation.requested.v1': ReservationRequested,
} as const;
export type InboundEventType = keyof typeof inboundEvents;
