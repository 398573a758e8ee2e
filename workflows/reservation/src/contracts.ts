// The reservation's contracts: the event existing systems send, the structured request intake
// makes of it, and the input and output of each of its agents. zod values live here and are
// loaded by the gateway, the result bridge and the agents; workflow code imports types only.
import { z } from 'zod';
import { defineAgentContract, eventEnvelope } from '@baton/contracts';

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

/** Data of `reservation.requested.v2`: the guest's words as in v1, and what the publisher's form
 *  already structured, each stated (null: the form did not ask). A v1 event is not a v2 (the
 *  three keys are required), hence a new version; the gateway upcasts v1 with all three null. */
export const ReservationRequestedV2Data = ReservationRequestedData.extend({
  partySize: z.number().int().min(1).max(50).nullable(),
  date: z.iso.date().nullable(),
  time: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24 h)')
    .nullable(),
});
export const ReservationRequestedV2 = eventEnvelope('reservation.requested.v2', ReservationRequestedV2Data);
export type ReservationRequestedV2 = z.infer<typeof ReservationRequestedV2>;

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

/** The most guests intake may report. Far above what any restaurant seats on purpose: a party
 *  too large is a business answer (refused with the reason by the workflow's rules, before any
 *  other agent sees the request), not a broken contract that sends the request to a person. */
export const MAX_READ_PARTY_SIZE = 999;

/** What intake reads: the request, with any party size it read. */
export const IntakeReading = ReservationRequest.extend({ partySize: z.number().int().min(1).max(MAX_READ_PARTY_SIZE) });
export type IntakeReading = z.infer<typeof IntakeReading>;

export const TableHold = z.object({
  holdId: z.string().min(1),
  tableId: z.string().min(1),
  seats: z.number().int().positive(),
});
export type TableHold = z.infer<typeof TableHold>;

export const SafetyAssessment = z.object({
  /** True when a person must decide before anything irreversible happens. */
  needsReview: z.boolean(),
  reasons: z.array(z.object({ code: z.string().min(1), detail: z.string() })),
});
export type SafetyAssessment = z.infer<typeof SafetyAssessment>;

export const Booking = z.object({ reservationId: z.string().min(1), tableId: z.string().min(1) });
export type Booking = z.infer<typeof Booking>;

export const NoticeKind = z.enum(['confirmed', 'declined', 'refused', 'expired', 'cancelled', 'unreadable']);
export type NoticeKind = z.infer<typeof NoticeKind>;

export const Deposit = z.object({ chargeId: z.string().min(1), amountCents: z.number().int().positive() });
export type Deposit = z.infer<typeof Deposit>;

export const reservationAgents = {
  intake: defineAgentContract('intake', { input: ReservationRequestedData, output: IntakeReading }),
  availability: defineAgentContract('availability', {
    input: z.object({ request: ReservationRequest }),
    output: TableHold,
    // Registered before the hold is asked for: by its id once known, else by the step's
    // reference (the hold step's idempotency key), so a hold whose answer came too late is found.
    compensation: {
      input: z.union([z.object({ holdId: z.string().min(1) }), z.object({ holdReference: z.string().min(1) })]),
      /** released: no hold stands (false: the table is booked). nothingHeld: there never was one. */
      output: z.object({ released: z.boolean(), nothingHeld: z.boolean().optional() }),
    },
  }),
  safety: defineAgentContract('safety', {
    input: z.object({ request: ReservationRequest, originalText: z.string() }),
    output: SafetyAssessment,
  }),
  payment: defineAgentContract('payment', {
    input: z.object({ request: ReservationRequest, amountCents: z.number().int().positive() }),
    output: Deposit,
    // Registered before the charge is asked for, like the hold's release.
    compensation: {
      input: z.union([z.object({ chargeId: z.string().min(1) }), z.object({ chargeReference: z.string().min(1) })]),
      /** refunded: no money is kept. nothingCharged: there never was a charge. */
      output: z.object({ refunded: z.boolean(), nothingCharged: z.boolean().optional() }),
    },
  }),
  booking: defineAgentContract('booking', {
    input: z.object({ request: ReservationRequest, hold: TableHold }),
    output: Booking,
    // Registered before the booking is asked for, like the others: a booking the POS made but
    // whose answer never came is cancelled by the booking step's reference.
    compensation: {
      input: z.union([
        z.object({ reservationId: z.string().min(1) }),
        z.object({ bookingReference: z.string().min(1) }),
      ]),
      /** cancelled: no booking stands (its table is free again). nothingBooked: there never was one. */
      output: z.object({ cancelled: z.boolean(), nothingBooked: z.boolean().optional() }),
    },
  }),
  notifier: defineAgentContract('notifier', {
    input: z.object({
      customer: CustomerRef,
      kind: NoticeKind,
      /** The request as understood, when intake could read it (a refused one may name a party
       *  larger than any table). */
      request: IntakeReading.optional(),
      reservationId: z.string().optional(),
      /** Why, in words for the guest (with `refused`). */
      reason: z.string().max(500).optional(),
    }),
    output: z.object({ messageId: z.string().min(1) }),
  }),
};
export type ReservationAgents = typeof reservationAgents;

/** What approve-with-changes may change: the party size (within the held table) and the notes. */
export const ReservationChanges = z
  .object({
    partySize: z.number().int().min(1).max(50).optional(),
    notes: z.string().max(2000).optional(),
  })
  .strict();
export type ReservationChanges = z.infer<typeof ReservationChanges>;
